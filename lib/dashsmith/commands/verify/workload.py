"""The synthetic workload: the trading platform's AI and application metrics with traffic whose
every number is known, so a test can say what each panel must show.

Counters grow linearly with time at configured rates (values are computed when scraped, so
`rate()` over any window returns the configured rate exactly); histograms observe fixed
distributions. A fault mode replaces the normal workload with what one alert is meant to catch;
switching keeps every counter monotonic.

The exporter serves the catalog's `tradingagents` metrics (names, help and buckets from the
catalog) over prometheus-client:  GET /metrics, GET /fault, POST /fault/<name> (or `normal`).

With [dashsmith] ai_metrics = otel-genai (the catalog's `opentelemetry-genai` metrics) the LLM
calls are not the application's ai_* counters but the OpenTelemetry GenAI histograms, named and
labelled as OpenTelemetry's Prometheus exporter writes them (dots as underscores, the unit's
suffix, "" for an attribute a series lacks): gen_ai_client_operation_duration_seconds (every
call; a failed one with error_type, the Anthropic SDK's exception class),
gen_ai_client_token_usage (and OpenLLMetry's gen_ai_client_token_usage_token: either branch of
the token queries has data), gen_ai_client_operation_time_to_first_chunk_seconds, and OpenLIT's
gen_ai_usage_cost_USD where the catalog declares it (ai_cost = openlit). Same calls, latencies
and tokens as the application's counters, so the panels show the same numbers either way (but
spend: with ai_cost = prices it is tokens × the price table, not usd_per_completion).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dashsmith.instrument import genai

EXPORTER = "tradingagents"  # the catalog's exporter name for what this workload serves
GENAI_EXPORTER = genai.EXPORTER  # the GenAI metrics' exporter (metrics/genai.py)
SOURCES = ("app", "otel-genai")  # [dashsmith] ai_metrics
# The application's error types as the Anthropic SDK's exception classes (anthropic/
# _exceptions.py), which the GenAI instrumentations report as error.type.
SDK_ERRORS = {"api_error": "InternalServerError", "overloaded_error": "OverloadedError",
              "rate_limit_error": "RateLimitError", "timeout": "APITimeoutError"}

# (value, share) pairs whose shares add up to 1: a discrete distribution of observations.
Distribution = tuple[tuple[float, float], ...]


def cumulative(distribution: Distribution, upper: float) -> float:
    """Share of observations at or below `upper`."""
    return sum(share for value, share in distribution if value <= upper)


def quantile(distribution: Distribution, q: float) -> float:
    """The smallest value with at least `q` of the observations at or below it."""
    total = 0.0
    for value, share in sorted(distribution):
        total += share
        if total >= q - 1e-9:
            return value
    return max(value for value, _ in distribution)


def mean(distribution: Distribution) -> float:
    return sum(value * share for value, share in distribution)


@dataclass(frozen=True)
class Model:
    name: str
    tier: str
    completions_per_minute: float
    input_tokens: int  # per completion, cache tokens included
    output_tokens: int
    usd_per_completion: float


@dataclass(frozen=True)
class Agent:
    name: str
    executions_per_minute: float
    success_ratio: float
    durations: Distribution
    llm_share: float  # share of the platform's LLM tokens and spend


@dataclass(frozen=True)
class Workload:
    provider: str = "anthropic"
    models: tuple[Model, ...] = (
        Model("claude-haiku-4-5", "fast", 40, 1200, 300, 0.001),
        Model("claude-sonnet-4-5", "medium", 10, 3000, 800, 0.006),
    )
    llm_error_ratio: float = 0.002  # failed calls / all calls: within the 99.5% SLO
    error_types: tuple[tuple[str, float], ...] = (
        ("api_error", 0.5), ("overloaded_error", 0.2), ("timeout", 0.3))
    latency: tuple[tuple[str, Distribution], ...] = (
        ("fast", ((0.8, 0.70), (1.8, 0.20), (2.8, 0.08), (6.0, 0.02))),
        ("medium", ((4.0, 0.60), (8.0, 0.30), (14.0, 0.07), (25.0, 0.03))),
    )
    first_token: tuple[tuple[str, Distribution], ...] = (
        ("fast", ((0.2, 0.8), (0.4, 0.2))),
        ("medium", ((0.6, 0.7), (1.2, 0.3))),
    )
    cache_read_share: float = 0.4  # of input tokens
    active_requests: int = 3
    analyses_per_minute: float = 6
    analysis_error_ratio: float = 0.04
    analysis_durations: Distribution = ((60, 0.50), (120, 0.30), (200, 0.16), (280, 0.04))
    tickers: tuple[str, ...] = ("AAPL", "MSFT", "NVDA")
    agents: tuple[Agent, ...] = (
        Agent("market_analyst", 6, 0.98, ((4, 0.7), (9, 0.3)), 0.3),
        Agent("news_analyst", 6, 0.97, ((6, 0.6), (15, 0.4)), 0.3),
        Agent("trader", 6, 0.99, ((2, 0.8), (4, 0.2)), 0.4),
    )
    active_analyses: int = 2
    queue_length: int = 4
    completions_exported: bool = True  # False: the completions series is gone
    scrapes_fail: bool = False  # True: /metrics answers 503

    # What the panels must show, from the configuration alone.

    def calls_per_second(self, model: Model) -> float:
        return model.completions_per_minute / 60 / (1 - self.llm_error_ratio)

    def errors_per_second(self, model: Model) -> float:
        return self.calls_per_second(model) * self.llm_error_ratio

    def completions_per_minute(self) -> dict[tuple[str, str], float]:
        return {(self.provider, m.name): m.completions_per_minute for m in self.models}

    def tokens_per_second(self) -> dict[str, float]:
        return {kind: sum(m.completions_per_minute / 60 * getattr(m, f"{kind}_tokens")
                          for m in self.models)
                for kind in ("input", "output")}

    def cost_per_hour(self) -> dict[str, float]:
        return {self.provider: sum(m.completions_per_minute * 60 * m.usd_per_completion
                                   for m in self.models)}

    def error_ratio(self) -> dict[str, float]:
        errors = sum(self.errors_per_second(m) for m in self.models)
        calls = sum(self.calls_per_second(m) for m in self.models)
        return {self.provider: errors / calls}

    def model_shares(self) -> dict[str, float]:
        total = sum(m.completions_per_minute for m in self.models)
        return {m.name: m.completions_per_minute / total for m in self.models}

    def latency_p95(self) -> dict[tuple[str, str], float]:
        return {(self.provider, tier): quantile(dist, 0.95) for tier, dist in self.latency
                if any(m.tier == tier for m in self.models)}

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Workload:
        data = json.loads(text)
        data["models"] = tuple(Model(**m) for m in data["models"])
        data["agents"] = tuple(Agent(**{**a, "durations": _distribution(a["durations"])})
                               for a in data["agents"])
        for name in ("latency", "first_token"):
            data[name] = tuple((tier, _distribution(d)) for tier, d in data[name])
        data["analysis_durations"] = _distribution(data["analysis_durations"])
        data["error_types"] = tuple(tuple(pair) for pair in data["error_types"])
        data["tickers"] = tuple(data["tickers"])
        return cls(**data)


def _distribution(pairs) -> Distribution:
    return tuple((float(value), float(share)) for value, share in pairs)


# Fault modes: what each alert is meant to catch, as a change of the normal workload.

def _error_spike(w: Workload) -> Workload:
    # The provider fails most calls (clients retry, so calls pile up) and analyses fail with it.
    models = tuple(dataclasses.replace(m, completions_per_minute=m.completions_per_minute / 4)
                   for m in w.models)
    return dataclasses.replace(w, models=models, llm_error_ratio=0.95,
                               error_types=(("api_error", 1.0),), analysis_error_ratio=1.0)


def _rate_limited(w: Workload) -> Workload:
    return dataclasses.replace(w, llm_error_ratio=0.9, error_types=(
        ("rate_limit_error", 0.8), ("overloaded_error", 0.2)))


def _latency_regression(w: Workload) -> Workload:
    slow = ((8.0, 0.7), (12.0, 0.3))
    return dataclasses.replace(w, latency=tuple((tier, slow if tier == "fast" else dist)
                                                for tier, dist in w.latency))


def _slow_analyses(w: Workload) -> Workload:
    return dataclasses.replace(w, analysis_durations=((600, 0.8), (1200, 0.2)))


def _cost_burst(w: Workload) -> Workload:
    # A runaway agent loop sends huge prompts to the expensive model.
    models = tuple(dataclasses.replace(m, completions_per_minute=120, input_tokens=150_000,
                                       usd_per_completion=10.0) if m.tier == "medium" else m
                   for m in w.models)
    return dataclasses.replace(w, models=models)


def _traffic_stop(w: Workload) -> Workload:
    # The LLM client stopped completing calls (e.g. restarted and hung before its first
    # completion): its completions series is gone while analyses keep starting.
    return dataclasses.replace(w, completions_exported=False)


def _scrape_failure(w: Workload) -> Workload:
    return dataclasses.replace(w, scrapes_fail=True)


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    apply: Callable[[Workload], Workload]


FAULTS = {f.name: f for f in (
    Fault("error-spike", "95% of LLM calls fail (api_error) and every analysis fails",
          _error_spike),
    Fault("rate-limited", "90% of LLM calls are refused (rate_limit_error, overloaded_error)",
          _rate_limited),
    Fault("latency-regression", "fast-tier LLM calls take 8-12 s", _latency_regression),
    Fault("slow-analyses", "analyses take 10-20 minutes", _slow_analyses),
    Fault("cost-burst",
          "the medium-tier model gets 120 calls/min of 150k-token prompts at $10 each",
          _cost_burst),
    Fault("traffic-stop", "no LLM completion: the completions series disappears", _traffic_stop),
    Fault("scrape-failure", "/metrics answers 503, so Prometheus's scrape fails", _scrape_failure),
)}


# Series and their rates.

SeriesKey = tuple[str, tuple[tuple[str, str], ...]]  # (family, ((label, value), ...))


@dataclass
class Rates:
    """Per-second increments of every counter and observation rates of every histogram."""

    counters: dict[SeriesKey, float] = field(default_factory=dict)
    histograms: dict[SeriesKey, tuple[float, Distribution]] = field(default_factory=dict)
    gauges: dict[SeriesKey, float] = field(default_factory=dict)

    def count(self, family: str, rate: float, **labels: str):
        key = (family, tuple(sorted(labels.items())))
        self.counters[key] = self.counters.get(key, 0.0) + rate

    def observe(self, family: str, rate: float, distribution: Distribution, **labels: str):
        self.histograms[(family, tuple(sorted(labels.items())))] = (rate, distribution)

    def gauge(self, family: str, value: float, **labels: str):
        self.gauges[(family, tuple(sorted(labels.items())))] = value


_otel = genai.prometheus_name
GENAI_DURATION = genai.DURATION
GENAI_TOKENS = genai.TOKENS
GENAI_TOKENS_OPENLLMETRY = genai.TOKENS_OPENLLMETRY
GENAI_FIRST_CHUNK = genai.FIRST_CHUNK
GENAI_COST = genai.COST  # OpenLIT's, served where the catalog declares it
OPTIONAL = frozenset({GENAI_COST})


def rates(w: Workload, source: str = "app") -> Rates:
    out = Rates()
    latency, first_token = dict(w.latency), dict(w.first_token)
    if source == "otel-genai":
        _genai(w, out)
    for m in w.models:
        completions = m.completions_per_minute / 60
        if source == "otel-genai":
            _agents(w, m, completions, out)
            continue
        out.count("ai_completions_total", completions, provider=w.provider, model=m.name)
        for error_type, share in w.error_types:
            out.count("ai_errors_total", w.errors_per_second(m) * share, provider=w.provider,
                      model=m.name, error_type=error_type)
        for kind in ("input", "output"):
            out.count("ai_tokens_total", completions * getattr(m, f"{kind}_tokens"),
                      provider=w.provider, model=m.name, type=kind)
        cached = completions * m.input_tokens * w.cache_read_share
        out.count("ai_cache_tokens_total", cached, provider=w.provider, model=m.name,
                  type="cache_read")
        out.count("ai_cache_tokens_total", cached / 10, provider=w.provider, model=m.name,
                  type="cache_creation")
        out.count("ai_cost_usd_total", completions * m.usd_per_completion, provider=w.provider,
                  model=m.name)
        _agents(w, m, completions, out)
    for tier in sorted({m.tier for m in w.models} if source == "app" else ()):
        calls = sum(w.calls_per_second(m) for m in w.models if m.tier == tier)
        out.observe("ai_latency_seconds", calls, latency[tier], provider=w.provider, tier=tier)
        completions = sum(m.completions_per_minute / 60 for m in w.models if m.tier == tier)
        out.observe("ai_time_to_first_token_seconds", completions, first_token[tier],
                    provider=w.provider, tier=tier)
    if source == "app":
        out.gauge("ai_active_requests", w.active_requests)
    analyses = w.analyses_per_minute / 60 / len(w.tickers)
    for ticker in w.tickers:
        out.count("tradingagents_analyses_total", analyses * (1 - w.analysis_error_ratio),
                  ticker=ticker, status="success")
        out.count("tradingagents_analyses_total", analyses * w.analysis_error_ratio,
                  ticker=ticker, status="error")
        out.observe("tradingagents_analysis_duration_seconds", analyses, w.analysis_durations,
                    ticker=ticker)
    for agent in w.agents:
        runs = agent.executions_per_minute / 60
        out.count("tradingagents_agent_executions_total", runs * agent.success_ratio,
                  agent_name=agent.name, status="success")
        out.count("tradingagents_agent_executions_total", runs * (1 - agent.success_ratio),
                  agent_name=agent.name, status="error")
        out.observe("tradingagents_agent_duration_seconds", runs, agent.durations,
                    agent_name=agent.name)
    out.gauge("tradingagents_active_analyses", w.active_analyses)
    out.gauge("tradingagents_analysis_queue_length", w.queue_length)
    return out


def _agents(w: Workload, m: Model, completions: float, out: Rates) -> None:
    """The application's own LLM spend and tokens per agent (its counters, either source)."""
    for agent in w.agents:
        out.count("tradingagents_llm_cost_usd_total",
                  completions * m.usd_per_completion * agent.llm_share,
                  model=m.name, agent_name=agent.name)
        for kind in ("input", "output"):
            out.count("tradingagents_llm_tokens_total",
                      completions * getattr(m, f"{kind}_tokens") * agent.llm_share,
                      model=m.name, agent_name=agent.name, type=kind)


def _genai(w: Workload, out: Rates) -> None:
    """The LLM calls as the GenAI histograms (see the module's docstring)."""
    latency, first_token = dict(w.latency), dict(w.first_token)
    for m in w.models:
        completions = m.completions_per_minute / 60
        call = {_otel("gen_ai.provider.name"): w.provider,
                _otel("gen_ai.operation.name"): "chat",
                _otel("gen_ai.request.model"): m.name, _otel("gen_ai.response.model"): m.name}
        error = _otel("error.type")
        out.observe(GENAI_DURATION, completions, latency[m.tier], **call, **{error: ""})
        for error_type, share in w.error_types:
            out.observe(GENAI_DURATION, w.errors_per_second(m) * share, latency[m.tier],
                        **call, **{error: SDK_ERRORS.get(error_type, "_OTHER")})
        for family in (GENAI_TOKENS, GENAI_TOKENS_OPENLLMETRY):
            for kind in ("input", "output"):
                out.observe(family, completions, ((float(getattr(m, f"{kind}_tokens")), 1.0),),
                            **call, **{_otel("gen_ai.token.type"): kind})
        out.observe(GENAI_FIRST_CHUNK, completions, first_token[m.tier], **call)
        out.observe(GENAI_COST, completions, ((m.usd_per_completion, 1.0),), **call)


class Traffic:
    """The counters' values now: what accumulated under earlier workloads plus the current
    workload's rates times the time since it started. `buckets` are each histogram's upper
    bounds (+Inf is added)."""

    def __init__(self, workload: Workload, buckets: dict[str, tuple[float, ...]],
                 clock: Callable[[], float] = time.monotonic, source: str = "app",
                 only: frozenset[str] | None = None):
        self.source = source  # [dashsmith] ai_metrics: which families the LLM calls are
        self.only = only  # the families served (None: all that `rates` makes)
        self.normal = workload
        self.workload = workload
        self.fault: str | None = None
        self._bounds = {name: tuple(float(b) for b in bounds) + (float("inf"),)
                        for name, bounds in buckets.items()}
        self._clock = clock
        self._lock = threading.Lock()
        self._since = clock()
        self._rates = self._made(workload)
        self._folded: dict[tuple, float] = {}  # (family, labels, part) → value

    def set_fault(self, name: str | None):
        """Switch to a fault mode, or back to normal with None; ValueError if unknown."""
        if name is not None and name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            now = self._clock()
            self._folded = self._values(now - self._since)
            self._since = now
            self.fault = name
            self.workload = FAULTS[name].apply(self.normal) if name else self.normal
            self._rates = self._made(self.workload)

    def _made(self, workload: Workload) -> Rates:
        made = rates(workload, self.source)
        if self.only is not None:
            made.counters = {k: v for k, v in made.counters.items() if k[0] in self.only}
            made.histograms = {k: v for k, v in made.histograms.items() if k[0] in self.only}
            made.gauges = {k: v for k, v in made.gauges.items() if k[0] in self.only}
        return made

    def values(self) -> dict[tuple, float]:
        """(family, labels, part) → value; part is "" for a counter, "count", "sum" or an
        upper bound for a histogram."""
        with self._lock:
            return self._values(self._clock() - self._since)

    def gauges(self) -> dict[SeriesKey, float]:
        return dict(self._rates.gauges)

    def _values(self, elapsed: float) -> dict[tuple, float]:
        out = dict(self._folded)

        def add(key, amount):
            out[key] = out.get(key, 0.0) + amount

        for (family, labels), rate in self._rates.counters.items():
            add((family, labels, ""), rate * elapsed)
        for (family, labels), (rate, distribution) in self._rates.histograms.items():
            observed = rate * elapsed
            add((family, labels, "count"), observed)
            add((family, labels, "sum"), observed * mean(distribution))
            for le in self._bounds[family]:
                add((family, labels, le), observed * cumulative(distribution, le))
        return out
