"""The lint corpus: tests/lint_cases/<rule>.yml holds, per rule, inputs it must catch (`fail`,
each with exactly one finding, of that rule) and inputs that must pass with no finding at all.

A case names one input, filled out to a complete, otherwise clean dashboard or rule file:
  panel: EXPR | {expr, legend, instant, interval, ...panel fields}   one panel, one query
  variable: QUERY | {...variable fields}                             one template variable
  dashboard: {...dashboard fields}   (its panels are filled out like `panel`)
  rule: EXPR | {...rule fields}      an alert (a record when it has `record:`)
  rules: [...]                       several rules in one group
  file: {name, text}                 a file as it is
  files: [{name, text}, ...]         several files, linted as a directory (text may be JSON data)
and may check the finding: `message` (a substring), `line`, `column` (in the file written:
JSON indented by 2, so a panel's expression starts on line 28 at column 20).
Queries are checked against the catalog in tests/lint_cases/metrics/.
"""

from __future__ import annotations

import copy
import json
import os
import shutil

import pytest
import yaml

from dashsmith.lint import lint_paths
from dashsmith.lint.rules import ALL
from dashsmith.project import Project

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lint_cases")
# Rules about the declared estate, suppressions and tools, tested in their own test modules.
NOT_FILE_RULES = {"declaration/import", "catalog/duplicate", "dashboard/folder",
                  "dashboard/layout", "panel/options", "lint/config", "lint/unused-suppression",
                  "promtool/check-rules", "test/coverage", "test/unknown-alert",
                  "test/rule-files"}

ALERT = {
    "alert": "CaseAlert", "expr": "up == 0", "for": "5m", "labels": {"severity": "warning"},
    "annotations": {"summary": "The case fails.", "description": "The case fails on purpose.",
                    "runbook_url": "https://example.com/runbook.md#casealert"},
}
PANEL = {
    "id": 1, "type": "timeseries", "title": "Case panel", "description": "A case.",
    "datasource": {"type": "prometheus", "uid": "${datasource}"},
    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
    "fieldConfig": {"defaults": {"unit": "short"}},
    "targets": [{"refId": "A", "expr": "sum(up)", "legendFormat": "__auto", "range": True}],
}
DASHBOARD = {
    "uid": "case", "title": "Case", "panels": [],
    "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus",
                             "label": "Data source"}]},
}
TARGET_KEYS = {"expr": "expr", "legend": "legendFormat", "instant": "instant",
               "interval": "interval", "range": "range", "target_datasource": "datasource"}


def _corpus():
    for name in sorted(os.listdir(CASES)):
        if name.endswith(".yml"):
            with open(os.path.join(CASES, name), encoding="utf-8") as handle:
                yield name, yaml.safe_load(handle)


CORPUS = list(_corpus())


def _cases():
    for file_name, spec in CORPUS:
        for outcome in ("fail", "pass"):
            for index, case in enumerate(spec.get(outcome) or []):
                label = case.get("name") or f"{outcome}{index}"
                yield pytest.param(spec["rule"], outcome, case, id=f"{file_name}:{label}")


@pytest.fixture(scope="module")
def case_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("lint-cases")
    (root / "setup.cfg").write_text("[dashsmith]\nscrape_interval = 15s\n")
    shutil.copytree(os.path.join(CASES, "metrics"), root / "metrics",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for package in ("dashboards", "alerts"):
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
    return Project(str(root))


@pytest.mark.parametrize("rule, outcome, case", list(_cases()))
def test_case(rule, outcome, case, case_project, tmp_path):
    path = _write(case, tmp_path)
    problems = lint_paths([path], case_project)
    shown = "\n".join(str(p) for p in problems)
    if outcome == "pass":
        assert problems == [], f"expected no finding, got:\n{shown}"
        return
    assert [p.rule for p in problems] == [rule], f"expected one {rule} finding, got:\n{shown}"
    problem = problems[0]
    if "message" in case:
        assert case["message"] in problem.message
    if "line" in case:
        assert problem.source.line == case["line"]
    if "column" in case:
        assert problem.source.column == case["column"]
    assert "__var_" not in problem.message and "3141592" not in problem.message


def test_every_rule_has_cases():
    covered = {}
    for _, spec in CORPUS:
        counts = covered.setdefault(spec["rule"], [0, 0])
        counts[0] += len(spec.get("fail") or [])
        counts[1] += len(spec.get("pass") or [])
    for rule in ALL:
        if rule.id in NOT_FILE_RULES or rule.id.startswith("routing/"):
            continue  # tested in their own modules (routing: tests/test_routing*.py)
        fails, passes = covered.get(rule.id, (0, 0))
        assert fails and passes, f"{rule.id} needs failing and passing cases in lint_cases/"
    assert set(covered) <= {rule.id for rule in ALL}, "a case file names an unknown rule"


# --- filling a case out to a file -------------------------------------------------------------

def _write(case: dict, directory) -> str:
    if "files" in case:
        for spec in case["files"]:
            text = spec["text"] if isinstance(spec["text"], str) else json.dumps(spec["text"])
            (directory / spec["name"]).write_text(text)
        return str(directory)
    if "file" in case:
        path = directory / case["file"]["name"]
        path.write_text(case["file"]["text"])
        return str(path)
    if "rule" in case or "rules" in case:
        rules = case["rules"] if "rules" in case else [case["rule"]]
        data = {"groups": [{"name": "cases", "rules": [_rule(r) for r in rules]}]}
        path = directory / "rules.yml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return str(path)
    path = directory / "dashboard.json"
    path.write_text(json.dumps(_dashboard(case), indent=2))
    return str(path)


def _rule(rule) -> dict:
    if isinstance(rule, str):
        rule = {"expr": rule}
    if "record" in rule:
        return dict(rule)
    return {**copy.deepcopy(ALERT), **rule}


def _dashboard(case: dict) -> dict:
    dashboard = copy.deepcopy(DASHBOARD)
    if "panel" in case:
        dashboard["panels"] = [_panel(case["panel"])]
    if "variable" in case:
        variable = case["variable"]
        if isinstance(variable, str):
            variable = {"name": "v", "type": "query", "query": variable,
                        "datasource": {"type": "prometheus", "uid": "${datasource}"}}
        dashboard["templating"]["list"].append(variable)
        dashboard["panels"] = [_panel({})]
    if "dashboard" in case:
        overrides = dict(case["dashboard"])
        panels = overrides.pop("panels", None)
        dashboard.update(overrides)
        if panels is not None:
            dashboard["panels"] = [_panel(p) for p in panels]
    return dashboard


def _panel(spec) -> dict:
    if isinstance(spec, str):
        spec = {"expr": spec}
    panel = copy.deepcopy(PANEL)
    target = panel["targets"][0]
    for key, value in spec.items():
        if key in TARGET_KEYS:
            target[TARGET_KEYS[key]] = value
        elif key == "unit":
            panel["fieldConfig"]["defaults"]["unit"] = value
        elif value is None:
            panel.pop(key, None)
        else:
            panel[key] = value
    return panel
