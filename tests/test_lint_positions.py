"""Where `dashsmith lint` and `dashsmith test` say a problem is: the line and column of the
Python that wrote it (so `--format github` annotates the right place), the same finding
build reports, and each failing alert unit test under its own file."""

from __future__ import annotations

import textwrap

from dashsmith.checks.literals import quoted_columns
from support import require_binary


def _line_of(path, needle: str) -> tuple[int, str]:
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if needle in line)
    return number, lines[number - 1]


def _replace(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_mistyped_panel_keyword_is_reported_as_build_reports_it(project, cli):
    _replace(project / "dashboards" / "ai.py", 'unit="reqpm"', 'unti="reqpm"')
    build = cli("build")
    lint = cli("lint", "--no-tools")
    expected = [line for line in build.output.splitlines() if "panel/options" in line]
    assert expected and expected[0].startswith("dashboards/ai.py:")
    assert lint.exit_code == 1
    assert lint.output.splitlines()[0] == expected[0]
    assert "unexpected keyword argument 'unti'" in expected[0]
    assert str(project) not in lint.output and "dashboard/layout" not in lint.output


def test_a_query_error_points_at_its_character_in_the_python_file(project, cli):
    dashboard = project / "dashboards" / "ai.py"
    _replace(dashboard, "(JOB, RATE)}) * 60", "(JOB, RATE)}) * * 60")
    line, text = _line_of(dashboard, "* * 60")
    result = cli("lint", "--no-tools", "--format", "github")
    column = text.index("* 60") + 1  # the second operator has nothing before it
    assert (f"::error file=dashboards/ai.py,line={line},col={column},title=promql/syntax::"
            in result.stdout), result.stdout


def test_a_multi_line_alert_expression_error_points_at_its_line_and_column(project, cli):
    alerts = project / "alerts" / "ai.py"
    _replace(alerts, "matching=AI.rate_limited)})", "matching=AI.rate_limited)}")
    line, text = _line_of(alerts, "matching=AI.rate_limited)}")
    result = cli("lint", "--no-tools")
    column = text.index("({AI.errors") + 1  # the parenthesis left open
    assert (f"alerts/ai.py:{line}:{column}: error rule/expr cannot parse: unclosed left "
            "parenthesis") in result.output, result.output


def test_a_comment_at_the_call_still_suppresses_a_finding_inside_it(project, cli):
    (project / "alerts" / "cost.py").write_text(textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        cost = RuleGroup("cost", [
            # dashsmith: disable=catalog/unknown-metric -- exported by the billing job
            Alert(
                "BillingCostHigh",
                expr="""
                  sum(rate(billing_cost_usd_total[5m])) > 1
                """,
                for_="10m",
                severity="warning",
                summary="Spend is high.",
                description="{{ $value }} USD per second.",
            ),
        ])
        '''))
    result = cli("lint", "--no-tools")
    assert "catalog/unknown-metric" not in result.output
    assert "unused-suppression" not in result.output


def test_a_refresh_below_grafanas_minimum_is_an_error_at_the_dashboard(project, cli):
    dashboard = project / "dashboards" / "ai.py"
    _replace(dashboard, 'uid="ai-llm",', 'uid="ai-llm",\n    refresh="1s",')
    line, _ = _line_of(dashboard, "dashboard = Dashboard(")
    result = cli("lint", "--no-tools")
    assert result.exit_code == 1
    assert (f"dashboards/ai.py:{line}:1: error dashboard/refresh refresh '1s' is shorter than "
            "Grafana's minimum") in result.output


def test_a_failing_alert_test_is_shown_under_its_file(project, cli):
    require_binary("promtool")
    tests = project / "alerts" / "tests" / "ai.test.yml"
    _replace(tests, "exp_alerts: []", "exp_alerts: [{exp_labels: {severity: warning}}]")
    result = cli("test")
    assert result.exit_code == 1
    assert "alerts/tests/node.test.yml: ok (" in result.output
    ai = result.output.split("\nFAILED alerts/tests/ai.test.yml\n")[1]
    assert "name: 10% of calls fail" in ai and "AIErrorRatioHigh" in ai
    assert result.output.splitlines()[-1].startswith("1 failed, 4 passed (5 test files")


def test_a_json_string_with_escapes_maps_each_character_to_its_column():
    line = '  "expr": "up{job=\\"a\\"}\\n > 0",'
    value, columns = quoted_columns(line, line.index('"up') + 2, '"')
    assert value == 'up{job="a"}\n > 0'
    assert [line[c - 1] for c in columns[:8]] == list('up{job=\\"')[:7] + ["\\"]
    assert line[columns[value.index(">")] - 1] == ">"


def test_a_single_quoted_yaml_value_reads_a_doubled_quote_as_one():
    line = "    expr: 'up{job=''a''} > 0'"
    value, columns = quoted_columns(line, line.index("'up") + 2, "'")
    assert value == "up{job='a'} > 0"
    assert line[columns[value.index(">")] - 1] == ">"


def test_json_objects_know_their_line_and_offset_whatever_their_strings_hold():
    from dashsmith.linter import locate

    # Braces and escaped quotes inside strings are text; a minified line holds many objects.
    text = ('{"title": "a \\"{quoted}\\" brace \\\\", "panels": [\n'
            '  {"expr": "sum(x{job=\\"a\\"})", "gridPos": {"x": 1}},\n'
            '{"a": {}}, {"b": "}"}]}\n')
    data = locate.load_json(text)
    first, second, third = data["panels"]
    assert (data.line, data.offset) == (1, 0)
    assert (first.line, first.offset) == (2, text.index('{"expr"'))
    assert (first["gridPos"].line, first["gridPos"].offset) == (2, text.index('{"x"'))
    assert (second.line, second["a"].line, third.line) == (3, 3, 3)
    assert third.offset == text.index('{"b"')
    assert first["expr"] == 'sum(x{job="a"})'
    # No braces at all: read at once, not tried again at every character after the last one.
    assert locate.load_json("[" + ", ".join(["1"] * 200_000) + "]")[-1] == 1
