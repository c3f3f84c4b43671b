"""Rules about dashboards as Grafana shows them: data sources, titles, units, layout."""

from __future__ import annotations

import re

from ... import durations
from ...problems import Severity
from .. import units
from ..rule import Rule

# Panels that show numbers, and so need a unit.
_NUMERIC = frozenset({"timeseries", "graph", "stat", "gauge", "bargauge", "barchart", "piechart",
                      "singlestat", "table", "heatmap", "histogram", "trend", "xychart"})
_VARIABLE_REFERENCE = re.compile(r"^\$\{(\w+)\}$|^\$(\w+)$|^\[\[(\w+)\]\]$")


class DashboardDatasource(Rule):
    """A dashboard has no data source variable.

    With a `datasource` variable (type datasource, query prometheus) the same dashboard works
    against any Prometheus, picked in Grafana, and panels refer to it as ${datasource}.
    dashsmith adds one to every declared dashboard.

    Anti-pattern:
        "templating": {"list": []}

    Best practice:
        {"name": "datasource", "type": "datasource", "query": "prometheus",
         "label": "Data source"}
    """

    id = "dashboard/datasource"

    def dashboard(self, doc, context):
        if doc.data_panels() and not doc.datasource_variables():
            yield self.problem(f"dashboard '{doc.title}' has no data source variable: add one "
                               "of type 'datasource' (query 'prometheus') named 'datasource'",
                               doc.source)


class DashboardRefresh(Rule):
    """A dashboard refreshes more often than Grafana allows, or its refresh does not parse.

    Grafana raises a refresh below its `min_refresh_interval` (5s by default) to that minimum
    when the dashboard is saved, so the deployed dashboard differs from the declared one and
    every deploy sees drift. A refresh Grafana cannot parse is dropped the same way. Leave
    refresh off (empty) or use a duration of at least 5s.

    Anti-pattern:
        Dashboard(uid="ai-llm", ..., refresh="1s")

    Best practice:
        Dashboard(uid="ai-llm", ..., refresh="30s")
    """

    id = "dashboard/refresh"

    def dashboard(self, doc, context):
        refresh = doc.json.get("refresh")
        if refresh in (None, False, ""):
            return  # no automatic refresh
        try:
            seconds = durations.parse(refresh) if isinstance(refresh, str) else None
        except ValueError:
            seconds = None
        if seconds is None:
            yield self.problem(f"refresh {refresh!r} is not a duration Grafana understands: "
                               f"use e.g. '30s' or '1m', or leave it empty for none",
                               doc.source)
        elif seconds < MIN_REFRESH_SECONDS:
            yield self.problem(f"refresh {refresh!r} is shorter than Grafana's minimum "
                               f"({MIN_REFRESH_SECONDS}s, min_refresh_interval): Grafana saves it "
                               f"as {MIN_REFRESH_SECONDS}s and every deploy sees drift",
                               doc.source)


MIN_REFRESH_SECONDS = 5  # Grafana's default min_refresh_interval


class PanelDatasource(Rule):
    """A panel (or one of its queries) does not use the dashboard's data source variable.

    A panel pinned to one data source (or left to Grafana's default) shows that one whatever
    the data source picker says.

    Anti-pattern:
        "datasource": {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}

    Best practice:
        "datasource": {"type": "prometheus", "uid": "${datasource}"}
    """

    id = "panel/datasource"

    def dashboard(self, doc, context):
        variables = doc.datasource_variables()
        if not variables:
            return  # dashboard/datasource says what to do first
        for panel in doc.data_panels():
            targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
            if not targets:
                continue
            datasource = panel.get("datasource")
            if _is_mixed(datasource):
                wrong = [t for t in targets if _variable(t.get("datasource")) not in variables]
                if wrong:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{wrong[0].get('refId', '?')} does not use the data "
                                       "source variable", doc.target_source(panel, wrong[0]))
                continue
            if _variable(datasource) not in variables:
                yield self.problem(f"panel '{panel.get('title', '')}' uses "
                                   f"{_describe(datasource)}, not the data source variable: "
                                   "set it to {\"type\": \"prometheus\", \"uid\": \"${"
                                   f"{sorted(variables)[0]}}}\"}}", doc.panel_source(panel))
                continue
            for target in targets:
                own = target.get("datasource")
                if own is not None and _variable(own) not in variables:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{target.get('refId', '?')} uses {_describe(own)}, not "
                                       "the data source variable", doc.target_source(panel, target))
                    break


def _is_mixed(datasource) -> bool:
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    return uid == "-- Mixed --"


def _variable(datasource) -> str | None:
    """The variable a data source reference names (${ds}, $ds, [[ds]]), if any."""
    reference = datasource.get("uid") if isinstance(datasource, dict) else datasource
    if not isinstance(reference, str):
        return None
    match = _VARIABLE_REFERENCE.match(reference)
    return next((g for g in match.groups() if g), None) if match else None


def _describe(datasource) -> str:
    if datasource is None:
        return "Grafana's default data source"
    if isinstance(datasource, dict):
        return f"data source uid {datasource.get('uid')!r}"
    return f"data source {datasource!r}"


class _PanelField(Rule):
    severity = Severity.WARNING


class PanelTitle(_PanelField):
    """A panel has no title.

    Anti-pattern:
        timeseries("", "sum(rate(ai_completions_total[$__rate_interval]))")

    Best practice:
        timeseries("Completions Rate", "sum(rate(ai_completions_total[$__rate_interval]))")
    """

    id = "panel/title"

    def dashboard(self, doc, context):
        for panel in doc.panels():
            if panel.get("type") != "row" and not str(panel.get("title") or "").strip():
                yield self.problem("panel has no title", doc.panel_source(panel))


class PanelDescription(_PanelField):
    """A panel has no description.

    The description is the (i) tooltip: what the panel measures and how to read it, for the
    person who opens the dashboard during an incident.

    Anti-pattern:
        timeseries("Error Rate", "...", unit="percentunit")

    Best practice:
        timeseries("Error Rate", "...", unit="percentunit",
                   description="Failed calls as a share of all calls.")
    """

    id = "panel/description"

    def dashboard(self, doc, context):
        for panel in doc.data_panels():
            if not str(panel.get("description") or "").strip():
                yield self.problem(f"panel '{panel.get('title', '')}' has no description",
                                   doc.panel_source(panel))


class PanelUnit(_PanelField):
    """A panel that shows numbers has no unit, or a unit Grafana does not know.

    Without a unit, 0.05 could be a ratio, seconds or dollars. The unit must be a Grafana
    unit id (s, percentunit, bytes, reqps, currencyUSD, ...) or a custom one such as
    "suffix: tok/s"; anything else is printed as literal text.

    Anti-pattern:
        timeseries("Latency P95", "...")
        timeseries("Latency P95", "...", unit="seconds")

    Best practice:
        timeseries("Latency P95", "...", unit="s")
    """

    id = "panel/unit"

    def dashboard(self, doc, context):
        for panel in doc.data_panels():
            if panel.get("type") not in _NUMERIC:
                continue
            unit = _unit(panel)
            title = panel.get("title", "")
            if not unit:
                yield self.problem(f"panel '{title}' has no unit", doc.panel_source(panel))
            elif not units.is_unit(unit):
                yield self.problem(f"panel '{title}' has unit {unit!r}, which Grafana does not "
                                   "know: use a unit id such as s, percentunit, bytes, short or "
                                   "'suffix: <text>'", doc.panel_source(panel))


def _unit(panel: dict) -> str | None:
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    unit = defaults.get("unit") if isinstance(defaults, dict) else None
    if not unit:
        axes = panel.get("yaxes")
        if isinstance(axes, list) and axes and isinstance(axes[0], dict):
            unit = axes[0].get("format")
    if not unit:
        unit = panel.get("format")
    return unit if isinstance(unit, str) else None


class DashboardOverlap(Rule):
    """Two panels overlap on the grid.

    Grafana pushes one of them down when the dashboard loads, so the layout on screen is not
    the one declared (and a later save changes it).

    Anti-pattern:
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}  and  {"x": 6, "y": 4, "w": 12, "h": 8}

    Best practice:
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}  and  {"x": 12, "y": 0, "w": 12, "h": 8}
    """

    id = "dashboard/overlap"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        top = [p for p in doc.json.get("panels") or [] if isinstance(p, dict)]
        groups = [top] + [[c for c in p.get("panels") or [] if isinstance(c, dict)]
                          for p in top if p.get("collapsed")]
        for panels in groups:
            placed = []
            for panel in panels:
                box = _box(panel)
                if box is None:
                    continue
                other = next((p for p, b in placed if _overlap(box, b)), None)
                if other is not None:
                    yield self.problem(f"panel '{panel.get('title', '')}' overlaps panel "
                                       f"'{other.get('title', '')}' on the grid",
                                       doc.panel_source(panel))
                placed.append((panel, box))


def _box(panel: dict):
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return None
    try:
        x, y, w, h = (int(grid.get(k) or 0) for k in ("x", "y", "w", "h"))
    except (TypeError, ValueError):
        return None
    return (x, y, x + w, y + h) if w > 0 and h > 0 else None


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class PanelDuplicateTitle(Rule):
    """Two panels of one dashboard have the same title.

    Panels are found, linked and discussed by title; two of a kind leave the reader guessing
    which one an alert or a colleague means.

    Anti-pattern:
        timeseries("Latency", ...)  ...  timeseries("Latency", ...)

    Best practice:
        timeseries("Latency P95", ...)  ...  timeseries("Time to First Token P95", ...)
    """

    id = "panel/duplicate-title"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        seen = {}
        for panel in doc.data_panels():
            title = str(panel.get("title") or "").strip()
            if not title:
                continue
            if title in seen:
                yield self.problem(f"panel title '{title}' is used twice in dashboard "
                                   f"'{doc.title}' (also at {context.where(seen[title])})",
                                   doc.panel_source(panel))
            else:
                seen[title] = doc.panel_source(panel)
