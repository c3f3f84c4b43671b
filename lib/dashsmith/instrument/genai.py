"""The OpenTelemetry GenAI metrics as they arrive in Prometheus ([dashsmith] ai_metrics =
otel-genai), for what dashsmith writes or serves on the application's side: the generated
module's instrument_llm_calls() (generate.py) and verify's synthetic workload.

The project's catalog declares them (metrics/genai.py, with the sources: the semantic
conventions and what OpenLLMetry and OpenLIT really emit); these are the names OpenTelemetry's
Prometheus exporter writes by default (dots as underscores, the unit's suffix).
"""

from __future__ import annotations

EXPORTER = "opentelemetry-genai"  # the catalog's exporter name for them (metrics/genai.py)


def prometheus_name(name: str) -> str:
    """An OpenTelemetry metric or attribute name as its Prometheus exporter writes it."""
    return name.replace(".", "_")


DURATION = prometheus_name("gen_ai.client.operation.duration") + "_seconds"
TOKENS = prometheus_name("gen_ai.client.token.usage")
TOKENS_OPENLLMETRY = TOKENS + "_token"  # OpenLLMetry's unit `token` becomes a suffix
FIRST_CHUNK = prometheus_name("gen_ai.client.operation.time_to_first_chunk") + "_seconds"
COST = prometheus_name("gen_ai.usage.cost") + "_USD"  # OpenLIT's own (ai_cost = openlit)
