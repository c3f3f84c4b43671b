from __future__ import annotations

from dashsmith import promql
from dashsmith.checks import units
from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity

# Panels that show numbers, and so need a unit.
_NUMERIC = frozenset({"timeseries", "graph", "stat", "gauge", "bargauge", "barchart", "piechart",
                      "singlestat", "table", "heatmap", "histogram", "trend", "xychart"})


class PanelUnit(Rule):
    """A panel that shows numbers has no unit, or a misspelt Grafana unit.

    Without a unit, 0.05 could be a ratio, seconds or dollars. The unit is a Grafana unit id
    (s, percentunit, bytes, reqps, currencyUSD, ...), a custom one such as "suffix: tok/s",
    or any other text, which Grafana prints after the value ("read/s"); only text that means
    a unit Grafana knows better ("seconds", "Bytes") is a mistake: Grafana would not scale it.
    A unit set per field (fieldConfig.overrides) or on a heatmap's axis counts; a panel of
    plain numbers of things needs none: counts, increases of a counter, gauges of items,
    info series (no rate, no division, no unit in the metric's name, as Prometheus's naming
    conventions put it there).

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
            if panel.get("type") not in _NUMERIC or not _reads_prometheus(doc, panel):
                continue
            unit = _unit(panel)
            title = panel.get("title", "")
            if not unit:
                if not _unitless(panel):
                    yield self.problem(f"panel '{title}' has no unit", doc.panel_source(panel))
            elif units.misspelt(unit):
                yield self.problem(f"panel '{title}' has unit {unit!r}, which Grafana prints as "
                                   f"text: use its unit id {units.misspelt(unit)!r}",
                                   doc.panel_source(panel).keyword("unit"))


def _reads_prometheus(doc, panel: dict) -> bool:
    """Some query of the panel is PromQL: what another data source returns (Loki's log
    counts, a SQL table) is not this rule's to judge."""
    targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
    return not targets or any(doc.reads_promql(t.get("datasource") or panel.get("datasource"))
                              for t in targets)


def _unit(panel: dict) -> str | None:
    """The panel's unit: its fields' default, else one set per field, else its axis's."""
    config = panel.get("fieldConfig") or {}
    defaults = config.get("defaults") or {} if isinstance(config, dict) else {}
    unit = defaults.get("unit") if isinstance(defaults, dict) else None
    if not unit and isinstance(config, dict):
        unit = next(iter(_override_units(config.get("overrides"))), None)
    if not unit:
        axes = panel.get("yaxes")
        if isinstance(axes, list) and axes and isinstance(axes[0], dict):
            unit = axes[0].get("format")
    if not unit:
        options = panel.get("options")
        axis = options.get("yAxis") if isinstance(options, dict) else None
        unit = axis.get("unit") if isinstance(axis, dict) else None  # heatmap (Grafana 9+)
    if not unit:
        axis = panel.get("yAxis")
        unit = axis.get("format") if isinstance(axis, dict) else None  # old heatmap
    if not unit:
        unit = panel.get("format")
    return unit if isinstance(unit, str) else None


def _override_units(overrides) -> list[str]:
    return [prop["value"] for override in overrides if isinstance(override, dict)
            for prop in override.get("properties") or [] if isinstance(prop, dict)
            and prop.get("id") == "unit" and isinstance(prop.get("value"), str)
            and prop["value"]] if isinstance(overrides, list) else []


# Functions whose result is per second, a quantile of a measure or a prediction: a unit's.
_MEASURING = frozenset({"rate", "irate", "deriv", "predict_linear", "histogram_quantile",
                        "quantile_over_time", "avg_over_time", "stddev_over_time", "time",
                        "timestamp", "histogram_avg", "histogram_fraction"})
# Base units Prometheus metric names end in (its naming conventions), and ratios.
_UNIT_WORDS = ("seconds", "bytes", "ratio", "percent", "celsius", "joules", "volts", "amperes",
               "meters", "grams", "hertz", "watts", "bits", "milliseconds", "timestamp")


def _unitless(panel: dict) -> bool:
    """Every query is a plain number of things (count(...), increase(x_total[...]), a
    gauge of items): Grafana shows it as the number it is."""
    written = [t.get("expr") for t in panel.get("targets") or [] if isinstance(t, dict)]
    expressions: list[str] = [e for e in written if isinstance(e, str) and e.strip()]
    return bool(expressions) and all(_counts(promql.parse(e).root) for e in expressions)


def _counts(root) -> bool:
    if root is None:
        return False
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, promql.Aggregate) and node.op in ("count", "count_values"):
            continue  # counts series, whatever they measure
        if isinstance(node, promql.Call) and node.function in _MEASURING:
            return False
        if isinstance(node, promql.Binary) and node.op in ("/", "*", "%", "^", "atan2") \
                and not (node.op == "*" and (_is_one(node) or node.group)):
            return False
        if isinstance(node, promql.Binary) and node.group:  # `* on (x) group_left(y) info`
            stack.append(node.lhs if node.group == "left" else node.rhs)
            continue
        if isinstance(node, promql.Selector) and any(
                word in (node.name or "").split("_") for word in _UNIT_WORDS):
            return False
        stack.extend(node.children())
    return True


def _is_one(node) -> bool:
    """`x * 1`, `1 * x`: an idiom for dropping the name, no change of unit."""
    return any(isinstance(side, promql.Number) and side.value == 1
               for side in (node.lhs, node.rhs))
