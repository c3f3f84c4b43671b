"""The lint corpus: tests/lint_cases/<rule>.yml holds, per rule, inputs it must catch (`fail`,
each with exactly one finding, of that rule) and inputs that must pass with no finding at all,
both as files lint reads and as Python declarations: one mistake has one id, whatever the input.

A case names one input, filled out to a complete, otherwise clean dashboard or rule file:
  panel: EXPR | {expr, legend, instant, interval, ...panel fields}   one panel, one query
  variable: QUERY | {...variable fields}                             one template variable
  dashboard: {...dashboard fields}   (its panels are filled out like `panel`)
  rule: EXPR | {...rule fields}      an alert (a record when it has `record:`)
  rules: [...]                       several rules in one group
  file: {name, text}                 a file as it is
  files: [{name, text}, ...]         several files, linted as a directory (text may be JSON data)
or declarations, linted as `dashsmith lint` lints a project (and built as `dashsmith build`
builds it: a structural finding must stop the build, any other must not):
  declared: {dashboards: TEXT, alerts: TEXT, metrics: TEXT}   modules <package>/case.py
            {PATH: TEXT}   any file of the project (a key with a `/`), e.g. alerts/routing.py
                           in place of the routing every case has, or a generated module
  settings: TEXT           more of the project's setup.cfg, e.g. a [dashsmith.instrument] section
                           (also for a case of files: the project they are linted in)
and may check the finding: `message` (a substring), `line`, `column` (in the file written:
JSON indented by 2, so a panel's expression starts on line 28 at column 20; for declarations,
in the module, or in setup.cfg for a finding about a setting: `settings` starts on its line
4). Queries are checked against the catalog in tests/lint_cases/metrics/; the declarations'
project routes every alert to one webhook, and has no alert unit tests (test/coverage is
tested in test_lint_alert_tests.py).
"""

from __future__ import annotations

import copy
import json
import os
import shutil

import pytest
import yaml

from dashsmith.checks.registry import ALL, BY_ID
from dashsmith.compiler.project import Project
from dashsmith.linter.engine import lint_paths, lint_project
from dashsmith.model.problems import DeclarationError

CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lint_cases")
FILE_HOOKS = {"dashboard", "rule_file", "rule", "query"}
# Rules reported for declarations by the code that loads or renders them (no hook of theirs).
DECLARED_WITHOUT_HOOKS = {"declaration/import", "panel/options"}
# Rules whose mistake cannot be declared in Python, and why.
NOT_DECLARABLE = {
    "alert/runbook-url": "build sets runbook_url on every declared alert",
    "dashboard/overlap": "dashsmith lays declared panels out on the grid",
}
PROJECT_WIDE = {"test/coverage"}  # a snippet's alerts have no unit tests
ROUTING = '''\
from dashsmith import Receiver, Routing, Webhook

routing = Routing(receiver="cases", receivers=[Receiver("cases", [Webhook("http://cases.test/")])])
'''

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
    (root / "alerts" / "routing.py").write_text(ROUTING)
    return Project(str(root))


@pytest.mark.parametrize("rule, outcome, case", list(_cases()))
def test_case(rule, outcome, case, case_project, tmp_path):
    if "declared" in case:
        problems = _declared_findings(case, case_project, tmp_path, rule)
    elif "settings" in case:
        problems = lint_paths([_write(case, tmp_path)], _with_settings(case, case_project,
                                                                       tmp_path))
    else:
        problems = lint_paths([_write(case, tmp_path)], case_project)
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


def _with_settings(case: dict, case_project: Project, tmp_path) -> Project:
    """The cases' project with the case's `settings` added to its setup.cfg."""
    root = tmp_path / "project"
    shutil.copytree(case_project.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    with open(root / "setup.cfg", "a", encoding="utf-8") as handle:
        handle.write("\n" + case["settings"])
    return Project(str(root))


def _declared_findings(case: dict, case_project: Project, tmp_path, rule: str) -> list:
    """lint's findings for the case's modules in a project of their own; build refuses them
    exactly when one of them is structural, with the same finding."""
    root = tmp_path / "project"
    shutil.copytree(case_project.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in case["declared"].items():
        path = root / name if "/" in name else root / name / "case.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if "settings" in case:
        with open(root / "setup.cfg", "a", encoding="utf-8") as handle:
            handle.write("\n" + case["settings"])
    problems = [p for p in lint_project(Project(str(root)))
                if p.rule not in PROJECT_WIDE or p.rule == rule]
    refused = [p for p in problems if BY_ID[p.rule].structural]
    try:
        Project(str(root)).build()
    except DeclarationError as error:
        assert error.problems == refused, "build refuses other findings than lint reports"
    else:
        assert refused == [], "lint reports a finding build refuses, but build did not"
    return problems


def test_every_rule_has_cases():
    """Each rule lint reports has cases: files for a rule that looks at files, declarations
    for one that looks at declarations (and a passing one, where only declarations show it)."""
    covered: dict[tuple[str, str, str], int] = {}
    for _, spec in CORPUS:
        for outcome in ("fail", "pass"):
            for case in spec.get(outcome) or []:
                kind = "declared" if "declared" in case else "file"
                key = (spec["rule"], kind, outcome)
                covered[key] = covered.get(key, 0) + 1
    for rule in ALL:
        hooks = set(rule.hooks())
        if hooks & FILE_HOOKS:
            for outcome in ("fail", "pass"):
                assert covered.get((rule.id, "file", outcome)), \
                    f"{rule.id} needs {outcome}ing file cases in lint_cases/"
        if "declared" in hooks or rule.id in DECLARED_WITHOUT_HOOKS or \
                (hooks & FILE_HOOKS and rule.id not in NOT_DECLARABLE):
            assert covered.get((rule.id, "declared", "fail")), \
                f"{rule.id} needs a failing declared case in lint_cases/"
        if hooks == {"declared"} or rule.id in DECLARED_WITHOUT_HOOKS:
            assert covered.get((rule.id, "declared", "pass")), \
                f"{rule.id} needs a passing declared case in lint_cases/"
    assert {rule_id for rule_id, _, _ in covered} <= set(BY_ID), \
        "a case file names an unknown rule"
    assert not set(NOT_DECLARABLE) & {rule_id for rule_id, kind, _ in covered
                                     if kind == "declared"}, "NOT_DECLARABLE has a case"


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
