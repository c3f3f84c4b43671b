"""Lint of many files at once is checked by several processes (linter/runner.py): the findings
are the same whichever way the work is dealt out, also those that compare one rule file's
groups or one file's rules with another's, and a process that fails costs only time. Run as a
process, lint writes all of it and exits with its status without the interpreter's teardown
(cli.LazyGroup.main)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from dashsmith.checks.rules import alert_summary
from dashsmith.linter import engine, runner

GROUPS, RULES_PER_GROUP = 40, 16  # 640 rules: enough work for two processes by default


def _rule(group: int, index: int) -> dict:
    name = f"Alert{group}x{index}"
    return {"alert": name, "expr": f"sum by (job) (rate(errors_total{{group=\"{group}\"}}[5m]))"
                                   f" > {index}",
            "for": "5m", "labels": {"severity": "warning"},
            "annotations": {"summary": f"{name} fires",
                            "description": "{{ $labels.job }} fails at {{ $value }}/s"}}


def _rule_file(path) -> None:
    groups = [{"name": f"group-{g}", "rules": [_rule(g, i) for i in range(RULES_PER_GROUP)]}
              for g in range(GROUPS)]
    # What the parts of the file must see together: a rule of the first group again in the
    # last group, a group name of the first half again in the second, and a record split by
    # disjoint matchers (no duplicate) across them.
    groups[-1]["rules"].append(_rule(0, 3))
    groups[-2]["name"] = "group-1"
    groups[0]["rules"].append({"record": "job:requests:rate5m",
                               "expr": 'sum by (job) (rate(requests_total{code=~"2.."}[5m]))'})
    groups[-3]["rules"].append({"record": "job:requests:rate5m",
                                "expr": 'sum by (job) (rate(requests_total{code=~"5.."}[5m]))'})
    # Findings in the second half: an expression that does not parse, a missing summary, an
    # impossible label.
    groups[-4]["rules"][2]["expr"] = "sum(rate(errors_total[5m]) > 1"
    del groups[-5]["rules"][1]["annotations"]["summary"]
    groups[-6]["rules"][0]["expr"] = "sum by (job) (up) > on (instance) group_left up"
    path.write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))


def _dashboard(uid: str, title: str) -> dict:
    return {"uid": uid, "title": title, "panels": [
        {"id": i, "type": "timeseries", "title": f"Panel {i}", "gridPos": {"x": 0, "y": i * 8,
                                                                             "w": 12, "h": 8},
         "targets": [{"refId": "A", "expr": f"rate(requests_total{{panel=\"{i}\"}}[5m])"}]}
        for i in range(30)]}


@pytest.fixture
def files(tmp_path):
    rules = tmp_path / "all.rules.yml"
    _rule_file(rules)
    dashboards = []
    for number in range(12):  # the last one reuses the first one's uid
        path = tmp_path / f"dashboard-{number}.json"
        path.write_text(json.dumps(_dashboard("first" if number in (0, 11) else f"d{number}",
                                              f"Dashboard {number}"), indent=2))
        dashboards.append(str(path))
    return [str(rules), *dashboards]


def _findings(problems) -> list[tuple]:
    return [(p.source.file, p.source.line, p.source.column, p.rule, str(p.severity), p.message)
            for p in problems]


def test_two_or_three_processes_find_what_one_does(files):
    alone = _findings(engine.lint_paths(files, workers=1))
    rules = {finding[3] for finding in alone}
    # What only comparing the parts finds, and findings of the second half.
    assert {"rule/duplicate", "rule/format", "dashboard/duplicate-uid", "rule/expr",
            "alert/summary", "promql/impossible"} <= rules
    assert not any("job:requests:rate5m" in finding[5] for finding in alone)
    assert _findings(engine.lint_paths(files, workers=2)) == alone
    assert _findings(engine.lint_paths(files, workers=3)) == alone


def test_a_rule_file_is_split_between_its_groups(files):
    from dashsmith.linter import inputs

    doc = inputs.from_paths(files[:1]).rule_files[0]
    parts = runner._parts(doc, 2)
    assert 2 < len(parts) <= 2 * runner.PARTS_PER_WORKER
    assert [g for part in parts for g in part.groups] == doc.groups
    assert [r for part in parts for r in part.rules] == doc.rules
    assert all(part.groups and part.rules for part in parts)


def test_a_process_that_fails_costs_only_time(files, monkeypatch):
    alone = _findings(engine.lint_paths(files, workers=1))
    parent = os.getpid()
    summary = alert_summary.AlertSummary.rule

    def fails_in_a_child(self, rule, context):
        if os.getpid() != parent:
            raise RuntimeError("a bug that shows only in the child")
        return summary(self, rule, context)

    monkeypatch.setattr(alert_summary.AlertSummary, "rule", fails_in_a_child)
    assert _findings(engine.lint_paths(files, workers=2)) == alone


def test_by_default_a_large_lint_uses_the_idle_cpus_there_are(files, monkeypatch):
    from dashsmith.linter import inputs

    work = runner.work_of(inputs.from_paths(files))
    assert work > 2 * runner.WORK_PER_WORKER
    cpus = len(os.sched_getaffinity(0))
    monkeypatch.setattr(runner, "_idle_cpus", lambda cpus: cpus)  # a machine at rest
    # a lint process has one thread; this one may have more (servers other tests started)
    monkeypatch.setattr(runner.threading, "active_count", lambda: 1)
    assert runner.workers_for(work) == min(cpus, work // runner.WORK_PER_WORKER)
    assert runner.workers_for(runner.WORK_PER_WORKER - 1) == 1
    monkeypatch.setattr(runner, "_idle_cpus", lambda cpus: cpus - 3)  # busy with others
    assert runner.workers_for(work) == 1
    monkeypatch.setattr(runner, "_idle_cpus", lambda cpus: cpus)
    monkeypatch.setattr(runner.threading, "active_count", lambda: 2)  # forking threads: unsafe
    assert runner.workers_for(work) == 1


def test_a_cpu_is_idle_when_nothing_else_runs_on_it():
    # This test's own process is running: it is not counted against the CPUs.
    with open("/proc/loadavg", encoding="ascii") as handle:
        running = int(handle.read().split()[3].split("/")[0])
    idle = runner._idle_cpus(64)
    assert idle <= 64
    assert abs(idle - (64 - (running - 1))) <= 8  # other processes come and go meanwhile


def test_lint_as_a_process_writes_every_finding_and_its_status(files, tmp_path):
    alone = engine.lint_paths(files, workers=1)
    result = subprocess.run([sys.executable, "-m", "dashsmith", "lint", "--no-tools", "--format",
                             "json", *files], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert [(p["rule"], p["line"], p["message"]) for p in found] == \
        [(p.rule, p.source.line, p.message) for p in alone]
    clean = tmp_path / "clean.rules.yml"
    clean.write_text(yaml.safe_dump({"groups": [{"name": "g", "rules": [
        {**_rule(0, 0), "annotations": {**_rule(0, 0)["annotations"],
                                        "runbook_url": "https://example.com/r#alert0x0"}}]}]}))
    result = subprocess.run([sys.executable, "-m", "dashsmith", "lint", "--no-tools",
                             str(clean)], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "no problems\n")


def test_json_findings_are_written_as_the_standard_library_writes_them():
    from dashsmith.commands.problem_formats import as_json
    from dashsmith.model.problems import Problem, Severity
    from dashsmith.model.source import Source

    for message in ("plain \"quoted\" \\ {{ $labels.x }}\n\t", "non-ASCII: é → ✓", "DEL \x7f"):
        problems = [Problem("alert/summary", Severity.WARNING, message, Source("a.yml", 3, 0))]
        expected = json.dumps([{"path": "a.yml", "line": 3, "column": 1, "severity": "warning",
                                "rule": "alert/summary", "message": message}], indent=2)
        assert as_json(problems) == expected
    assert as_json([]) == "[]"


def test_the_fast_exit_key_is_one_name_in_cli_and_in_the_commands():
    # cli.py imports no command module, so the key is written twice; a typo in either would
    # silently turn the fast exit off
    from dashsmith import cli
    from dashsmith.commands import commandline

    assert cli.EXIT_WITHOUT_TEARDOWN == commandline.EXIT_WITHOUT_TEARDOWN
