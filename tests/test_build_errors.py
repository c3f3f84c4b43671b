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
                   "dashboards/broken.py:4:1: error declaration/import",
                   "unexpected keyword argument 'colour'")


def test_module_with_a_syntax_error(cli, project, built_before):
    write(project, "alerts/broken.py", "from dashsmith import Alert\n\nrules = [Alert('X', expr=)]\n")
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
    (project / "setup.cfg").write_text(text.replace("[dashsmith]\n", "[dashsmith]\ndashbords = x\n", 1))
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
