"""`dashsmith bridge langfuse|langsmith`: a Prometheus exporter over an LLM trace store's own
aggregation APIs (Langfuse's Metrics API v2, LangSmith's run statistics and feedback), so that
what only the trace store knows (traces by name, their cost, evaluation scores and feedback)
sits beside the application's metrics in one Prometheus and one Grafana. docs/bridge.md.

  families.py     what the bridge exports (the catalog's metrics/bridge.py declares the same)
  counting.py     the day's totals, counted window by window up to a settle delay behind now
  budget.py       the cap on requests an hour, shared by every request a poll makes
  langfuse.py     one window's counts from GET /api/public/v2/metrics
  langsmith.py    one window's counts from POST /runs/stats and GET /feedback (langsmith SDK)
  credentials.py  keys from the environment or a file, never shown
  exporter.py     the poll loop and the /metrics endpoint
"""
