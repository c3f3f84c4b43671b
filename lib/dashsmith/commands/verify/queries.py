"""Each panel target as the query Grafana would send to Prometheus.

Grafana variables are replaced by real values (`variables.substitute`): template variables by
what their `label_values()` query answers on the live server (the "All" value where the
variable has one), and the built-ins as Grafana's Prometheus data source computes them
(pkg/promlib/models/query.go):

  interval         range / max data points, rounded to a "nice" duration, but never below the
                   query's min interval (else the data source's scrape interval)
  step             interval × the target's intervalFactor
  $__interval      the step
  $__rate_interval max(interval + scrape interval, 4 × scrape interval)
  $__range         the dashboard range, in whole seconds

Range queries run from end - range to end, both rounded down to a multiple of the step, as
Grafana aligns them; instant queries run at the end. Max data points is the panel's setting or
its width on a 1920-pixel screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dashsmith.compiler.render import CompiledDashboard
from dashsmith.grafana import intervals
from dashsmith.model import durations, variables
from dashsmith.model.source import Source
from dashsmith.prometheus.api import Prometheus, QueryError

_LABEL_VALUES = re.compile(
    r"^\s*label_values\(\s*(?:(?P<match>.+?)\s*,\s*)?(?P<label>\w+)\s*\)\s*$")


@dataclass(frozen=True)
class Target:
    """One query of one panel, with the Python line that declared it."""

    dashboard: CompiledDashboard
    panel: dict
    target: dict
    source: Source

    @property
    def title(self) -> str:
        return self.panel.get("title") or f"panel {self.panel.get('id')}"

    @property
    def ref_id(self) -> str:
        return self.target.get("refId", "A")

    @property
    def expr(self) -> str:
        return self.target.get("expr", "")

    @property
    def instant(self) -> bool:
        return bool(self.target.get("instant")) and not self.target.get("range")

    def describe(self) -> str:
        return f"panel '{self.title}' query {self.ref_id}"


def targets(dashboard: CompiledDashboard):
    """Every Prometheus target of a dashboard, in collapsed rows too."""
    for panel in _panels(dashboard.json.get("panels", [])):
        for target in panel.get("targets") or []:
            if target.get("expr") and not target.get("hide"):
                source = (dashboard.target_sources.get((panel["id"], target.get("refId")))
                          or dashboard.panel_sources.get(panel["id"]) or dashboard.source)
                yield Target(dashboard, panel, target, source)


def _panels(panels):
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


@dataclass(frozen=True)
class TimeRange:
    end: float  # unix seconds
    range: float  # seconds
    scrape_interval: float  # the data source's (Grafana's timeInterval)


@dataclass(frozen=True)
class Window:
    """When a query is evaluated: at `end` (instant), or from `start` to `end` every `step`."""

    instant: bool
    start: float
    end: float
    step: float

    def run(self, prometheus: Prometheus, text: str):
        if self.instant:
            return prometheus.query(text, self.end)
        return prometheus.query_range(text, self.start, self.end, self.step)

    @classmethod
    def aligned(cls, end: float, range_seconds: float, step: float, instant: bool = False):
        """Grafana's alignment: both ends rounded down to a multiple of the step."""
        return cls(instant, *intervals.aligned(end, range_seconds, step), step)


@dataclass
class Runnable:
    """A target as it runs: the query text with real values, and when it is evaluated."""

    target: Target
    substitution: variables.Substitution
    window: Window

    @property
    def text(self) -> str:
        return self.substitution.text


def runnable(target: Target, time: TimeRange, values: dict[str, str]) -> Runnable:
    query = intervals.of_query(target.panel, target.target, time.range, time.scrape_interval)
    step, rate = query.step, query.rate_interval
    builtins = {
        "__interval": durations.format(step),
        "__interval_ms": str(round(step * 1000)),
        "__rate_interval": durations.format(rate),
        "__rate_interval_ms": str(round(rate * 1000)),
        "__range": f"{round(time.range)}s",
        "__range_s": str(round(time.range)),
        "__range_ms": str(round(time.range * 1000)),
    }
    substitution = variables.substitute(
        target.expr, lambda o: builtins.get(o.name, values.get(o.name, o.text)))
    window = Window.aligned(time.end, time.range, step, target.instant)
    return Runnable(target, substitution, window)


@dataclass
class VariableValue:
    name: str
    value: str
    options: list[str] = field(default_factory=list)
    query: str = ""  # the query that found the options, with earlier variables replaced
    error: str = ""  # why there are no options


def _known(values: dict[str, str]) -> Callable[[variables.Occurrence], str]:
    """An occurrence's value if it names one of `values`, else its text unchanged."""
    return lambda o: values.get(o.name, o.text)


def resolve_variables(dashboard: CompiledDashboard, prometheus: Prometheus,
                      time: TimeRange) -> dict[str, VariableValue]:
    """Each template variable's value as Grafana would select it by default: "All" (its
    allValue, or every option as a regex alternation) when the variable has it, else the
    current or first option."""
    resolved: dict[str, VariableValue] = {}
    for variable in dashboard.json.get("templating", {}).get("list", []):
        name, kind = variable.get("name"), variable.get("type")
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query", "")
        query = query or ""
        earlier = {n: v.value for n, v in resolved.items()}
        query = variables.substitute(query, _known(earlier)).text
        if kind == "query":
            found = _label_values(query, prometheus, time)
        elif kind == "custom":
            found = VariableValue(name, "", [o.strip() for o in query.split(",") if o.strip()])
        elif kind == "datasource":
            found = VariableValue(name, "prometheus", ["prometheus"])
        else:  # constant, textbox, interval
            found = VariableValue(name, "", [query.split(",")[0].strip()] if query else [])
        found.name, found.query = name, query
        found.value = _selected(variable, found.options)
        resolved[name] = found
    return resolved


def _label_values(query: str, prometheus: Prometheus, time: TimeRange) -> VariableValue:
    match = _LABEL_VALUES.match(query)
    if not match:
        return VariableValue("", "", [], error=f"dashsmith verify reads only label_values() "
                                               f"variable queries, not {query!r}")
    try:
        options = prometheus.label_values(match.group("label"), match.group("match"),
                                          time.end - time.range, time.end)
    except QueryError as error:
        return VariableValue("", "", [], error=str(error))
    return VariableValue("", "", options, error="" if options else "no values")


def _selected(variable: dict, options: list[str]) -> str:
    current = (variable.get("current") or {}).get("value")
    if isinstance(current, list):
        current = current[0] if current else None
    if variable.get("includeAll") and (current in (None, "", "$__all") or not options):
        if variable.get("allValue"):
            return variable["allValue"]
        return "(" + "|".join(re.escape(o) for o in options) + ")" if options else ""
    if current and current != "$__all" and (current in options or not options):
        return current
    return options[0] if options else ""

