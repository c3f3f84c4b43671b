"""What the AI panels, alerts and SLOs read, for the source setup.cfg's [dashsmith] ai_metrics
chooses: `AI`, one set of query building blocks, written once per source.

Each block is PromQL in the application's label vocabulary, whichever the source: provider,
model, type (of token), error_type, tier. So one panel or rule reads the same either way:

    f"sum by (provider, model) ({AI.completions(JOB, RATE)}) * 60"

is, with ai_metrics = app, the application's counter as it always was,

    sum by (provider, model) (rate(ai_completions_total{job=~"$job"}[$__rate_interval])) * 60

and with otel-genai the GenAI duration histogram's count of calls without an error, its
gen_ai_* labels copied to those names by label_replace.

A block takes the selector to narrow by (a dashboard's JOB; None in a rule), the range window
and the range function (rate or increase).
"""

from __future__ import annotations

from dashsmith import Events, Latency, Record, Selector
from dashsmith.model.prices import DATED_MODEL, PRICED_AS, PRICE_SERIES
from dashsmith.model.project_settings import of_module
from dashsmith.slo.declaration import WINDOW, bucket_regex
from metrics import config, genai
from metrics.prices import CLAUDE

RATE = "$__rate_interval"
RANGE = "$__range"


def _select(name: str, selector: Selector | None, *matchers: str) -> str:
    """`name{matchers,selector}`, without braces when there is nothing to match."""
    narrowed = Selector(*matchers, *([selector] if selector is not None else []))
    if "." in name:  # a UTF-8 name (otel_metric_names = utf8) is written as a quoted matcher
        return "{" + ",".join(m for m in (f'"{name}"', narrowed.matchers) if m) + "}"
    if not narrowed.matchers:
        return name
    return f"{name}{narrowed}"


def _label_matcher(label: str, op: str, value: str) -> str:
    return f'"{label}"{op}"{value}"' if "." in label else f'{label}{op}"{value}"'


class AppMetrics:
    """The application's own counters (metrics/ai.py)."""

    source = "app"
    calls_metric = "ai_completions_total"  # exists once the client has made a call
    latency_histogram = "ai_latency_seconds"
    rate_limited = 'error_type=~"rate_limit_error|overloaded_error"'
    prices_tokens = False  # the application reports its spend itself
    in_flight_description = "LLM calls in flight right now."

    def completions(self, selector=None, window=RATE, function="rate"):
        return f"{function}({_select('ai_completions_total', selector)}[{window}])"

    def errors(self, selector=None, window=RATE, function="rate", matching=""):
        return f"{function}({_select('ai_errors_total', selector, matching)}[{window}])"

    def tokens(self, selector=None, window=RATE, function="rate"):
        return f"{function}({_select('ai_tokens_total', selector)}[{window}])"

    def cost_usd(self, selector=None, window=RATE, function="rate"):
        return f"{function}({_select('ai_cost_usd_total', selector)}[{window}])"

    def latency_buckets(self, selector=None, window=RATE):
        return f"rate({_select('ai_latency_seconds_bucket', selector)}[{window}])"

    def first_token_buckets(self, selector=None, window=RATE):
        return f"rate({_select('ai_time_to_first_token_seconds_bucket', selector)}[{window}])"

    def in_flight(self, selector=None, window=RATE):
        return _select("ai_active_requests", selector)

    def latency_bound(self, seconds: float) -> float:
        """The bucket boundary a latency objective of `seconds` counts below."""
        return seconds

    def fast_latency_sli(self, below: float):
        """The latency SLO's events: fast-tier calls, and those faster than `below` seconds (a
        bucket boundary of ai_latency_seconds)."""
        return Latency(self.latency_histogram, below=below, selector='tier="fast"')

    def records(self) -> list[Record]:
        return []


class GenAIMetrics:
    """The OpenTelemetry GenAI metrics (metrics/genai.py), as the instrumentations emit them."""

    source = "otel-genai"
    calls = genai.DURATION + "_count"
    calls_metric = _select(calls, None)
    latency_histogram = genai.DURATION
    rate_limited = _label_matcher(genai.ERROR_TYPE, "=~", "|".join(genai.RATE_LIMIT_ERRORS))
    prices_tokens = True
    in_flight_description = ("LLM calls in flight on average over the interval: seconds spent "
                             "in calls per second.")

    def __init__(self, prices, cost: str = "prices"):
        self.prices = prices
        # openlit: the spend is OpenLIT's own gen_ai.usage.cost, not tokens × prices, so there
        # is no price table to record and no unpriced traffic to tell apart (OpenLIT counts a
        # model its list lacks as $0)
        self.cost = cost
        self.prices_tokens = cost == "prices"

    def completions(self, selector=None, window=RATE, function="rate"):
        # A call that succeeded has no error.type (the Prometheus exporter writes it as "").
        calls = _select(self.calls, selector, _label_matcher(genai.ERROR_TYPE, "=", ""))
        return _app_labels(f"{function}({calls}[{window}])")

    def errors(self, selector=None, window=RATE, function="rate", matching=""):
        failed = _select(self.calls, selector,
                         _label_matcher(genai.ERROR_TYPE, "!=", ""), matching)
        expr = _app_labels(f"{function}({failed}[{window}])")
        return _copy(expr, "error_type", genai.ERROR_TYPE) if genai.UTF8 else expr

    def tokens(self, selector=None, window=RATE, function="rate"):
        # OpenLLMetry's token histogram carries the suffix of its unit `token` (metrics/genai.py).
        spec, openllmetry = (f"{function}({_select(name + '_sum', selector)}[{window}])"
                             for name in (genai.TOKEN_USAGE, genai.TOKEN_USAGE_OPENLLMETRY))
        return _copy(_app_labels(f"({spec} or {openllmetry})"), "type", genai.TOKEN_TYPE)

    def cost_usd(self, selector=None, window=RATE, function="rate"):
        """Tokens × the price of their model and type (dashsmith.prices): a model without a
        price has no cost series (unpriced_tokens shows its traffic), never $0. With
        ai_cost = openlit, the sum of OpenLIT's per-call cost histogram."""
        if self.cost == "openlit":
            return _app_labels(f"{function}({_select(genai.COST + '_sum', selector)}[{window}])")
        return (f"{self._priced(self.tokens(selector, window, function))}"
                f" * on ({PRICED_AS}, type) group_left () {PRICE_SERIES} / 1e6")

    def unpriced_tokens(self, selector=None, window=RATE, function="rate"):
        return (f"{self._priced(self.tokens(selector, window, function))}"
                f" unless on ({PRICED_AS}, type) {PRICE_SERIES}")

    def latency_buckets(self, selector=None, window=RATE):
        buckets = _select(genai.DURATION + "_bucket", selector)
        return _tiers(_app_labels(f"rate({buckets}[{window}])"))

    def first_token_buckets(self, selector=None, window=RATE):
        buckets = _select(genai.FIRST_CHUNK + "_bucket", selector)
        return _tiers(_app_labels(f"rate({buckets}[{window}])"))

    def in_flight(self, selector=None, window=RATE):
        # Little's law: the seconds spent in calls per second is the mean number in flight.
        return _app_labels(f"rate({_select(genai.DURATION + '_sum', selector)}[{window}])")

    def latency_bound(self, seconds: float) -> float:
        """The conventions' duration buckets double (…, 2.56, 5.12, …): an objective of 5 s
        counts the calls below 5.12 s, the first boundary at or above it."""
        return min(bound for bound in genai.DURATION_BUCKETS if bound >= seconds)

    def fast_latency_sli(self, below: float):
        """The latency SLO's events: fast-tier calls (by model: the histogram has no tier), and
        those faster than latency_bound(below). Latency writes the histogram's series by name,
        which a UTF-8 name cannot be; Events says the same with quoted names."""
        fast = _label_matcher(genai.RESPONSE_MODEL, "=~", config.AI_MODEL_TIERS["fast"])
        bound = self.latency_bound(below)
        if not genai.UTF8:
            return Latency(self.latency_histogram, below=bound, selector=fast)
        below = f'le=~"{bucket_regex(bound)}"'
        # WINDOW: where the SLO expansion writes each alert window into an SLI.
        calls = f"sum(rate({_select(genai.DURATION + '_count', None, fast)}[{WINDOW}]))"
        fast_enough = _select(genai.DURATION + "_bucket", None, fast, below)
        fast_enough = f"sum(rate({fast_enough}[{WINDOW}]))"
        return Events(errors=f"{calls} - {fast_enough}", total=calls)

    def records(self) -> list[Record]:
        return self.prices.records() if self.prices_tokens else []

    @staticmethod
    def _priced(expr: str) -> str:
        return f'label_replace({expr}, "{PRICED_AS}", "$1", "model", "{DATED_MODEL}")'


def _copy(expr: str, to: str, label: str) -> str:
    """`expr` with `label`'s value also in `to`, where it has one."""
    return f'label_replace({expr}, "{to}", "$1", "{label}", "(.+)")'


def _app_labels(expr: str) -> str:
    """`expr` with the GenAI attributes also under the application's label names: provider from
    gen_ai.provider.name, else the older gen_ai.system; model from gen_ai.response.model (the
    model that answered: OpenLLMetry sets only it), else gen_ai.request.model."""
    expr = _copy(_copy(expr, "provider", genai.SYSTEM), "provider", genai.PROVIDER)
    return _copy(_copy(expr, "model", genai.REQUEST_MODEL), "model", genai.RESPONSE_MODEL)


def _tiers(expr: str) -> str:
    """`expr` with a tier label from the model (config.AI_MODEL_TIERS)."""
    for tier, models in config.AI_MODEL_TIERS.items():
        expr = f'label_replace({expr}, "tier", "{tier}", "model", "{models}")'
    return expr


def _source(name: str):
    if name == "otel-genai":
        return GenAIMetrics(CLAUDE.with_settings(of_module(__file__)), config.AI_COST)
    return AppMetrics()


AI = _source(config.AI_METRICS)
