"""Bad declarations: an error naming the Python file and line, exit 2, nothing written."""

from __future__ import annotations

import os
import textwrap

import pytest


def write(project, relative: str, text: str) -> None:
    (project / relative).write_text(textwrap.dedent(text))


def line_of(project, relative: str, needle: str) -> int:
    lines = (project / relative).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.fixture
def built_before(cli, project):
    """A good build already in place: a failing build must leave it exactly as it was."""
    assert cli("build").exit_code == 0
    marker = project / "build/rules/ai.yml"
    return marker, marker.read_bytes()


def assert_refused(cli, project, built_before, *expected: str):
    result = cli.subprocess("build")
    assert result.returncode == 2, result.stdout + result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "nothing was written" in result.stderr
    marker, content = built_before
    assert marker.read_bytes() == content
    leftovers = [n for n in os.listdir(project) if n.startswith(".build")]
    assert leftovers == []
    return result.stderr


def test_module_that_fails_to_import(cli, project, built_before):
    write(project, "dashboards/broken.py", """\
        from dashsmith import Dashboard

        WIDTH = 12
        dashboard = Dashboard(uid="x", title="X", folder="F", rows=[], colour=WIDTH)
    """)
    assert_refused(cli, project, built_before,
                   "dashboards/broken.py:4:64: error declaration/import",  # at colour=
                   "unexpected keyword argument 'colour'")


def test_module_with_a_syntax_error(cli, project, built_before):
    write(project, "alerts/broken.py",
          "from dashsmith import Alert\n\nrules = [Alert('X', expr=)]\n")
    assert_refused(cli, project, built_before, "alerts/broken.py:3:", "declaration/import")


def test_two_dashboards_with_one_uid(cli, project, built_before):
    write(project, "dashboards/copy.py", """\
        from dashsmith import Dashboard, stat

        dashboard = Dashboard(
            uid="ai-llm",
            title="Copy",
            folder="F",
            rows=[stat("Up", "up", unit="short", description="d", legend="x")],
        )
    """)
    first = line_of(project, "dashboards/ai.py", "dashboard = Dashboard(")
    stderr = assert_refused(cli, project, built_before, "dashboard/duplicate-uid", "'ai-llm'")
    assert "dashboards/copy.py:3:1" in stderr or f"dashboards/ai.py:{first}:1" in stderr
    assert "dashboards/copy.py:3" in stderr and f"dashboards/ai.py:{first}" in stderr


def test_invalid_uid(cli, project, built_before):
    write(project, "dashboards/bad_uid.py", """\
        from dashsmith import Dashboard, stat

        dashboard = Dashboard(uid="not a valid uid!", title="Bad", folder="F",
                              rows=[stat("Up", "up", unit="short", description="d", legend="x")])
    """)
    assert_refused(cli, project, built_before, "dashboards/bad_uid.py:3:1: error dashboard/uid",
                   "'not a valid uid!'")


def test_uid_longer_than_40_characters(cli, project, built_before):
    write(project, "dashboards/long_uid.py", f"""\
        from dashsmith import Dashboard, stat

        dashboard = Dashboard(uid="{'a' * 41}", title="Long", folder="F",
                              rows=[stat("Up", "up", unit="short", description="d", legend="x")])
    """)
    assert_refused(cli, project, built_before, "dashboards/long_uid.py:3:1: error dashboard/uid")


def test_rule_with_neither_alert_nor_record(cli, project, built_before):
    write(project, "alerts/raw.py", """\
        from dashsmith import RuleGroup

        raw = RuleGroup("raw", [
            {"alert": "Fine", "expr": "up == 0", "for": "5m"},
            {"expr": "up == 0"},
        ])
    """)
    assert_refused(cli, project, built_before, "alerts/raw.py:3:1: error rule/kind",
                   "rule #2 of group 'raw' has neither 'alert' nor 'record'")


def test_panel_without_a_target(cli, project, built_before):
    write(project, "dashboards/empty_panel.py", """\
        from dashsmith import Dashboard, Row, timeseries

        dashboard = Dashboard(
            uid="empty-panel", title="Empty", folder="F",
            rows=[Row("Only", [
                timeseries("Nothing to show", unit="short", description="d"),
            ])],
        )
    """)
    assert_refused(cli, project, built_before,
                   "dashboards/empty_panel.py:6:1: error panel/no-targets",
                   "'Nothing to show'")


def test_every_problem_is_reported_at_once(cli, project, built_before):
    write(project, "dashboards/two_problems.py", """\
        from dashsmith import Dashboard, timeseries

        first = Dashboard(uid="bad uid", title="A", folder="F",
                          rows=[timeseries("Empty", unit="short", description="d")])
    """)
    stderr = assert_refused(cli, project, built_before, "dashboard/uid", "panel/no-targets")
    assert "2 problem(s)" in stderr


def test_no_project_is_a_clear_error(tmp_path):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "dashsmith", "build"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "no setup.cfg with a [dashsmith] section" in result.stderr


def test_unknown_setting_names_its_line(cli, project, built_before):
    text = (project / "setup.cfg").read_text()
    (project / "setup.cfg").write_text(
        text.replace("[dashsmith]\n", "[dashsmith]\ndashbords = x\n", 1))
    line = (project / "setup.cfg").read_text().splitlines().index("dashbords = x") + 1
    result = cli("build")
    assert result.exit_code == 2
    assert f"setup.cfg:{line}:1: unknown setting 'dashbords' in [dashsmith]" in result.output
    marker, content = built_before
    assert marker.read_bytes() == content


def test_an_option_grafanalib_rejects_names_the_panel_line(cli, project, built_before):
    write(project, "dashboards/bad_option.py", """\
        from dashsmith import Dashboard, Row, timeseries

        dashboard = Dashboard(
            uid="bad-option", title="Bad option", folder="F",
            rows=[Row("Only", [
                timeseries("Fill", "up", unit="short", description="d", legend="x", fill="lots"),
            ])],
        )
    """)
    assert_refused(cli, project, built_before, "dashboards/bad_option.py:6:1: error panel/options",
                   "panel 'Fill'")


def test_a_dashboard_that_cannot_be_laid_out_names_the_dashboard_line(cli, project, built_before):
    write(project, "dashboards/wide.py", """\
        from dashsmith import Dashboard, Row, timeseries

        dashboard = Dashboard(
            uid="wide", title="Wide", folder="F",
            rows=[Row("Only", [
                timeseries("Up", "up", unit="short", description="d", legend="x", width="wide"),
            ])],
        )
    """)
    stderr = assert_refused(cli, project, built_before,
                            "dashboards/wide.py:3:1: error dashboard/layout dashboard 'wide' "
                            "cannot be rendered: TypeError:")
    assert "Traceback" not in stderr and "1 problem(s)" in stderr


@pytest.mark.parametrize("query", ['""', '"   "', 'Query("", legend="x")'])
def test_panel_with_a_blank_query(cli, project, built_before, query):
    write(project, "dashboards/blank_query.py", f"""\
        from dashsmith import Dashboard, Query, Row, timeseries

        dashboard = Dashboard(
            uid="blank-query", title="Blank", folder="F",
            rows=[Row("Only", [
                timeseries("Up", "up", legend="x", unit="short", description="d"),
                timeseries("Blank", {query}, unit="short", description="d"),
            ])],
        )
    """)
    assert_refused(cli, project, built_before,
                   "dashboards/blank_query.py:7:1: error panel/no-targets",
                   "panel 'Blank' has an empty query")


def test_a_blank_query_of_another_data_source_builds(cli, project):
    write(project, "dashboards/other_source.py", """\
        from dashsmith import Dashboard, Query, Row, timeseries

        dashboard = Dashboard(
            uid="other-source", title="Other", folder="F",
            rows=[Row("Only", [
                timeseries("Random walk", Query("", datasource={"type": "testdata", "uid": "t"}),
                           unit="short", description="d"),
            ])],
        )
    """)
    assert cli("build").exit_code == 0


def test_a_module_imported_everywhere_is_reported_once(cli, project, built_before):
    path = project / "metrics/config.py"
    path.write_text(path.read_text() + "BROKEN = (\n")
    line = len(path.read_text().splitlines())
    stderr = assert_refused(cli, project, built_before,
                            f"metrics/config.py:{line}:", "declaration/import")
    assert stderr.count("declaration/import") == 1, stderr
    assert "1 problem(s)" in stderr


def test_a_typo_in_a_module_other_modules_import_is_reported_once(cli, project, built_before):
    path = project / "alerts/ai.py"
    path.write_text(path.read_text().replace("severity=", "severtiy=", 1))
    stderr = assert_refused(cli, project, built_before, "alerts/ai.py:",
                            "unexpected keyword argument 'severtiy'")
    assert stderr.count("severtiy") == 1, stderr
    assert "1 problem(s)" in stderr


def alert_module(project, group: str) -> None:
    write(project, "alerts/loadable.py", f"""\
        from dashsmith import Alert, Record, RuleGroup

        group = {group}
    """)


@pytest.mark.parametrize("group, expected", [
    ('RuleGroup("g", [Alert("A", expr="up == 0", for_="10 minutes")])',
     "alert 'A': for '10 minutes' is not a Prometheus duration"),
    ('RuleGroup("g", [Alert("A", expr="up == 0", for_="5m", keep_firing_for="30m1h")])',
     "alert 'A': keep_firing_for '30m1h' is not a Prometheus duration"),
    ('RuleGroup("g", [Alert("A", expr="up == 0", for_="5m")], interval="1 min")',
     "rule group 'g': interval '1 min' is not a Prometheus duration"),
    ('RuleGroup("g", [Alert("A", expr="up == 0", for_="5m", labels={"team-x": "a"})])',
     "alert 'A': label name 'team-x' is invalid"),
    ('RuleGroup("g", [Alert("A", expr="up == 0", for_="5m", annotations={"run book": "a"})])',
     "alert 'A': annotation name 'run book' is invalid"),
    ('RuleGroup("g", [Record("job-x:up", "up")])',
     "record 'job-x:up' is not a valid metric name"),
    ('RuleGroup("g", [Record("job:up", "up", labels={"__name__": "x"})])',
     "record 'job:up': label name '__name__' is invalid"),
    ('RuleGroup("g", [{"alert": "A", "expr": "up == 0", "for": 300}])',
     "alert 'A': for 300 is not a Prometheus duration"),
    # A field Prometheus does not know is named, not dropped on the way to the model.
    ('RuleGroup("g", [{"alert": "A", "expr": "up == 0", "annotation": {"summary": "x"}}])',
     "alert 'A': 'annotation' is no field of an alerting rule"),
    ('RuleGroup("g", [{"record": "job:up", "expr": "up", "for": "5m"}])',
     "record 'job:up': 'for' is no field of a recording rule"),
])
def test_a_rule_prometheus_would_not_load(cli, project, built_before, group, expected):
    with open(project / "setup.cfg", "a") as handle:  # Prometheus 3 takes UTF-8 names
        handle.write("\n[dashsmith.lint]\nprometheus = 2\n")
    alert_module(project, group)
    assert_refused(cli, project, built_before, "alerts/loadable.py:3:1: error rule/format",
                   expected)


def test_two_groups_of_one_name_in_a_module(cli, project, built_before):
    write(project, "alerts/loadable.py", """\
        from dashsmith import Alert, RuleGroup

        first = RuleGroup("g", [Alert("A", expr="up == 0", for_="5m")])
        second = RuleGroup("g", [Alert("B", expr="up == 1", for_="5m")])
    """)
    assert_refused(cli, project, built_before, "alerts/loadable.py:4:1: error rule/format",
                   "rule group 'g' is declared twice in one rule file (first at "
                   "alerts/loadable.py:3:1)")


def test_a_severity_outside_the_policy_still_builds(cli, project):
    alert_module(project, 'RuleGroup("g", [Alert("A", expr="up == 0", for_="1h30m", '
                          'severity="warn")])')
    assert cli("build").exit_code == 0
    assert "severity: warn" in (project / "build/rules/loadable.yml").read_text()


def test_the_other_declaration_is_named_relative_to_the_project(cli, project, built_before):
    write(project, "dashboards/copy.py", """\
        from dashsmith import Dashboard

        dashboard = Dashboard(uid="ai-llm", title="Copy", folder="F", rows=[])
    """)
    write(project, "metrics/copy.py", """\
        from dashsmith import Counter

        metrics = [Counter("ai_errors_total", "Again.", exporter="x")]
    """)
    ai_dashboard = line_of(project, "dashboards/ai.py", "dashboard = Dashboard(")
    ai_metric = line_of(project, "metrics/ai.py", 'Counter("ai_errors_total"')
    stderr = assert_refused(cli, project, built_before,
                            f"is also used at dashboards/ai.py:{ai_dashboard}:1",
                            f"(first at metrics/ai.py:{ai_metric}:1)")
    assert str(project) not in stderr
