"""The semantic comparison where its logic is subtle: matching by identity, renames, moves,
reordered queries, and what is not a change. On dashboard JSON built here, no git needed."""

from __future__ import annotations

import zlib

from dashsmith.compare import semantic
from dashsmith.compare.changes import FieldChange
from dashsmith.compare.matching import match, out_of_order
from dashsmith.compiler.render import CompiledDashboard
from dashsmith.compiler.snapshot import CompiledRule, Snapshot
from dashsmith.model.source import Source

# Dashboard JSON made here, not a shared sample: each test's point is the exact panels, ids and
# grid positions on either side of the comparison.


def panel(title, *exprs, x=0, y=0, w=8, h=8, id=None, type="timeseries", **extra):
    return {"id": id or _id(title), "title": title, "type": type,
            "gridPos": {"x": x, "y": y, "w": w, "h": h},
            "targets": [{"refId": chr(ord("A") + i), "expr": e} for i, e in enumerate(exprs)],
            **extra}


def row(title, y, id=None):
    return {"id": id or _id(title), "title": title, "type": "row",
            "gridPos": {"x": 0, "y": y, "w": 24, "h": 1}, "panels": []}


def _id(title: str) -> int:
    return zlib.crc32(title.encode()) % 100_000


def dashboard(*panels, uid="d", title="D", folder="F", **extra) -> CompiledDashboard:
    data = {"uid": uid, "title": title, "panels": list(panels), **extra}
    return CompiledDashboard(uid, title, folder, data, Source("d.py", 1))


def compare(old: list, new: list, rules_old=None, rules_new=None):
    return semantic.compare(Snapshot("old", None, old, rules_old or []),
                            Snapshot("new", None, new, rules_new or []))


def panel_changes(report) -> dict[str, list[FieldChange]]:
    [d] = report.dashboards
    return {child.name: child.fields for child in d.children}


def test_out_of_order_keeps_the_longest_run_in_order():
    assert out_of_order([0, 1, 2, 3]) == set()
    assert out_of_order([1, 0]) in ({0}, {1})
    assert out_of_order([0, 3, 1, 2]) == {1}  # the item now second came from the end
    assert out_of_order([]) == set()


def test_match_pairs_by_identity_then_similarity():
    pairs, removed, added = match(["a1", "b1", "zzz"], ["b2", "a2", "qqq"],
                                  [lambda s: s[0]],
                                  similarity=lambda a, b: 1.0 if {a, b} == {"zzz", "qqq"} else 0)
    assert sorted(pairs) == [("a1", "a2"), ("b1", "b2"), ("zzz", "qqq")]
    assert (removed, added) == ([], [])
    _, removed, added = match(["x"], ["y"], [lambda s: s], lambda a, b: 0.5, threshold=0.7)
    assert (removed, added) == (["x"], ["y"])


def test_identical_dashboards_are_no_change():
    d = dashboard(row("R", 0), panel("P", "up", y=1))
    report = compare([d], [dashboard(row("R", 0), panel("P", "up", y=1))])
    assert not report and report.dashboards == [] and report.rules == []


def test_empty_values_are_absent_values():
    old = dashboard(panel("P", "up", description=None, links=[], options={}))
    new = dashboard(panel("P", "up", description="", maxDataPoints=None))
    assert not compare([old], [new])


def test_reordered_queries_are_matched_by_expression():
    old = dashboard(panel("P", "rate(a[5m])", "rate(b[5m])"))
    new = dashboard(panel("P", "rate(b[5m])", "rate(a[5m])"))
    [d] = compare([old], [new]).dashboards
    [p] = d.children
    assert [(q.name, q.fields) for q in p.children] == [
        ("A", [FieldChange("refId", "B", "A")]), ("B", [FieldChange("refId", "A", "B")])]


def test_same_titles_in_two_rows_are_told_apart_by_row():
    old = dashboard(row("API", 0), panel("Errors", "api_errors", y=1, id=1),
                    row("Worker", 9), panel("Errors", "worker_errors", y=10, id=2))
    new = dashboard(row("API", 0), panel("Errors", "api_errors", y=1, id=1),
                    row("Worker", 9), panel("Errors", "sum(worker_errors)", y=10, id=2))
    [d] = compare([old], [new]).dashboards
    [p] = d.children
    assert p.name == "Errors"
    assert [q.fields for q in p.children] == [[FieldChange("expr", "worker_errors",
                                                           "sum(worker_errors)")]]


def test_a_renamed_row_does_not_move_its_panels():
    old = dashboard(row("Traffic", 0), panel("Requests", "rate(requests[5m])", y=1))
    new = dashboard(row("Load", 0, id=9), panel("Requests", "rate(requests[5m])", y=1))
    assert panel_changes(compare([old], [new])) == {
        "Load": [FieldChange("title", "Traffic", "Load")]}


def test_a_renamed_panel_with_another_query_is_removed_and_added():
    old = dashboard(panel("Requests", "rate(requests_total[5m])"))
    new = dashboard(panel("Memory", "process_resident_memory_bytes"))
    [d] = compare([old], [new]).dashboards
    assert [(c.name, c.status) for c in d.children] == [("Memory", "added"),
                                                        ("Requests", "removed")]


def test_a_changed_type_names_the_type_not_every_option():
    old = dashboard(panel("P", "up", type="stat", options={"colorMode": "value"}))
    new = dashboard(panel("P", "up", type="timeseries", options={"tooltip": {"mode": "single"}}))
    assert panel_changes(compare([old], [new])) == {
        "P": [FieldChange("type", "stat", "timeseries")]}


def test_other_panel_options_are_reported_by_path():
    old = dashboard(panel("P", "up", fieldConfig={"defaults": {"custom": {"fillOpacity": 10}}}))
    new = dashboard(panel("P", "up", fieldConfig={"defaults": {"custom": {"fillOpacity": 30}}}))
    assert panel_changes(compare([old], [new])) == {
        "P": [FieldChange("fieldConfig.defaults.custom.fillOpacity", 10, 30)]}


def test_thresholds_read_as_steps():
    steps = {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                           {"color": "red", "value": 5.0}]}
    changed = {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                             {"color": "orange", "value": 2},
                                             {"color": "red", "value": 3}]}
    old = dashboard(panel("P", "up", fieldConfig={"defaults": {"thresholds": steps}}))
    new = dashboard(panel("P", "up", fieldConfig={"defaults": {"thresholds": changed}}))
    assert panel_changes(compare([old], [new])) == {
        "P": [FieldChange("thresholds", "green, 5 red", "green, 2 orange, 3 red")]}


def rule(name, expr, group="g", file="f", **fields):
    key = "record" if ":" in name else "alert"
    return CompiledRule(file, group, {key: name, "expr": expr, **fields}, Source("a.py", 1))


def test_a_rule_moved_to_another_group():
    report = compare([], [], [rule("A", "up == 0", group="old")],
                     [rule("A", "up == 0", group="new")])
    [r] = report.rules
    assert r.fields == [FieldChange("group", "group old (rules/f.yml)", "group new (rules/f.yml)")]


def test_rules_with_one_name_are_matched_by_their_labels():
    old = [rule("Slow", "a > 1", labels={"tier": "fast"}),
           rule("Slow", "b > 1", labels={"tier": "slow"})]
    new = [rule("Slow", "b > 2", labels={"tier": "slow"}),
           rule("Slow", "a > 1", labels={"tier": "fast"})]
    [r] = compare([], [], old, new).rules
    assert r.fields == [FieldChange("expr", "b > 1", "b > 2")]


def test_rules_are_not_compared_with_a_side_without_them():
    report = semantic.compare(Snapshot("Grafana", None, [], None),
                              Snapshot("new", None, [], [rule("A", "up == 0")]))
    assert report.rules == [] and report.rules_compared is False
    assert report.to_json()["rules"] is None
