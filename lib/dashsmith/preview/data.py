"""The data a preview draws: each panel's queries run against Prometheus as Grafana would run
them, with its built-in and dashboard variables replaced by real values. Each query's step,
`$__interval` and `$__rate_interval` follow from the panel's width, max data points and min
interval as in Grafana (dashsmith.grafana.intervals), and its range is aligned to the step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from dashsmith.grafana import intervals
from dashsmith.grafana.legend import LEGEND_LABEL
from dashsmith.model import durations, variables
from dashsmith.prometheus.api import Prometheus, QueryError, Series, Unreachable


@dataclass(frozen=True)
class Window:
    """The time range a preview shows: `seconds` back from `end`."""

    end: float
    seconds: float
    scrape_interval: float

    @property
    def start(self) -> float:
        return self.end - self.seconds

    @classmethod
    def of(cls, span: str, scrape_interval: str, end: float | None = None) -> Window:
        return cls(end if end is not None else time.time(), durations.parse(span),
                   durations.parse(scrape_interval))


@dataclass
class PanelData:
    series: list[tuple[str, Series]] = field(default_factory=list)  # (legend, series)
    error: str = ""


@dataclass
class DashboardData:
    window: Window
    panels: dict[int | None, PanelData]  # by panel id (None: a panel JSON gives none)


def fetch(dashboard: dict, prometheus: Prometheus, window: Window) -> DashboardData:
    """Data for every visible panel with queries. A query Prometheus (or a proxy before it)
    refuses becomes the panel's error; a Prometheus that does not answer raises Unreachable."""
    values = variable_values(dashboard)
    out: dict[int | None, PanelData] = {}
    for panel in panels_with_queries(dashboard):
        data = PanelData()
        for target in panel.get("targets") or []:
            interval = intervals.of_query(panel, target, window.seconds, window.scrape_interval)
            expr = resolve(target.get("expr", ""), values, window, interval)
            try:
                if target.get("instant"):
                    result = prometheus.query(expr, window.end)
                else:
                    start, end = interval.aligned(window.end, window.seconds)
                    result = prometheus.query_range(expr, start, end, interval.step)
            except Unreachable as error:
                if error.status is None:
                    raise
                data.error = f"query {target.get('refId', '')}: HTTP {error.status}"
                continue
            except QueryError as error:
                data.error = f"query {target.get('refId', '')}: {error}"
                continue
            data.series += [(legend(target.get("legendFormat", ""), s.labels), s) for s in result]
        out[panel.get("id")] = data
    return DashboardData(window, out)


def panels_with_queries(dashboard: dict) -> list[dict]:
    """The panels Grafana shows on opening the dashboard (not those in collapsed rows)."""
    return [p for p in dashboard.get("panels") or [] if p.get("targets")]


def resolve(expr: str, values: dict[str, str], window: Window,
            interval: intervals.QueryInterval) -> str:
    """The query with Grafana's variables replaced as Grafana would at this window."""
    step = interval.step
    builtins = {
        "__rate_interval": durations.format(interval.rate_interval),
        "__rate_interval_ms": str(round(interval.rate_interval * 1000)),
        "__interval": durations.format(step),
        "__auto": durations.format(step),
        "__range": durations.format(round(window.seconds)),
        "__interval_ms": str(round(step * 1000)),
        "__range_ms": str(int(window.seconds * 1000)),
        "__range_s": str(int(window.seconds)),
        "__from": str(int(window.start * 1000)),
        "__to": str(int(window.end * 1000)),
    }

    def value(occurrence: variables.Occurrence) -> str:
        if occurrence.name in builtins:
            return builtins[occurrence.name]
        return values.get(occurrence.name, ".+" if occurrence.in_quotes else occurrence.text)

    return variables.substitute(expr, value).text


def variable_values(dashboard: dict) -> dict[str, str]:
    """Each dashboard variable's default: its current value, or a match-all for 'All'."""
    values = {}
    for variable in (dashboard.get("templating") or {}).get("list") or []:
        current = (variable.get("current") or {}).get("value")
        if isinstance(current, list):
            current = current[0] if len(current) == 1 else "|".join(current)
        if current in (None, "", "$__all"):
            if variable.get("includeAll") or current == "$__all":
                current = variable.get("allValue") or ".+"
            elif variable.get("type") == "custom":
                current = str(variable.get("query", "")).split(",")[0].strip()
            else:
                current = ".+"
        values[variable.get("name", "")] = str(current)
    return values


def legend(legend_format: str, labels: dict[str, str]) -> str:
    """Grafana's legendFormat: '{{provider}} {{model}}'; empty or __auto shows the labels."""
    if legend_format and legend_format != "__auto":
        text = LEGEND_LABEL.sub(lambda m: labels.get(m.group(1), ""), legend_format).strip()
        if text:
            return text
    shown = {k: v for k, v in labels.items() if k != "__name__"}
    name = labels.get("__name__", "")
    if not shown:
        return name or "value"
    return name + "{" + ", ".join(f'{k}="{v}"' for k, v in shown.items()) + "}"
