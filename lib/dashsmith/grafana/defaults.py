"""What Grafana 10/11 assumes when a dashboard leaves a field out.

A nested dict describes an object field by field; any other value is the default of that
field, compared whole. `Each(spec)` applies a spec to every element of a list; `OneOf(...)`
lists spellings Grafana reads alike. Only values
Grafana itself fills in (its panel editor's defaults, its dashboard model's defaults) are
listed: a value left out of this table is compared as it is, which is the safe side.
"""

from __future__ import annotations


class Each:
    def __init__(self, spec: dict):
        self.spec = spec


class OneOf:
    """Several spellings of the same default."""

    def __init__(self, *values):
        self.values = values


# Grafana's grid: 24 columns; rows always span it.
GRID_WIDTH = 24
# A panel's place when its gridPos leaves a key out (PanelModel's defaults).
GRID_POSITION = {"x": 0, "y": 0, "w": 6, "h": 3}
HIDE_FROM = {"legend": False, "tooltip": False, "viz": False}
REDUCE_OPTIONS = {"calcs": ["lastNotNull"], "fields": "", "values": False}
TOOLTIP = {"mode": "single", "sort": "none", "maxHeight": 600, "hideZeros": False}
LEGEND = {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True}
# The thresholds every new panel gets (base green, red from 80).
THRESHOLDS = {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                            {"color": "red", "value": 80}]}
# Grafana formats a value without a unit as unit "none" (getValueFormat(unit || 'none')).
FIELD_DEFAULTS = {"mappings": [], "links": [], "thresholds": THRESHOLDS, "unit": OneOf("", "none")}

# The custom field options of the graph-like panels (timeseries, and barchart's subset).
GRAPH_CUSTOM = {
    "axisBorderShow": False, "axisCenteredZero": False, "axisColorMode": "text", "axisLabel": "",
    "axisPlacement": "auto", "barAlignment": 0, "barWidthFactor": 0.6, "drawStyle": "line",
    "fillOpacity": 0, "gradientMode": "none", "hideFrom": HIDE_FROM, "insertNulls": False,
    "lineInterpolation": "linear", "lineStyle": {"fill": "solid"}, "lineWidth": 1, "pointSize": 5,
    # log is the base Grafana offers once the scale is switched to log
    "scaleDistribution": {"type": "linear", "log": 2}, "showPoints": "auto", "spanNulls": False,
    "stacking": {"group": "A", "mode": "none"}, "thresholdsStyle": {"mode": "off"},
    "axisSoftMin": None, "axisSoftMax": None,
}


def _field_config(custom: dict | None = None, color: str | None = None) -> dict:
    defaults = dict(FIELD_DEFAULTS)
    if custom is not None:
        defaults["custom"] = custom
    if color is not None:
        defaults["color"] = {"mode": color}
    return {"defaults": defaults, "overrides": []}


PANEL = {
    "links": [], "transformations": [], "transparent": False, "hideTimeOverride": False,
    "repeatDirection": "h", "description": "", "targets": [],
}

PANEL_TYPES: dict[str, dict[str, object]] = {
    "timeseries": {
        "fieldConfig": _field_config(GRAPH_CUSTOM, "palette-classic"),
        "options": {"legend": LEGEND, "tooltip": TOOLTIP},
    },
    "stat": {
        "fieldConfig": _field_config(color="thresholds"),
        "options": {"reduceOptions": REDUCE_OPTIONS, "orientation": "auto", "textMode": "auto",
                    "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
                    "wideLayout": True, "showPercentChange": False,
                    "percentChangeColorMode": "standard"},
    },
    "gauge": {
        "fieldConfig": _field_config(color="thresholds"),
        "options": {"reduceOptions": REDUCE_OPTIONS, "orientation": "auto",
                    "showThresholdLabels": False, "showThresholdMarkers": True, "sizing": "auto",
                    "minVizHeight": 75, "minVizWidth": 75},
    },
    "bargauge": {
        "fieldConfig": _field_config(color="thresholds"),
        "options": {"reduceOptions": REDUCE_OPTIONS, "orientation": "auto",
                    "displayMode": "gradient", "valueMode": "color", "namePlacement": "auto",
                    "showUnfilled": True, "sizing": "auto", "minVizHeight": 16, "minVizWidth": 8,
                    "maxVizHeight": 300},
    },
    "piechart": {
        "fieldConfig": _field_config({"hideFrom": HIDE_FROM}, "palette-classic"),
        "options": {"reduceOptions": REDUCE_OPTIONS, "pieType": "pie", "displayLabels": [],
                    "tooltip": TOOLTIP, "legend": {"showLegend": True, "calcs": []}},
    },
    "table": {
        # displayMode is the older spelling of cellOptions, migrated on load; "auto" is both
        # defaults
        "fieldConfig": _field_config({"align": "auto", "cellOptions": {"type": "auto"},
                                      "inspect": False, "displayMode": "auto", "filterable": False},
                                     "thresholds"),
        "options": {"showHeader": True, "cellHeight": "sm", "sortBy": [],
                    "footer": {"show": False, "reducer": ["sum"], "countRows": False,
                               "fields": ""}},
    },
    "barchart": {
        "fieldConfig": _field_config({**GRAPH_CUSTOM, "fillOpacity": 80}, "palette-classic"),
        "options": {"orientation": "auto", "xTickLabelRotation": 0, "xTickLabelSpacing": 0,
                    "showValue": "auto", "stacking": "none", "groupWidth": 0.7, "barWidth": 0.97,
                    "barRadius": 0, "fullHighlight": False, "legend": LEGEND, "tooltip": TOOLTIP},
    },
    "state-timeline": {
        "fieldConfig": _field_config({"fillOpacity": 70, "lineWidth": 0, "hideFrom": HIDE_FROM,
                                      "insertNulls": False, "spanNulls": False}, "thresholds"),
        "options": {"mergeValues": True, "showValue": "auto", "alignValue": "left",
                    "rowHeight": 0.9, "legend": LEGEND, "tooltip": TOOLTIP},
    },
    "heatmap": {
        "fieldConfig": _field_config({"hideFrom": HIDE_FROM,
                                      "scaleDistribution": {"type": "linear", "log": 2}}),
    },
    "text": {
        "options": {"mode": "markdown",
                    "code": {"language": "plaintext", "showLineNumbers": False,
                             "showMiniMap": False}},
    },
    # The Angular graph panel, as Grafana's own panelDefaults had it.
    "graph": {
        "aliasColors": {}, "bars": False, "dashLength": 10, "dashes": False, "fill": 1,
        "fillGradient": 0, "hiddenSeries": False, "lines": True, "linewidth": 1,
        "nullPointMode": "null", "percentage": False, "pointradius": 2, "points": False,
        "renderer": "flot", "seriesOverrides": [], "spaceLength": 10, "stack": False,
        "steppedLine": False, "thresholds": [], "timeRegions": [],
        "legend": {"show": True, "values": False, "min": False, "max": False, "current": False,
                   "total": False, "avg": False},
        "tooltip": {"shared": True, "sort": 0, "value_type": "individual", "msResolution": False},
        "xaxis": {"mode": "time", "show": True, "values": [], "buckets": None, "name": None},
        "yaxes": Each({"logBase": 1, "show": True, "format": "short", "label": None,
                       "decimals": None, "max": None, "min": None}),
        "yaxis": {"align": False, "alignLevel": None},
        "options": {"alertThreshold": True, "dataLinks": []},
    },
}

# Keys the given panel types carry from older Grafana (or grafanalib) that current Grafana
# reads no more: rows-era layout, Angular-only settings, table-old styling.
IGNORED_PANEL_KEYS = {"span", "height", "minSpan", "error", "editable", "pluginVersion",
                      "scopedVars"}
IGNORED_BY_TYPE = {
    "graph": {"isNew", "grid"},
    "logs": {"fieldConfig"},
    "news": {"fieldConfig"},
    "table": {"columns", "fontSize", "styles", "scroll", "sort", "showHeader", "transform",
              "color", "mappings"},
}
# Field settings a panel type does not read (the Angular graph has its own thresholds list).
IGNORED_FIELDS_BY_TYPE = {"graph": {"thresholds"}}
# Graphs whose thresholds matter only when drawn, colour the series or are overridden.
THRESHOLDS_DRAWN_ONLY = {"timeseries", "barchart", "trend", "xychart"}
# Panels that show no query data: their query settings mean nothing.
DATALESS = {"text", "row", "dashlist", "news", "alertlist", "annolist", "welcome",
            "gettingstarted"}
QUERY_KEYS = {"datasource", "targets", "fieldConfig", "maxDataPoints", "interval",
              "cacheTimeout", "timeFrom", "timeShift", "hideTimeOverride", "transformations",
              "thresholds", "thresholdType"}
ROW_KEYS = {"collapsed", "gridPos", "id", "panels", "title", "type", "repeat"}
LIBRARY_PANEL_KEYS = {"gridPos", "id", "libraryPanel", "title"}

TARGET = {"hide": False, "instant": False, "exemplar": False, "format": "time_series",
          "interval": "", "intervalFactor": 1, "legendFormat": "", "metric": "", "target": ""}
# Query editor state (which editor was open, the editor's row keys) and the long-gone `step`.
IGNORED_TARGET_KEYS = {"editorMode", "key", "step"}

DASHBOARD = {
    "editable": True, "fiscalYearStartMonth": 0, "graphTooltip": 0, "liveNow": False,
    "weekStart": "", "timezone": "", "links": [], "tags": [], "description": "", "refresh": "",
    "time": {"from": "now-6h", "to": "now"}, "panels": [], "__inputs": [], "__elements": {},
    "templating": {"list": []}, "annotations": {"list": []},
    "timepicker": {"hidden": False, "nowDelay": "", "collapse": False, "enable": True,
                   "notice": False, "now": True, "status": "Stable", "type": "timepicker",
                   "refresh_intervals": ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h",
                                         "2h", "1d"]},
    # rows-era and pre-v8 keys that today's dashboard model no longer reads
    "rows": [], "style": "dark", "sharedCrosshair": False, "hideControls": False,
}
IGNORED_DASHBOARD_KEYS = {"id", "version", "iteration", "__requires", "gnetId"}
IGNORED_TIMEPICKER_KEYS = {"time_options"}

VARIABLE = {
    "hide": 0, "skipUrlSync": False, "includeAll": False, "multi": False, "regex": "",
    "sort": 0, "label": "", "description": "", "query": "", "queryValue": "", "options": [],
    "auto": False, "auto_count": 30, "auto_min": "10s", "useTags": False, "tagsQuery": "",
    "tagValuesQuery": "", "tags": [],
}
# Variable types whose options Grafana computes itself on load.
DERIVED_OPTIONS = {"custom", "interval", "constant", "textbox", "datasource", "adhoc"}
PROMETHEUS_VARIABLE_REF = "PrometheusVariableQueryEditor-VariableQuery"

LINK = {"asDropdown": False, "includeVars": False, "keepTime": False, "tags": [],
        "targetBlank": False, "tooltip": "", "url": ""}

BUILTIN_ANNOTATION = {
    "builtIn": 1, "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts", "type": "dashboard",
    "target": {"limit": 100, "matchAny": False, "tags": [], "type": "dashboard"},
}
BUILTIN_DATASOURCES = ({"type": "grafana", "uid": "-- Grafana --"}, "-- Grafana --")
ANNOTATION = {"hide": False, "enable": True}


def panel_default(kind: str, path: tuple) -> tuple[bool, object]:
    """(True, value) when Grafana assumes `value` for the field at `path` of a `kind` panel."""
    for spec in (PANEL_TYPES.get(kind, {}), PANEL):
        found, value = _lookup(spec, path)
        if found:
            return True, value
    return False, None


def _lookup(spec, path: tuple) -> tuple[bool, object]:
    for key in path:
        if not isinstance(spec, dict) or key not in spec:
            return False, None
        spec = spec[key]
    if isinstance(spec, Each):
        return False, None
    return True, _value(spec)


def _value(spec):
    """A spec as the JSON value it stands for: the first spelling of a OneOf, no Each."""
    if isinstance(spec, OneOf):
        return spec.values[0]
    if isinstance(spec, dict):
        return {k: _value(v) for k, v in spec.items() if not isinstance(v, Each)}
    return spec


def target_default(path: tuple) -> tuple[bool, object]:
    return _lookup(TARGET, path)


def variable_default(path: tuple) -> tuple[bool, object]:
    return _lookup(VARIABLE, path)


def dashboard_default(path: tuple) -> tuple[bool, object]:
    return _lookup(DASHBOARD, path)
