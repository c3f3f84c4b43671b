"""The TradingAgents application: analyses, agents and what they spend."""

from dashsmith import Counter, Gauge, Histogram, Label

TICKER = Label("ticker", help="Instrument analysed, e.g. AAPL")
STATUS = Label("status", ["success", "error"])
# One name for the agent everywhere (the plan mixed `agent` and `agent_name`).
AGENT = Label("agent_name", help="Agent in the analysis graph, e.g. market_analyst")
MODEL = Label("model", help="Model id, e.g. claude-sonnet-4-5-20250929")
TOKEN_TYPE = Label("type", ["input", "output"])

# Analyses take minutes: buckets up to 30 min, so p95 > 300 s (SlowAnalysis) is measurable.
ANALYSIS_BUCKETS = (5, 10, 30, 60, 120, 180, 240, 300, 450, 600, 900, 1800)
AGENT_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)

METRICS = [
    Counter("tradingagents_analyses_total", "Analyses finished, by outcome.",
            labels=[TICKER, STATUS], unit="analyses", exporter="tradingagents"),
    Histogram("tradingagents_analysis_duration_seconds", "Wall time of one analysis.",
              labels=[TICKER], unit="seconds", buckets=ANALYSIS_BUCKETS, exporter="tradingagents"),
    Gauge("tradingagents_active_analyses", "Analyses running now.", unit="analyses",
          exporter="tradingagents"),
    Gauge("tradingagents_analysis_queue_length", "Analyses waiting to start.", unit="analyses",
          exporter="tradingagents"),
    Counter("tradingagents_agent_executions_total", "Agent runs, by outcome.",
            labels=[AGENT, STATUS], unit="executions", exporter="tradingagents"),
    Histogram("tradingagents_agent_duration_seconds", "Wall time of one agent run.",
              labels=[AGENT], unit="seconds", buckets=AGENT_BUCKETS, exporter="tradingagents"),
    # Declared in Python as Counter("tradingagents_llm_cost_usd"); the client appends _total.
    Counter("tradingagents_llm_cost_usd_total", "LLM spend per agent, in US dollars.",
            labels=[MODEL, AGENT], unit="usd", exporter="tradingagents"),
    Counter("tradingagents_llm_tokens_total", "LLM tokens per agent.",
            labels=[MODEL, AGENT, TOKEN_TYPE], unit="tokens", exporter="tradingagents"),
]
