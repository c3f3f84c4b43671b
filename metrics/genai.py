"""LLM calls as OpenTelemetry's GenAI instrumentation reports them ([dashsmith] ai_metrics =
otel-genai): the GenAI semantic conventions' client metrics as they arrive in Prometheus.

The conventions (open-telemetry/semantic-conventions, model/gen-ai/metrics.yaml and
docs/gen-ai/gen-ai-metrics.md; v1.36.0 @4b2c0e6, v1.41.1 @ead83b9, the last release holding
them before they moved to semantic-conventions-genai in v1.42):

  gen_ai.client.operation.duration             histogram, s         every call, failed ones with
                                                                    error.type
  gen_ai.client.token.usage                    histogram, {token}   per call and gen_ai.token.type
                                                                    (input, output)
  gen_ai.client.operation.time_to_first_chunk  histogram, s         streamed calls (v1.41)

with gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model, server.address and
server.port, and the provider as gen_ai.system (v1.36, what instrumentations following the
stable opt-in emit by default) or gen_ai.provider.name (v1.37 on).

How they arrive: OpenTelemetry's Prometheus exporter and Prometheus's OTLP receiver (default
translation_strategy UnderscoreEscapingWithSuffixes, prometheus/otlptranslator) write dots as
underscores and append the unit (s → _seconds; a {curly} unit adds nothing) and the histogram's
_bucket, _sum and _count. [dashsmith] otel_metric_names = utf8 keeps the dots instead
(Prometheus 3 with NoUTF8EscapingWithSuffixes).

What the instrumentations really emit, on a scrape (tests/test_e2e_genai.py) and in their
source (docs/ai-metrics.md has the details):
- OpenLLMetry's opentelemetry-instrumentation-anthropic 0.62 (traceloop/openllmetry,
  packages/opentelemetry-instrumentation-anthropic/.../__init__.py `_create_metrics`) gives the
  token histogram the unit `token`, not `{token}`, so it is scraped as
  gen_ai_client_token_usage_token_*; it sets gen_ai.response.model and no request model;
  error.type is the exception's class name (RateLimitError, OverloadedError); it records no
  time to first chunk; and it adds gen_ai.client.generation.choices and
  llm.anthropic.completion.exceptions, which nothing here reads.
- OpenLIT 1.45 (openlit/openlit, sdk/python/src/openlit/otel/metrics.py and __helpers.py
  `record_completion_metrics`) follows the names, adds service_name, deployment_environment
  and telemetry_sdk_name, and reports its own cost histogram gen_ai.usage.cost (unit USD).
- The Prometheus exporter adds otel_scope_name, otel_scope_version and otel_scope_schema_url,
  and writes a label another series of the family has as "" where a series lacks it.
"""

from dashsmith import Histogram, Label
from metrics import config

UTF8 = config.OTEL_METRIC_NAMES == "utf8"
# The OpenTelemetry instrumentation inside the application emits these, on the application's
# scrape target; not its hand-made counters, so `dashsmith instrument` writes none for them.
EXPORTER = "opentelemetry-genai"


def metric_name(attribute_name: str) -> str:
    """A GenAI metric or attribute name as Prometheus stores it."""
    return attribute_name if UTF8 else attribute_name.replace(".", "_")


# The attributes, as labels.
PROVIDER = metric_name("gen_ai.provider.name")
SYSTEM = metric_name("gen_ai.system")
OPERATION = metric_name("gen_ai.operation.name")
REQUEST_MODEL = metric_name("gen_ai.request.model")
RESPONSE_MODEL = metric_name("gen_ai.response.model")
TOKEN_TYPE = metric_name("gen_ai.token.type")
ERROR_TYPE = metric_name("error.type")

# The Anthropic SDK's exception classes (anthropic/_exceptions.py), which OpenLLMetry and OpenLIT
# both report as error.type; RateLimitError is HTTP 429, OverloadedError 529.
ANTHROPIC_ERRORS = [
    "RateLimitError", "OverloadedError", "InternalServerError", "ServiceUnavailableError",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "RequestTooLargeError", "UnprocessableEntityError", "APIStatusError",
    "APITimeoutError", "APIConnectionError", "DeadlineExceededError", "_OTHER",
]
RATE_LIMIT_ERRORS = ("RateLimitError", "OverloadedError")

_CALL_LABELS = [
    Label(PROVIDER, help="gen_ai.provider.name (semantic conventions v1.37 on), e.g. anthropic"),
    Label(SYSTEM, help="gen_ai.system: the provider under v1.36 and earlier"),
    Label(OPERATION, help="gen_ai.operation.name, e.g. chat"),
    # "" where a series of the family lacks it: OpenLLMetry sets no model on a failed call.
    Label(REQUEST_MODEL, [*config.AI_MODELS, ""], help="The model asked for"),
    Label(RESPONSE_MODEL, [*config.AI_MODELS, ""], help="The model that answered"),
    Label(metric_name("server.address")),
    Label(metric_name("server.port")),
    # Added by the Prometheus exporter (the instrumentation's scope) and by OpenLIT.
    Label("otel_scope_name"), Label("otel_scope_version"), Label("otel_scope_schema_url"),
    Label("service_name"), Label("deployment_environment"), Label("telemetry_sdk_name"),
    Label(metric_name("gen_ai.agent.name")),
]
_ERROR = Label(ERROR_TYPE, ANTHROPIC_ERRORS + [""],
               help="error.type: the exception's class name; empty on a call that succeeded")
_TOKEN_TYPE = Label(TOKEN_TYPE, ["input", "output"],
                    help="input counts cache reads and writes (OpenLLMetry; the conventions' "
                         "Anthropic page) or not (OpenLIT)")

# The buckets the conventions advise (ExplicitBucketBoundaries in gen-ai-metrics.md); an SDK
# without the advisory parameter needs a View to use them (docs/ai-metrics.md).
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
                    40.96, 81.92)
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
                 16777216, 67108864)

DURATION = metric_name("gen_ai.client.operation.duration") + "_seconds"
TOKEN_USAGE = metric_name("gen_ai.client.token.usage")
# OpenLLMetry's unit `token` (not `{token}`) becomes a suffix.
TOKEN_USAGE_OPENLLMETRY = TOKEN_USAGE + "_token"
FIRST_CHUNK = metric_name("gen_ai.client.operation.time_to_first_chunk") + "_seconds"
# OpenLIT's cost histogram (openlit/otel/metrics.py "genai_cost": gen_ai.usage.cost, unit USD,
# no advisory buckets), recorded per call with the call's attributes (__helpers.py
# record_completion_metrics), priced from OpenLIT's list by the request model: the unit is
# appended as written, so it arrives as gen_ai_usage_cost_USD_*.
COST = metric_name("gen_ai.usage.cost") + "_USD"
# The SDK's default explicit buckets, which OpenLIT's histogram gets.
SDK_DEFAULT_BUCKETS = (0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000)

_METRICS = [
    Histogram(DURATION, "GenAI operation duration: every call, a failed one with error.type "
              "(OpenLLMetry and OpenLIT; OpenLIT 1.45 records no call that raised).",
              labels=[*_CALL_LABELS, _ERROR], unit="seconds", buckets=DURATION_BUCKETS,
              exporter=EXPORTER),
    Histogram(TOKEN_USAGE, "Number of input and output tokens used, per call (OpenLIT; "
              "OpenLLMetry names it gen_ai_client_token_usage_token).",
              labels=[*_CALL_LABELS, _TOKEN_TYPE], unit="tokens", buckets=TOKEN_BUCKETS,
              exporter=EXPORTER),
    Histogram(TOKEN_USAGE_OPENLLMETRY, "gen_ai.client.token.usage as OpenLLMetry's unit `token` "
              "names it.", labels=[*_CALL_LABELS, _TOKEN_TYPE], unit="tokens",
              buckets=TOKEN_BUCKETS, exporter=EXPORTER),
    Histogram(FIRST_CHUNK, "Time from the request to the first chunk of a streamed response "
              "(OpenLIT records it; OpenLLMetry 0.62 does not).",
              labels=_CALL_LABELS, unit="seconds", buckets=DURATION_BUCKETS, exporter=EXPORTER),
]

if config.AI_COST == "openlit":
    _METRICS.append(Histogram(
        COST, "The cost of a call in US dollars, as OpenLIT prices it from its own list (0 for a "
        "model the list lacks; OpenLIT only).", labels=_CALL_LABELS, unit="usd",
        buckets=SDK_DEFAULT_BUCKETS, exporter=EXPORTER))

# The catalog holds the metrics of the source the project reads, so lint and verify judge
# queries by what that source exports.
METRICS = _METRICS if config.AI_METRICS == "otel-genai" else []
