"""Issue 18, `dashsmith test` as promtool test rules and pytest report: one line per test file,
the failures in full and a summary last (where a terminal leaves them in view), the routing
table only with -v, --run REGEX and --junit FILE; and one YAML slip in a test file is one
finding, not a warning for every alert the file tests. The real CLI on a copy of the project."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from support import require_binary

FAILING_GROUP = "10% of calls fail - warning after 10m, critical stays silent"


@pytest.fixture(autouse=True)
def _promtool():
    require_binary("promtool")


def break_a_case(project) -> None:
    """AIErrorRatioHigh's first case expects it to fire at 10m, before its `for: 10m`."""
    path = project / "alerts/tests/ai.test.yml"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "exp_alerts: []")
    lines[at] = lines[at].replace("exp_alerts: []",
                                  "exp_alerts: [{exp_labels: {severity: warning}}]")
    path.write_text("".join(lines))


def slip_yaml(project) -> int:
    """A line indented one space short; returns its line number."""
    path = project / "alerts/tests/ai.test.yml"
    text = path.read_text().replace("    interval: 1m\n", "    interval: 1m\n   bad: [unclosed\n",
                                    1)
    path.write_text(text)
    return text[:text.index("   bad:")].count("\n") + 1


def test_a_clean_run_is_one_line_per_file_and_a_summary(shipped_test):
    result = shipped_test()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("alerts/tests/ai.test.yml: ok (")
    assert lines[-1].startswith("5 passed (5 test files, ")
    assert lines[-1].endswith("receivers (-v lists them)")
    assert " → " not in result.output  # the routing table waits for -v


def test_the_failure_comes_last_with_a_summary_and_the_routing_table_only_with_v(cli, project):
    break_a_case(project)
    result = cli("test")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("alerts/tests/ai.test.yml: FAILED (1 of ")
    failure = lines.index("FAILED alerts/tests/ai.test.yml")
    assert lines[failure + 2].strip() == f"name: {FAILING_GROUP},"
    assert "alertname: AIErrorRatioHigh, time: 10m," in lines[failure + 3]
    assert lines[-1].startswith("1 failed, 4 passed (5 test files, ")
    assert "1 group failed" in lines[-1]
    assert " → " not in result.output

    # -v on the same failure: the layout (the table, then the failure) needs only the failing
    # group to run, which --run chooses (the whole run's report is asserted above).
    verbose = cli("test", "-v", "--run", f"^{re.escape(FAILING_GROUP)}$")
    assert verbose.exit_code == 1
    table = verbose.output.index("  AIErrorRatioHigh {alertname=AIErrorRatioHigh")
    assert table < verbose.output.index("FAILED alerts/tests/ai.test.yml")


def test_run_chooses_test_groups_by_name(cli, project):
    break_a_case(project)
    chosen = cli("test", "--run", "below both thresholds")
    assert chosen.exit_code == 0, chosen.output
    assert chosen.output.splitlines()[0] == "alerts/tests/ai.test.yml: ok (1 group)"
    assert "(1 test file, 1 groups; 4 files with no group --run chose)" in chosen.output

    failing = cli("test", "--run", "^10% of calls")
    assert failing.exit_code == 1
    assert "FAILED alerts/tests/ai.test.yml" in failing.output

    none = cli("test", "--run", "no group is called this")
    assert none.exit_code == 1
    assert "no test group matches --run 'no group is called this'" in none.output

    wrong = cli("test", "--run", "(")
    assert wrong.exit_code == 2
    assert "--run" in wrong.output and "not a regular expression" in wrong.output


def test_junit_has_a_case_per_group_and_the_failure_under_its_group(cli, project, tmp_path):
    break_a_case(project)
    report = tmp_path / "junit.xml"
    result = cli("test", "--junit", str(report))
    assert result.exit_code == 1
    root = ET.parse(report).getroot()
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"alerts/tests/ai.test.yml", "alerts/tests/node.test.yml",
                           "alerts/tests/postgres.test.yml", "alerts/tests/slo.test.yml",
                           "alerts/tests/tradingagents.test.yml", "routing"}
    ai = suites["alerts/tests/ai.test.yml"]
    cases = {case.get("name"): case for case in ai}
    assert ai.get("tests") == str(len(cases)) and ai.get("failures") == "1"
    failure = cases[FAILING_GROUP].find("failure")
    assert failure is not None and "alertname: AIErrorRatioHigh, time: 10m" in failure.text
    assert [name for name, case in cases.items() if case.find("failure") is not None] == \
        [FAILING_GROUP]
    assert suites["routing"].get("failures") == "0"


def test_one_yaml_slip_is_one_finding(cli, project):
    line = slip_yaml(project)
    linted = cli("lint", "--no-tools")
    assert linted.exit_code == 1
    findings = [text for text in linted.output.splitlines() if ": error " in text
                or ": warning " in text]
    slip = (f"alerts/tests/ai.test.yml:{line}:4: error file/parse invalid YAML: did not find "
            "expected '-' indicator")
    assert findings == [slip]

    tested = cli("test")
    assert tested.exit_code == 1
    assert tested.output.splitlines()[0] == \
        "alerts/tests/ai.test.yml: FAILED (the file could not be run)"
    assert tested.output.count("did not find expected '-' indicator") == 1
    assert f"\n{slip}\n" in tested.output  # at the slip, as lint says it
    assert "test/coverage" not in tested.output
