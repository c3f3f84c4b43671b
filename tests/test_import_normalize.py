"""What "the same dashboard" means for an import: normalisation removes what Grafana sets or
ignores, and keeps every difference a user could see."""

from __future__ import annotations

import copy

import pytest

from dashsmith.grafana.equivalence import differences, normalize, same
from support.samples import CORPUS, corpus_dashboard


def panel(dashboard: dict, panel_id: int) -> dict:
    for item in dashboard["panels"]:
        for candidate in [item, *item.get("panels", [])]:
            if candidate.get("id") == panel_id:
                return candidate
    raise KeyError(panel_id)


@pytest.mark.parametrize("name", CORPUS)
def test_normalising_twice_changes_nothing(name):
    once = normalize(corpus_dashboard(name))
    assert normalize(copy.deepcopy(once)) == once


def test_what_grafana_sets_on_save_is_ignored():
    original = corpus_dashboard("market_health.json")
    saved = copy.deepcopy(original)
    saved.update(id=999, version=58, iteration=1700000000000)
    panel(saved, 3)["pluginVersion"] = "11.4.0"
    panel(saved, 6)["targets"][0]["editorMode"] = "builder"
    assert differences(normalize(original), normalize(saved)) == []


def test_null_is_read_as_left_out_and_defaults_as_left_out():
    original = corpus_dashboard("host_overview.json")
    changed = copy.deepcopy(original)
    target = panel(changed, 3)
    target["timeFrom"] = None
    del target["fieldConfig"]["defaults"]["custom"]["lineInterpolation"]  # "linear": the default
    del target["options"]["legend"]
    assert differences(normalize(original), normalize(changed)) == []


@pytest.mark.parametrize("change, where", [
    (lambda d: panel(d, 3)["targets"][0].update(expr="up"), "panels[0].panels[1].targets[0].expr"),
    (lambda d: panel(d, 3)["fieldConfig"]["defaults"]["custom"].update(fillOpacity=0),
     "panels[0].panels[1].fieldConfig.defaults.custom.fillOpacity"),
    (lambda d: panel(d, 5)["gridPos"].update(w=11), "panels[1].panels[0].gridPos.w"),
    (lambda d: d.update(refresh="5m"), "refresh"),
    (lambda d: d["templating"]["list"][1].update(includeAll=False),
     "templating.list[1].includeAll"),
])
def test_a_visible_change_is_a_difference(change, where):
    original = corpus_dashboard("host_overview.json")
    changed = copy.deepcopy(original)
    change(changed)
    found = differences(normalize(original), normalize(changed))
    assert [line.split(":")[0] for line in found] == [where]


def test_true_is_not_one_but_eighty_point_zero_is_eighty():
    assert not same(True, 1) and same(80.0, 80) and not same(False, 0)


def test_grafanas_built_in_annotation_is_dropped_unless_changed():
    original = corpus_dashboard("triage_stage1_health.json")
    names = [a["name"] for a in normalize(original)["annotations"]["list"]]
    assert names == ["Deploys"]
    disabled = copy.deepcopy(original)
    disabled["annotations"]["list"][0]["enable"] = False
    names = [a["name"] for a in normalize(disabled)["annotations"]["list"]]
    assert names == ["Annotations & Alerts", "Deploys"]


def test_saved_repeat_copies_are_dropped():
    ids = {p["id"] for p in normalize(corpus_dashboard("pipeline_health.json"))["panels"]}
    assert 21 not in ids and 22 not in ids and {3, 4, 5} <= ids


def test_options_grafana_computes_are_dropped_but_a_static_list_is_kept():
    market = normalize(corpus_dashboard("market_health.json"))
    variables = {v["name"]: v for v in market["templating"]["list"]}
    assert "options" not in variables["symbol"]  # custom: Grafana splits the query
    pipeline = corpus_dashboard("pipeline_health.json")
    pipeline["templating"]["list"][0]["refresh"] = 0  # never refreshed: the saved list is the list
    pipeline["templating"]["list"][0]["options"] = [{"text": "ingest", "value": "ingest"}]
    kept = normalize(pipeline)["templating"]["list"][0]
    assert kept["options"] == [{"text": "ingest", "value": "ingest"}]


def test_a_library_panel_is_its_reference():
    dashboard = corpus_dashboard("feature_store_health.json")
    reference = panel(dashboard, 7)
    reference["options"] = {"anything": True}  # Grafana replaces it with the library's model
    original = corpus_dashboard("feature_store_health.json")
    assert differences(normalize(original), normalize(dashboard)) == []


def test_label_values_queries_grafana_reads_alike_are_the_same():
    # Grafana's PrometheusLabelValuesRegex ignores the spaces after the comma and at the end.
    def dashboard(query: str) -> dict:
        variable = {"type": "query", "name": "job", "query": query, "definition": query}
        return {"uid": "d", "title": "D", "templating": {"list": [variable]}}

    def alike(a: str, b: str) -> bool:
        return same(normalize(dashboard(a)), normalize(dashboard(b)))

    assert alike("label_values(up,job)", "label_values(up, job) ")
    assert alike('label_values(up{env="prod"},job)', 'label_values(up{env="prod"}, job)')
    assert not alike("label_values(up, job)", "label_values(up, instance)")
    assert not alike("label_values(up, job)", "label_values(node_load1, job)")


def test_numbers_beyond_64_bits_compare_as_javascript_reads_them():
    # 80.0 is 80; 1e42 (a range mapping's "anything above") has no 64-bit int to become
    assert same(80.0, 80) and same(1e42, 1e42) and same(-1e22, -1e22)
    assert not same(1e42, 1e43) and same(2.0**63, 2.0**63) and same(-(2.0**63), -(2**63))
    dashboard = corpus_dashboard("market_health.json")
    changed = copy.deepcopy(dashboard)
    changed["links"] = [{"title": "far", "type": "link", "url": "x", "x": 1e42}]
    again = copy.deepcopy(changed)
    assert differences(normalize(changed), normalize(again)) == []
    again["links"][0]["x"] = 1e43
    assert differences(normalize(changed), normalize(again)) != []
