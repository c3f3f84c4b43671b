"""Dashboards as people really have them (grafonnet's output, old Grafana, exports of mixed
data sources) import, build back to the same dashboard, and read like hand-written modules.
Each dashboard here is the least that shows one shape."""

from __future__ import annotations

import copy
import json

import pytest

from dashsmith.grafana.equivalence import differences, normalize

PROMETHEUS_VARIABLE = {"name": "datasource", "type": "datasource", "query": "prometheus",
                       "current": {"text": "Prometheus", "value": "Prometheus"}}


def dashboard(*panels: dict, variables: list | None = None, **fields) -> dict:
    return {"uid": "shape", "title": "Shape", "schemaVersion": 39, "panels": list(panels),
            "templating": {"list": [PROMETHEUS_VARIABLE] if variables is None else variables},
            **fields}


def timeseries(panel_id: int, title: str, *exprs: str, **fields) -> dict:
    return {"id": panel_id, "type": "timeseries", "title": title,
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
            "targets": [{"expr": e, "refId": chr(ord("A") + i)} for i, e in enumerate(exprs)],
            **fields}


def imported(cli, project, tmp_path, data: dict) -> tuple[str, dict]:
    """The module `dashsmith import` writes for `data`, and the JSON `dashsmith build` makes
    of it (which must be the same dashboard)."""
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(data))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert cli("build").exit_code == 0
    [built] = list((project / "build" / "dashboards").glob(f"*/{data['uid']}.json"))
    built_json = json.loads(built.read_text())
    assert differences(normalize(data), normalize(built_json)) == []
    [module] = [p for p in (project / "dashboards").glob("*.py")
                if f'uid="{data["uid"]}"' in p.read_text()]
    return module.read_text(), built_json


def test_panels_of_the_mixed_data_source_share_a_constant_that_is_not_datasource(
        cli, project, tmp_path):
    mixed = {"type": "datasource", "uid": "-- Mixed --"}
    panels = [timeseries(i, f"Mixed {i}", "up", datasource=mixed) for i in (1, 2)]
    panels[1]["gridPos"]["x"] = 12
    text, _ = imported(cli, project, tmp_path, dashboard(*panels))
    assert 'MIXED = {"type": "datasource", "uid": "-- Mixed --"}' in text
    assert "datasource=MIXED" in text and "\nDATASOURCE =" not in text


def test_a_data_source_variable_written_as_a_string_or_without_type_is_the_dashboards(
        cli, project, tmp_path):
    panels = [timeseries(1, "String", "up", datasource="$datasource"),
              timeseries(2, "Without type", "up", datasource={"uid": "$datasource"})]
    panels[1]["gridPos"]["x"] = 12
    text, _ = imported(cli, project, tmp_path, dashboard(*panels))
    assert "datasource=" not in text and "$datasource" not in text


def test_queries_without_ref_ids_get_grafanas_letters_and_nothing_is_carried(
        cli, project, tmp_path):
    panel = timeseries(1, "Requests", "sum(rate(a_total[5m]))", "sum(rate(b_total[5m]))")
    for target in panel["targets"]:
        del target["refId"]
    text, built = imported(cli, project, tmp_path, dashboard(panel))
    assert "refId" not in text and "extra=" not in text
    assert [t["refId"] for t in built["panels"][0]["targets"]] == ["A", "B"]


def test_grid_positions_without_zeros_are_at_the_left_and_top(cli, project, tmp_path):
    first = timeseries(1, "Left", "up", gridPos={"h": 8, "w": 12})
    second = timeseries(2, "Right", "up", gridPos={"h": 8, "w": 12, "x": 12})
    _, built = imported(cli, project, tmp_path, dashboard(first, second))
    assert [p["gridPos"] for p in built["panels"]] == [
        {"h": 8, "w": 12, "x": 0, "y": 0}, {"h": 8, "w": 12, "x": 12, "y": 0}]


def test_a_row_grafonnet_gives_no_width_and_a_null_repeat_iteration_is_kept(
        cli, project, tmp_path):
    row = {"id": 1, "type": "row", "title": "Overview", "collapsed": False,
           "gridPos": {"h": 1, "w": 0, "x": 0, "y": 0}, "repeatIteration": None, "panels": []}
    panel = timeseries(2, "Inside", "up", gridPos={"h": 8, "w": 24, "x": 0, "y": 1})
    text, built = imported(cli, project, tmp_path, dashboard(row, panel))
    assert 'Row("Overview", [' in text
    assert [p["type"] for p in built["panels"]] == ["row", "timeseries"]


def test_a_pre_5_dashboard_of_rows_is_laid_out_as_grafana_loads_it(cli, project, tmp_path):
    def old(panel_id: int, span: int) -> dict:
        panel = timeseries(panel_id, f"Panel {panel_id}", "up", span=span)
        del panel["gridPos"]
        return panel
    data = {"uid": "old-rows", "title": "Old rows", "schemaVersion": 14,
            "rows": [{"title": "First", "height": "250px", "showTitle": True,
                      "panels": [old(1, 6), old(2, 6), old(3, 12)]},
                     {"title": "Second", "collapse": True, "panels": [old(4, 4)]}],
            "templating": {"list": [PROMETHEUS_VARIABLE]}}
    text, built = imported(cli, project, tmp_path, data)
    assert 'Row("First", [' in text and 'Row("Second", [' in text
    grid = {p["title"]: p["gridPos"] for p in built["panels"]}
    # 250 px is 7 grid units; a span is 2 of Grafana's 24 columns; a full row wraps below
    assert grid["Panel 1"] == {"h": 7, "w": 12, "x": 0, "y": 1}
    assert grid["Panel 2"] == {"h": 7, "w": 12, "x": 12, "y": 1}
    assert grid["Panel 3"] == {"h": 7, "w": 24, "x": 0, "y": 8}
    [second] = [p for p in built["panels"] if p.get("title") == "Second"]
    assert second["collapsed"] and second["panels"][0]["gridPos"]["w"] == 8


def test_custom_variable_values_are_trimmed_as_grafana_trims_them(cli, project, tmp_path):
    interval = {"name": "step", "type": "custom", "query": "15s, 1m, 5m", "label": "Step",
                "current": {"text": "1m", "value": "1m"}}
    text, _ = imported(cli, project, tmp_path,
                       dashboard(variables=[PROMETHEUS_VARIABLE, interval]))
    assert 'custom_variable("step", ["15s", "1m", "5m"], default="1m")' in text


def test_an_interval_variable_that_follows_the_time_range_keeps_doing_so(cli, project, tmp_path):
    interval = {"name": "interval", "type": "interval", "query": "1m,5m,1h", "auto": True,
                "refresh": 2, "current": {"text": "auto", "value": "$__auto_interval_interval"}}
    _, built = imported(cli, project, tmp_path,
                        dashboard(variables=[PROMETHEUS_VARIABLE, interval]))
    [variable] = [v for v in built["templating"]["list"] if v["name"] == "interval"]
    assert variable["refresh"] == 2


@pytest.mark.parametrize("change", [
    lambda d: d["templating"]["list"][1].update(refresh=1),
    lambda d: d["panels"][0].update(datasource={"type": "prometheus", "uid": "${other}"}),
    lambda d: d["panels"][0]["targets"][0].update(refId="B"),
    lambda d: d["panels"][0].update(gridPos={"h": 8, "w": 12, "x": 1}),
])
def test_the_comparison_still_sees_a_change_in_behaviour(change):
    interval = {"name": "interval", "type": "interval", "query": "1m,5m", "refresh": 2}
    original = dashboard(timeseries(1, "A", "up", gridPos={"h": 8, "w": 12}),
                         variables=[PROMETHEUS_VARIABLE, interval])
    changed = copy.deepcopy(original)
    change(changed)
    assert differences(normalize(original), normalize(changed)) != []


def test_panels_without_an_id_or_with_another_panels_get_grafanas_next_ids(
        cli, project, tmp_path):
    first = timeseries(7, "Seven", "up")
    second = timeseries(7, "Also seven", "up", gridPos={"h": 8, "w": 12, "x": 12, "y": 0})
    third = timeseries(1, "None", "up", gridPos={"h": 8, "w": 12, "x": 0, "y": 8})
    del third["id"]
    _, built = imported(cli, project, tmp_path, dashboard(first, second, third))
    assert [(p["title"], p["id"]) for p in built["panels"]] == [
        ("Seven", 7), ("Also seven", 8), ("None", 9)]


def test_a_panel_without_grid_position_has_grafanas_default_place(cli, project, tmp_path):
    panel = timeseries(1, "Nowhere", "up")
    del panel["gridPos"]
    _, built = imported(cli, project, tmp_path, dashboard(panel))
    assert built["panels"][0]["gridPos"] == {"h": 3, "w": 6, "x": 0, "y": 0}


def test_a_query_of_another_kind_of_data_source_is_carried_whole(cli, project, tmp_path):
    panel = timeseries(1, "From SQL", "up", datasource={"type": "postgres", "uid": "pg"})
    panel["targets"] = [{"rawSql": "SELECT 1", "format": "table", "refId": "A"}]
    text, built = imported(cli, project, tmp_path, dashboard(panel))
    assert '"rawSql": "SELECT 1"' in text
    assert built["panels"][0]["targets"][0].get("expr") is None  # null: Grafana reads no expr


def test_the_queries_of_a_panel_that_shows_none_are_left_out(cli, project, tmp_path):
    listing = {"id": 1, "type": "dashlist", "title": "Related", "datasource": "$datasource",
               "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
               "targets": [{"expr": "", "refId": "A"}]}
    text, _ = imported(cli, project, tmp_path, dashboard(listing))
    assert 'plugin_panel("dashlist", "Related", width=12, id=1)' in text


def test_grafanas_default_thresholds_are_not_restated_on_a_graph_that_does_not_show_them(
        cli, project, tmp_path):
    default = {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                             {"color": "red", "value": 80}]}
    hidden = timeseries(1, "Hidden", "up", fieldConfig={"defaults": {"thresholds": default}})
    text, _ = imported(cli, project, tmp_path, dashboard(hidden))
    assert "thresholds" not in text


def test_thresholds_a_graph_draws_are_kept(cli, project, tmp_path):
    drawn = timeseries(1, "Drawn", "up", fieldConfig={"defaults": {
        "custom": {"thresholdsStyle": {"mode": "line"}},
        "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                     {"color": "red", "value": 90}]}}})
    text, _ = imported(cli, project, tmp_path, dashboard(drawn))
    assert 'thresholds={90: "red"}' in text
    changed = copy.deepcopy(dashboard(drawn))
    changed["panels"][0]["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = 95
    assert differences(normalize(dashboard(drawn)), normalize(changed)) != []


def test_a_panel_showing_another_panels_results_has_no_promql_to_miss(cli, project, tmp_path):
    reuse = {"type": "datasource", "uid": "-- Dashboard --"}
    source = timeseries(1, "Load", "sum(rate(http_requests_total[$__rate_interval]))")
    shown = {"id": 2, "type": "stat", "title": "Load now", "datasource": reuse,
             "gridPos": {"h": 8, "w": 12, "x": 12, "y": 0},
             "targets": [{"datasource": reuse, "panelId": 1, "refId": "A"}]}
    text, built = imported(cli, project, tmp_path, dashboard(source, shown))
    assert '"panelId": 1' in text
    assert built["panels"][1]["targets"][0]["panelId"] == 1


def test_a_blank_query_beside_real_ones_is_a_leftover_not_a_refusal(cli, project, tmp_path):
    panel = timeseries(1, "Requests", "sum(rate(http_requests_total[$__rate_interval]))", "")
    imported(cli, project, tmp_path, dashboard(panel))
    result = cli("lint", "--no-tools")
    assert "warning panel/no-targets panel 'Requests': query B is empty (Grafana skips it" \
        in result.output


def test_a_panel_of_blank_queries_only_is_still_refused(cli, project, tmp_path):
    path = tmp_path / "blank.json"
    path.write_text(json.dumps(dashboard(timeseries(1, "Nothing", "", " "))))
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert f"{path}: `dashsmith build` would refuse the module it becomes" in result.output
    assert "panel 'Nothing' has an empty query; nothing was written" in result.output


def test_a_dashboard_resource_of_the_v1_api_is_its_classic_spec(cli, project, tmp_path):
    spec = dashboard(timeseries(1, "Up", "up"))
    del spec["uid"]
    resource = {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
                "metadata": {"name": "shape"}, "spec": spec}
    path = tmp_path / "resource.json"
    path.write_text(json.dumps(resource))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "(uid shape)" in result.output


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_schema_v2_dashboard_is_refused_naming_what_it_holds(cli, project, tmp_path, wrapped):
    spec = {"title": "Dynamic", "elements": {"panel-1": {"kind": "Panel", "spec": {}}},
            "layout": {"kind": "TabsLayout", "spec": {"tabs": [
                {"kind": "TabsLayoutTab", "spec": {"title": "Overview", "layout": {
                    "kind": "GridLayout", "spec": {"items": []}}}}]}}}
    data = {"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard",
            "metadata": {"name": "dyn"}, "spec": spec} if wrapped else spec
    path = tmp_path / "dynamic.json"
    path.write_text(json.dumps(data))
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert f"{path}: a dynamic dashboard (schema v2: `elements` and a `layout`, with tabs " \
           "'Overview')" in result.output
    assert "export it from Grafana as classic JSON" in result.output
    assert "nothing was written" in result.output
    assert list((project / "dashboards").glob("dynamic*.py")) == []


def test_variables_over_another_data_source_variable_use_the_helpers(cli, project, tmp_path):
    prometheus = {"name": "prom", "type": "datasource", "query": "prometheus",
                  "label": "Prometheus", "regex": "(?!usage).+"}
    loki = {"name": "loki", "type": "datasource", "query": "loki", "label": "Logs", "hide": 2}
    job = {"name": "job", "type": "query", "datasource": {"uid": "${prom}"},
           "query": 'label_values(up{cluster=~"$cluster",env="prod"}, job)', "label": "Job",
           "includeAll": True, "multi": True, "allValue": ".*", "refresh": 1}
    panel = timeseries(1, "Up", "up", datasource={"type": "prometheus", "uid": "${prom}"})
    text, _ = imported(cli, project, tmp_path,
                       dashboard(panel, variables=[prometheus, loki, job]))
    assert "g.Template" not in text
    assert 'datasource_variable(\n            "prom",' in text or \
        'datasource_variable("prom",' in text
    assert 'plugin="loki"' in text and "hide=2" in text
    assert "label_variable(" in text and 'all_value=".*"' in text and "refresh=1" in text
    # {"uid": "${prom}"} and {"type": "prometheus", "uid": "${prom}"}: one data source, one name
    assert text.count("${prom}") == 1


def test_a_query_written_on_several_lines_is_one_string_with_its_lines(cli, project, tmp_path):
    expr = 'sum by (job) (\n  rate(http_requests_total{code=~"5.."}[$__rate_interval])\n)'
    text, built = imported(cli, project, tmp_path, dashboard(timeseries(1, "Errors", expr)))
    assert '"""sum by (job) (\n  rate(http_requests_total{code=~"5.."}[$__rate_interval])\n)"""' \
        in text
    assert built["panels"][0]["targets"][0]["expr"] == expr


def test_a_long_query_is_never_cut_inside_a_selector(cli, project, tmp_path):
    selector = '{' + ",".join(f'label_{n}=~"$value_{n}"' for n in range(8)) + '}'
    expr = f"sum by (instance) (rate(http_requests_total{selector}[$__rate_interval]))"
    text, _ = imported(cli, project, tmp_path, dashboard(timeseries(1, "Long", expr)))
    [line] = [line for line in text.splitlines() if "http_requests_total" in line]
    assert line.strip() == f"'(rate(http_requests_total{selector}[$__rate_interval]))',"


def test_interval_and_text_variables_use_their_helpers(cli, project, tmp_path):
    interval = {"name": "interval", "type": "interval", "label": "Step", "auto": True,
                "auto_count": 300, "auto_min": "10s", "query": "5m,10m,1h", "refresh": 2,
                "current": {"text": "10m", "value": "10m"}}
    box = {"name": "filter", "type": "textbox", "label": "Filter", "query": ".*",
           "current": {"text": ".*", "value": ".*"}}
    text, _ = imported(cli, project, tmp_path, dashboard(
        timeseries(1, "Up", "up"), variables=[PROMETHEUS_VARIABLE, interval, box]))
    assert "g.Template" not in text
    assert 'interval_variable(\n            "interval",\n            ["5m", "10m", "1h"],\n' \
           '            text="Step",\n            default="10m",\n            auto=True,\n' \
           '            auto_count=300,\n        ),' in text
    assert 'text_variable("filter", ".*")' in text


def test_panel_keys_that_are_no_python_names_are_written_so_the_module_compiles(
        cli, project, tmp_path):
    # Angular graph panels carry "x-axis"/"y-axis"; a key may also be a keyword or start with
    # a digit: none of these may be printed as `name=value`.
    graph = {"id": 1, "type": "graph", "title": "Load", "datasource": "$datasource",
             "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0}, "x-axis": True, "y-axis": True,
             "class": "wide", "1h": {"long": ["a" * 60, "b" * 60]},
             "targets": [{"expr": "node_load1", "refId": "A"}]}
    text, built = imported(cli, project, tmp_path, dashboard(graph))
    assert '**{"x-axis": True},' in text and '**{"class": "wide"},' in text
    assert '**{"1h": {' in text  # too long for one line: still one mapping
    assert built["panels"][0]["x-axis"] is True and built["panels"][0]["1h"]["long"][1] == "b" * 60


def test_a_row_without_a_title_is_imported_as_an_untitled_row(cli, project, tmp_path):
    # Grafana saves an untitled row without the key (its PanelModel default title is '')
    row = {"id": 1, "type": "row", "collapsed": False,
           "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0}, "panels": []}
    panel = timeseries(2, "Up", "sum(up)", gridPos={"h": 8, "w": 12, "x": 0, "y": 1})
    result_text, built = imported(cli, project, tmp_path, dashboard(row, panel))
    assert 'Row("", [' in result_text and 'extra={"title": None}' in result_text
    assert built["panels"][0]["type"] == "row" and not built["panels"][0].get("title")
    assert cli("lint", "--no-tools").exit_code == 0


def test_a_panel_that_does_not_render_back_is_named_by_id_title_and_place():
    # the panel list is compared whole: the refusal must still say which panel differs
    from dashsmith.commands.import_.codegen import _where
    row = {"id": 1, "type": "row", "gridPos": {"x": 0, "y": 0}}
    inner = {"id": 3, "type": "stat", "title": "Inner", "gridPos": {"x": 6, "y": 2}}
    expected = {"title": "T", "panels": [
        row, {"id": 2, "type": "stat", "title": "Up", "gridPos": {"x": 12, "y": 1}},
        {"id": 4, "type": "row", "title": "Closed", "collapsed": True, "panels": [inner]}]}
    built = copy.deepcopy(expected)
    built["panels"][0]["title"] = ""
    built["panels"][2]["panels"][0]["title"] = "Other"
    built["title"] = "U"
    assert _where([("panels",), ("title",)], expected, built) == \
        "panel 1 '' at (x 0, y 0): title, panel 3 'Inner' at (x 6, y 2) in row 4: title, title"


def _plugin_query_panel(panel_id: int, datasource, target_datasource, x: int = 0) -> dict:
    return {"id": panel_id, "type": "acme-summary-panel", "title": f"Summary {panel_id}",
            "gridPos": {"h": 8, "w": 12, "x": x, "y": 0}, "datasource": datasource,
            "targets": [{"refId": "A", "datasource": target_datasource, "summary": "host"}]}


@pytest.mark.parametrize("reference", [
    {"uid": "AcmeSummary"},
    # a string spread into an object by a plugin's editor: no reference, the panel's applies
    {str(i): c for i, c in enumerate("AcmeSummary")}])
def test_a_query_on_a_data_source_of_unknown_type_without_expr_is_no_promql(
        cli, project, tmp_path, reference):
    # PMM's summary panels: a data source named by a string, its query's reference without
    # type and no expr. Grafana resolves the uid; it is no Prometheus query to be blank.
    panel = _plugin_query_panel(1, "AcmeSummary", reference)
    _, built = imported(cli, project, tmp_path, dashboard(panel))
    assert built["panels"][0]["targets"][0]["datasource"] == reference


def test_a_reference_without_type_takes_the_type_the_dashboard_gives_its_uid(
        cli, project, tmp_path):
    typed = {"type": "acme-datasource", "uid": "acme1"}
    panels = [_plugin_query_panel(1, typed, typed),
              _plugin_query_panel(2, {"uid": "acme1"}, {"uid": "acme1"}, x=12)]
    text, _ = imported(cli, project, tmp_path, dashboard(*panels))
    assert "acme-datasource" in text


def test_a_blank_query_on_a_prometheus_uid_written_without_type_is_still_refused(
        cli, project, tmp_path):
    typed = timeseries(1, "Typed", "up", datasource={"type": "prometheus", "uid": "prom1"})
    blank = timeseries(2, "Blank", "", datasource={"uid": "prom1"},
                       gridPos={"h": 8, "w": 12, "x": 12, "y": 0})
    path = tmp_path / "blank.json"
    path.write_text(json.dumps(dashboard(typed, blank)))
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert "panel 'Blank' has an empty query; nothing was written" in result.output
