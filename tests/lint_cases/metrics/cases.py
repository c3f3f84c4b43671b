"""The metric catalog the lint cases are checked against: a small copy of the platform's, plus a
summary, so every catalog rule has something to catch."""

from dashsmith import Counter, Gauge, Histogram, Label, Summary

PROVIDER = Label("provider", ["anthropic"])
STATUS = Label("status", ["success", "error"])
ERROR_TYPE = Label("error_type", ["rate_limit_error", "overloaded_error", "api_error"])
TIER = Label("tier", ["fast", "medium"])

METRICS = [
    Counter("ai_completions_total", "Completions.", labels=[PROVIDER, "model"],
            exporter="tradingagents"),
    Counter("ai_errors_total", "Failed calls.", labels=[PROVIDER, "model", ERROR_TYPE],
            exporter="tradingagents"),
    Histogram("ai_latency_seconds", "Call duration.", labels=[PROVIDER, TIER],
              buckets=(1, 5, 10, 30), exporter="tradingagents"),
    Gauge("ai_active_requests", "Calls in flight.", exporter="tradingagents"),
    Counter("tradingagents_analyses_total", "Analyses.", labels=["ticker", STATUS],
            exporter="tradingagents"),
    Histogram("tradingagents_analysis_duration_seconds", "Analysis time.", labels=["ticker"],
              buckets=(30, 60, 300, 900), exporter="tradingagents"),
    Counter("tradingagents_llm_cost_usd_total", "Spend.", labels=["model", "agent_name"],
            exporter="tradingagents"),
    Summary("rpc_duration_seconds", "RPC time, as a summary.", labels=["method"],
            exporter="tradingagents"),
    Gauge("up", "Scrape succeeded.", exporter="prometheus"),
    Gauge("ai_provider_info", "The provider's state, in a label; always 1.",
          labels=[PROVIDER, Label("state", ["up", "degraded"])], exporter="tradingagents"),
]
