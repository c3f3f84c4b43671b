from __future__ import annotations

from ...problems import Severity
from .. import units
from ..rule import Rule

# Panels that show numbers, and so need a unit.
_NUMERIC = frozenset({"timeseries", "graph", "stat", "gauge", "bargauge", "barchart", "piechart",
                      "singlestat", "table", "heatmap", "histogram", "trend", "xychart"})


class PanelUnit(Rule):
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
    severity = Severity.WARNING

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
