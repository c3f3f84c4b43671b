"""What only the LLM trace store knows, exported by `dashsmith bridge langfuse|langsmith`
(job llm-bridge): traces, their cost and duration by trace name, generations by model, and the
evaluation scores and user feedback by name. docs/bridge.md says where each number comes from.

The counters are the store's own totals for the current UTC day, counted up to a settle delay
behind now: a value is a function of what the store holds, so a restarted bridge shows the same
number (no double count) and a new day starts them again from 0, which rate() and increase()
read as a counter reset. A counter appears only after the bridge's first successful poll.
"""

from dashsmith import Counter, Gauge, Label, Summary

EXPORTER = "llm-bridge"

STORE = Label("store", ["langfuse", "langsmith"], help="The trace store the bridge polls")
TRACE_NAME = Label("trace_name", help="Langfuse trace name; LangSmith root run name")
MODEL = Label("model", help="Langfuse providedModelName; LangSmith ls_model_name metadata")
TOKEN_TYPE = Label("type", ["input", "output"])
SCORE_NAME = Label("score_name", help="Langfuse score name; LangSmith feedback key")
ERROR_REASON = Label("reason", [
    "unauthorized", "rate_limited", "server_error", "timeout", "unreachable", "bad_request",
    "bad_response",
], help="Why a poll of the trace store failed")

METRICS = [
    Counter("llm_traces_total", "Traces started, by trace name.",
            labels=[STORE, TRACE_NAME], unit="traces", exporter=EXPORTER),
    Counter("llm_trace_errors_total", "Traces whose root ended in error, by trace name.",
            labels=[STORE, TRACE_NAME], unit="traces", exporter=EXPORTER),
    Counter("llm_trace_cost_usd_total", "Cost of the traces' LLM calls, by trace name.",
            labels=[STORE, TRACE_NAME], unit="usd", exporter=EXPORTER),
    Counter("llm_trace_duration_seconds_total", "Summed duration of the traces (root start to "
            "end), by trace name; over llm_traces_total it is the mean duration.",
            labels=[STORE, TRACE_NAME], unit="seconds", exporter=EXPORTER),
    Counter("llm_generations_total", "LLM calls (generations) recorded, by model.",
            labels=[STORE, MODEL], unit="generations", exporter=EXPORTER),
    Counter("llm_generation_tokens_total", "Tokens of the LLM calls, by model and type.",
            labels=[STORE, MODEL, TOKEN_TYPE], unit="tokens", exporter=EXPORTER),
    Counter("llm_generation_cost_usd_total", "Cost of the LLM calls as the trace store prices "
            "them, by model.", labels=[STORE, MODEL], unit="usd", exporter=EXPORTER),
    Counter("llm_generation_duration_seconds_total", "Summed duration of the LLM calls, by "
            "model; over llm_generations_total it is the mean latency.",
            labels=[STORE, MODEL], unit="seconds", exporter=EXPORTER),
    # A summary without quantiles: _count scores recorded, _sum their values, so that
    # rate(_sum) / rate(_count) is the mean score over any window.
    Summary("llm_score", "Numeric and boolean evaluation scores (Langfuse) and feedback "
            "scores (LangSmith), by name.", labels=[STORE, SCORE_NAME], unit="score",
            exporter=EXPORTER),
    Gauge("llm_bridge_up", "1 if the bridge's last poll of the trace store succeeded.",
          labels=[STORE], exporter=EXPORTER),
    Gauge("llm_bridge_last_success_timestamp_seconds", "When the last poll succeeded.",
          labels=[STORE], unit="seconds", exporter=EXPORTER),
    Gauge("llm_bridge_counted_until_timestamp_seconds", "The counters hold everything the "
          "store recorded before this time (now less the settle delay, when polls succeed).",
          labels=[STORE], unit="seconds", exporter=EXPORTER),
    Counter("llm_bridge_poll_errors_total", "Polls of the trace store that failed, by reason.",
            labels=[STORE, ERROR_REASON], unit="errors", exporter=EXPORTER),
]
