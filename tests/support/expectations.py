"""What panels must show on the synthetic workload, and a check that says what is wrong.

Each expectation names a panel and computes, from the workload's configuration alone, the value
of each series it must draw (identified by some of its labels). `check()` runs the panel's
queries as Grafana would (dashsmith.commands.verify.queries) on a live Prometheus and returns
one message
per difference, naming the panel, its Python line, the series and both numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from dashsmith.commands.verify.queries import TimeRange, resolve_variables, runnable, targets
from dashsmith.commands.verify.workload import Workload
from dashsmith.compiler.build import Build
from dashsmith.model.catalog import Catalog
from dashsmith.prometheus.api import Prometheus


@dataclass(frozen=True)
class Expectation:
    dashboard: str  # uid
    panel: str  # title
    labels: tuple[str, ...]  # the labels that tell the expected series apart
    values: Callable[[Workload], dict]  # label values (a tuple, or one value) → value
    what: str  # what the number is, for messages
    tolerance: float = 0.05  # relative
    shares: bool = False  # compare each series' share of the total (a pie chart)
    histogram: str = ""  # a quantile of this histogram: right if in the quantile's bucket


def _per_agent(w: Workload, value) -> dict:
    return {agent.name: value(agent) for agent in w.agents}


def _agent_tokens(w: Workload) -> dict:
    tokens = w.tokens_per_second()
    return {(agent.name, kind): tokens[kind] * agent.llm_share
            for agent in w.agents for kind in ("input", "output")}


def _analyses(w: Workload) -> dict:
    return {"success": w.analyses_per_minute * (1 - w.analysis_error_ratio),
            "error": w.analyses_per_minute * w.analysis_error_ratio}


EXPECTATIONS = [
    Expectation("ai-llm", "Completions Rate", ("provider", "model"),
                lambda w: w.completions_per_minute(), "completions per minute"),
    Expectation("ai-llm", "Token Usage", ("type",), lambda w: w.tokens_per_second(),
                "tokens per second"),
    Expectation("ai-llm", "Cost $/hour", ("provider",), lambda w: w.cost_per_hour(),
                "US dollars per hour"),
    Expectation("ai-llm", "Error Rate", ("provider",), lambda w: w.error_ratio(),
                "failed share of LLM calls"),
    Expectation("ai-llm", "Model Distribution", ("model",), lambda w: w.model_shares(),
                "share of completions", shares=True),
    Expectation("ai-llm", "Latency P95", ("provider", "tier"), lambda w: w.latency_p95(),
                "seconds (95th percentile)", histogram="ai_latency_seconds"),
    Expectation("ai-llm", "Active Requests", (), lambda w: {(): w.active_requests},
                "requests in flight"),
    Expectation("tradingagents-application", "Analyses per Minute", ("status",), _analyses,
                "analyses per minute"),
    Expectation("tradingagents-application", "Queue Length", (),
                lambda w: {(): w.queue_length}, "analyses waiting"),
    Expectation("tradingagents-agents", "Executions per Minute", ("agent_name",),
                lambda w: _per_agent(w, lambda a: a.executions_per_minute),
                "runs per minute"),
    Expectation("tradingagents-agents", "Tokens per Second", ("agent_name", "type"),
                _agent_tokens, "tokens per second"),
]


def check(expectation: Expectation, build: Build, catalog: Catalog, prometheus: Prometheus,
          time: TimeRange, workload: Workload, root: str) -> list[str]:
    """Every difference between what the panel shows now and what the workload makes."""
    dashboard = next(d for d in build.dashboards if d.uid == expectation.dashboard)
    found = [t for t in targets(dashboard) if t.title == expectation.panel]
    if not found:
        return [f"dashboard '{dashboard.title}' has no panel '{expectation.panel}'"]
    values = {name: v.value for name, v in resolve_variables(dashboard, prometheus, time).items()}
    where = f"panel '{expectation.panel}' ({found[0].source.relative_to(root)})"
    shown: dict[tuple, float] = {}
    for target in found:
        query = runnable(target, time, values)
        for series in query.window.run(prometheus, query.text):
            key = tuple(series.labels.get(label, "") for label in expectation.labels)
            shown[key] = series.last
    expected = {_key(k): v for k, v in expectation.values(workload).items()}
    if expectation.shares:
        total = sum(shown.values()) or math.nan
        shown = {key: value / total for key, value in shown.items()}
    problems = []
    for key, value in expected.items():
        series = _describe(expectation.labels, key)
        if key not in shown:
            drawn = ", ".join(_describe(expectation.labels, k) for k in shown) or "nothing"
            problems.append(f"{where}: no series {series} (the workload makes {value:.4g} "
                            f"{expectation.what}); the panel shows {drawn}")
            continue
        problem = _compare(expectation, catalog, shown[key], value)
        if problem:
            problems.append(f"{where}: {series} shows {shown[key]:.4g} {expectation.what}, "
                            f"the workload makes {value:.4g}: {problem}")
    for key in shown.keys() - expected.keys():
        problems.append(f"{where}: an unexpected series {_describe(expectation.labels, key)} "
                        f"= {shown[key]:.4g}")
    return problems


def _compare(expectation: Expectation, catalog: Catalog, shown: float, expected: float) -> str:
    if expectation.histogram:
        low, high = bucket(catalog.metrics[expectation.histogram].buckets, expected)
        if not low <= shown <= high:
            return (f"outside the bucket ({low:g}, {high:g}] that holds the true quantile, "
                    "the histogram's resolution")
        return ""
    if math.isnan(shown) or abs(shown - expected) > expectation.tolerance * abs(expected):
        return (f"off by {abs(shown - expected) / abs(expected):.1%} (tolerance "
                f"{expectation.tolerance:.0%})")
    return ""


def bucket(bounds, value: float) -> tuple[float, float]:
    """The histogram bucket (lower, upper] that `value` falls in."""
    low = 0.0
    for upper in sorted(bounds):
        if value <= upper:
            return low, upper
        low = upper
    return low, math.inf


def _key(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _describe(labels: tuple[str, ...], key: tuple) -> str:
    pairs = zip(labels, key, strict=False)
    return "{" + ", ".join(f'{label}="{value}"' for label, value in pairs) + "}"
