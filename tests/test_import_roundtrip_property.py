"""Any dashboard of the shapes Grafana saves imports to a module that builds it back: random
panels (every common type, random options, field settings, overrides and queries), random
layouts with rows, and random variables."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from dashsmith.commands.import_ import codegen, roundtrip
from dashsmith.commands.import_.inputs import from_json

DS = {"type": "prometheus", "uid": "${datasource}"}
OTHER_DS = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
words = st.text("abcdefgh_ ", min_size=1, max_size=12).map(str.strip).filter(bool)
titles = words | st.sampled_from(['Latency "p95"', "CPU (%) — host's", "a\\b", "$job / ${env}",
                                  "Ünïcode ✓", "tab\there", "   padded  "])
exprs = st.sampled_from([
    'sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))',
    "histogram_quantile(0.95, sum by (le) (rate(latency_seconds_bucket[5m])))",
    "up", 'count by (instance) (up{job="node"}) > 0', 'rate(x{path=~"/api/.*\\\\.json"}[5m])',
    "sum(rate(errors_total[5m]))   /   sum(rate(requests_total[5m]))" + " * 100" * 12,
    "sum by (route) (increase(requests_total[$__range]))\n/\n"
    "sum(increase(requests_total[$__range]))",
])
colors = st.sampled_from(["green", "red", "orange", "#F2CC0C", "transparent", "blue"])


@st.composite
def thresholds(draw):
    steps = [{"color": draw(colors), "value": None}]
    for value in sorted(set(draw(st.lists(st.integers(0, 500), max_size=3)))):
        steps.append({"color": draw(colors), "value": value})
    return {"mode": draw(st.sampled_from(["absolute", "absolute", "percentage"])), "steps": steps}


@st.composite
def target(draw, index):
    data = {"expr": draw(exprs), "refId": draw(st.sampled_from([chr(65 + index), f"Q{index}"]))}
    optional = {
        "datasource": st.sampled_from([DS, OTHER_DS]),
        "legendFormat": st.sampled_from(["__auto", "", "{{instance}}", "p95"]),
        "instant": st.booleans(), "range": st.booleans(),
        "format": st.sampled_from(["time_series", "table", "heatmap"]),
        "interval": st.sampled_from(["", "1m", "$interval"]),
        "intervalFactor": st.sampled_from([1, 2, 10]), "exemplar": st.booleans(),
        "editorMode": st.sampled_from(["code", "builder"]), "hide": st.booleans(),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


FIELD_OPTIONS = {
    "unit": st.sampled_from(["s", "percentunit", "reqps", "none", "", "short", "bytes"]),
    "decimals": st.integers(0, 4), "min": st.integers(-5, 0), "max": st.integers(1, 100),
    "noValue": st.sampled_from(["-", "none", "no data"]),
    "color": st.sampled_from([{"mode": "palette-classic"}, {"mode": "thresholds"},
                              {"fixedColor": "red", "mode": "fixed"}]),
    "mappings": st.just([{"type": "value", "options": {"1": {"text": "UP", "color": "green"}}}]),
}
CUSTOM = {
    "timeseries": {"fillOpacity": st.integers(0, 100), "lineWidth": st.integers(0, 5),
                   "drawStyle": st.sampled_from(["line", "bars", "points"]),
                   "lineInterpolation": st.sampled_from(["linear", "smooth", "stepAfter"]),
                   "stacking": st.sampled_from([{"group": "A", "mode": "none"},
                                                {"group": "A", "mode": "normal"},
                                                {"group": "B", "mode": "percent"}]),
                   "thresholdsStyle": st.sampled_from([{"mode": "off"}, {"mode": "line"},
                                                       {"mode": "dashed"}]),
                   "axisLabel": words, "spanNulls": st.booleans()},
    "table": {"align": st.sampled_from(["auto", "center"]), "filterable": st.booleans()},
}
OPTIONS = {
    "timeseries": {"legend": st.fixed_dictionaries({}, optional={
        "displayMode": st.sampled_from(["list", "table", "hidden"]),
        "placement": st.sampled_from(["bottom", "right"]),
        "calcs": st.sampled_from([[], ["mean"], ["max", "lastNotNull"]]),
        "showLegend": st.booleans()}),
        "tooltip": st.fixed_dictionaries({"mode": st.sampled_from(["single", "multi", "none"]),
                                          "sort": st.sampled_from(["none", "desc"])})},
    "stat": {"graphMode": st.sampled_from(["area", "none"]),
             "colorMode": st.sampled_from(["value", "background", "none"]),
             "textMode": st.sampled_from(["auto", "value", "value_and_name"]),
             "reduceOptions": st.fixed_dictionaries({"calcs": st.sampled_from(
                 [["lastNotNull"], ["mean"], ["sum"]]), "fields": st.just(""),
                 "values": st.booleans()})},
    "gauge": {"showThresholdLabels": st.booleans(), "showThresholdMarkers": st.booleans()},
    "bargauge": {"displayMode": st.sampled_from(["gradient", "lcd", "basic"]),
                 "orientation": st.sampled_from(["auto", "horizontal", "vertical"])},
    "piechart": {"pieType": st.sampled_from(["pie", "donut"]),
                 "legend": st.fixed_dictionaries({"displayMode": st.sampled_from(["list", "table"]),
                                                  "values": st.sampled_from([[], ["percent"]])})},
    "table": {"showHeader": st.booleans(), "cellHeight": st.sampled_from(["sm", "md"])},
    "heatmap": {"calculate": st.booleans(), "yAxis": st.fixed_dictionaries({"unit": st.just("s")})},
    "text": {"mode": st.sampled_from(["markdown", "html"]), "content": st.text(max_size=80)},
}
TYPES = ["timeseries", "timeseries", "stat", "gauge", "bargauge", "piechart", "table", "text",
         "heatmap", "state-timeline", "acme-clock-panel"]


@st.composite
def panel(draw, panel_id, grid):
    kind = draw(st.sampled_from(TYPES))
    data = {"id": panel_id, "gridPos": grid, "type": kind, "title": draw(titles)}
    if draw(st.booleans()):
        data["description"] = draw(words)
    if kind != "text":
        data["datasource"] = draw(st.sampled_from([DS, DS, OTHER_DS]))
        data["targets"] = [draw(target(i)) for i in range(draw(st.integers(1, 3)))]
        defaults = {k: draw(v) for k, v in FIELD_OPTIONS.items() if draw(st.booleans())}
        if draw(st.booleans()):
            defaults["thresholds"] = draw(thresholds())
        custom = {k: draw(v) for k, v in CUSTOM.get(kind, {}).items() if draw(st.booleans())}
        if custom:
            defaults["custom"] = custom
        overrides = []
        if draw(st.booleans()):
            overrides = [{"matcher": {"id": "byName", "options": draw(words)},
                          "properties": [{"id": "unit", "value": "ms"}]}]
        data["fieldConfig"] = {"defaults": defaults, "overrides": overrides}
        if draw(st.booleans()):
            data["transformations"] = [{"id": "organize",
                                        "options": {"excludeByName": {"Time": True}}}]
        if draw(st.booleans()):
            data.update(repeat="job", repeatDirection=draw(st.sampled_from(["h", "v"])))
    options = {k: draw(v) for k, v in OPTIONS.get(kind, {}).items() if draw(st.booleans())}
    if options:
        data["options"] = options
    if draw(st.booleans()):
        data["pluginVersion"] = "11.2.0"
    if draw(st.booleans()):
        data["transparent"] = True
    return data


@st.composite
def layout(draw):
    """Panels placed left to right in lines, lines one under the other, some under rows."""
    panels, y, next_id = [], 0, 1
    for _ in range(draw(st.integers(1, 4))):
        row = None
        if draw(st.booleans()):
            row = {"id": next_id, "type": "row", "title": draw(words), "gridPos": {
                "h": 1, "w": 24, "x": 0, "y": y}, "collapsed": draw(st.booleans()), "panels": []}
            next_id, y = next_id + 1, y + 1
            panels.append(row)
        x, height = 0, draw(st.integers(3, 9))
        if draw(st.booleans()):
            panels.append({"id": next_id, "gridPos": {"h": 4, "w": 6, "x": 18, "y": y},
                           "libraryPanel": {"uid": "lib-1", "name": "Shared"}, "title": "Shared"})
            next_id += 1
        for width in draw(st.lists(st.integers(3, 12), min_size=1, max_size=3)):
            if x + width > 24:
                break
            grid = {"h": draw(st.sampled_from([height, height, height + 2])), "w": width,
                    "x": x, "y": y - draw(st.sampled_from([0, 0, 0, 1]))}
            item = draw(panel(next_id, grid))
            (row["panels"] if row and row["collapsed"] else panels).append(item)
            x, next_id = x + width + draw(st.sampled_from([0, 0, 2])), next_id + 1
        y += height + 2
    return panels


@st.composite
def variable(draw, name):
    kind = draw(st.sampled_from(["query", "custom", "interval", "constant", "textbox", "adhoc",
                                 "datasource"]))
    data = {"name": name, "type": kind, "hide": draw(st.sampled_from([0, 0, 1, 2]))}
    query = {"query": "label_values(up, job)", "custom": "a,b,c", "interval": "1m,5m,1h",
             "constant": "x", "textbox": "", "adhoc": "", "datasource": "prometheus"}[kind]
    data["query"] = query
    if kind in ("query", "adhoc"):
        data["datasource"] = DS
    if kind == "query":
        data.update(refresh=draw(st.sampled_from([1, 2])), sort=draw(st.integers(0, 3)),
                    multi=draw(st.booleans()), includeAll=draw(st.booleans()))
    if draw(st.booleans()):
        data["label"] = draw(words)
    if draw(st.booleans()):
        data["current"] = {"selected": False, "text": "a", "value": "a"}
    return data


@st.composite
def dashboard(draw):
    names = draw(st.lists(st.sampled_from(["job", "datasource", "env", "interval", "x_y"]),
                          unique=True, max_size=4))
    data = {"uid": "random-board", "title": draw(words), "schemaVersion": 39,
            "panels": draw(layout()),
            "templating": {"list": [draw(variable(n)) for n in names]}}
    for key, strategy in {"refresh": st.sampled_from(["", "30s", "1m"]),
                          "timezone": st.sampled_from(["", "utc", "browser"]),
                          "graphTooltip": st.integers(0, 2),
                          "tags": st.lists(words, max_size=2), "liveNow": st.booleans()}.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dashboard())
def test_a_random_dashboard_imports_to_a_module_that_builds_it_back(data):
    module = codegen.generate(from_json("random.json", data), "Imported")
    dashboard = roundtrip.declared_by(module.text, "/tmp/random_board.py")
    assert roundtrip.mismatches(data, dashboard) == []
