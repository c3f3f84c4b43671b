"""LLM calls made by the trading platform (Claude), exported by the application: the catalog
when [dashsmith] ai_metrics = app (metrics/genai.py has the OpenTelemetry GenAI metrics)."""

from dashsmith import Counter, Gauge, Histogram, Label
from metrics import config

PROVIDER = Label("provider", ["anthropic"],
                 help="LLM provider (OpenTelemetry gen_ai.provider.name)")
MODEL = Label("model", help="Model id, e.g. claude-haiku-4-5-20251001")
TIER = Label("tier", ["fast", "medium"], help="Model tier the platform asked for")
TOKEN_TYPE = Label("type", ["input", "output"], help="input includes cache tokens")
CACHE_TOKEN_TYPE = Label("type", ["cache_read", "cache_creation"])
ERROR_TYPE = Label("error_type", [
    "rate_limit_error", "overloaded_error", "api_error", "invalid_request_error",
    "authentication_error", "permission_error", "not_found_error", "request_too_large",
    "timeout", "connection", "_OTHER",
], help="Anthropic error.type, or timeout/connection for transport failures")

# Buckets reach 120 s: with the client's default buckets (≤ 10 s) p95 could never exceed 10 s.
LATENCY_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120)
FIRST_TOKEN_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20)

_METRICS = [
    Counter("ai_completions_total", "Successful LLM completions.",
            labels=[PROVIDER, MODEL], unit="completions", exporter="tradingagents"),
    Counter("ai_errors_total", "LLM calls that failed, by error type.",
            labels=[PROVIDER, MODEL, ERROR_TYPE], unit="errors", exporter="tradingagents"),
    Counter("ai_tokens_total", "Tokens billed, input and output.",
            labels=[PROVIDER, MODEL, TOKEN_TYPE], unit="tokens", exporter="tradingagents"),
    Counter("ai_cache_tokens_total", "Prompt-cache tokens read and written.",
            labels=[PROVIDER, MODEL, CACHE_TOKEN_TYPE], unit="tokens", exporter="tradingagents"),
    Counter("ai_cost_usd_total", "Spend on LLM calls, in US dollars.",
            labels=[PROVIDER, MODEL], unit="usd", exporter="tradingagents"),
    Histogram("ai_latency_seconds", "Duration of an LLM call, request to last token.",
              labels=[PROVIDER, TIER], unit="seconds", buckets=LATENCY_BUCKETS,
              exporter="tradingagents"),
    Histogram("ai_time_to_first_token_seconds", "Time to the first streamed token.",
              labels=[PROVIDER, TIER], unit="seconds", buckets=FIRST_TOKEN_BUCKETS,
              exporter="tradingagents"),
    Gauge("ai_active_requests", "LLM calls in flight.", unit="requests",
          exporter="tradingagents"),
]

# The catalog holds the metrics of the source the project reads, so lint and verify judge
# queries by what that source exports.
METRICS = _METRICS if config.AI_METRICS == "app" else []
