"""The promtool unit tests next to the alerts: lint checks they cover every alert both ways
and name real alerts; `dashsmith test` runs them against freshly compiled rules."""

from __future__ import annotations

import pytest

from dashsmith.compiler.project import Project
from dashsmith.linter.engine import lint_project
from support import Cli, require_binary

ALERTS = '''\
from dashsmith import Alert, RuleGroup

service = RuleGroup("service", [
    Alert("ServiceDown", expr='up{job="service"} == 0', for_="1m", severity="critical",
          summary="The service is down.", description="{{ $labels.instance }} is down."),
    Alert("ServiceFlapping", expr='changes(up{job="service"}[10m]) > 4', for_="1m",
          severity="warning", summary="The service flaps.", description="It flaps."),
])
'''

ROUTING = '''\
from dashsmith import Receiver, Routing, Webhook

routing = Routing(receiver="team", receivers=[Receiver("team", [Webhook("http://tickets.test/hook")])])
'''

DOWN_FIRES = '''
  - interval: 1m
    input_series:
      - series: 'up{job="service", instance="a:9100"}'
        values: '0x10'
    alert_rule_test:
      - eval_time: 5m
        alertname: ServiceDown
        exp_alerts:
          - exp_labels: {severity: critical, job: service, instance: "a:9100"}
            exp_annotations:
              summary: The service is down.
              description: a:9100 is down.
              runbook_url: docs/runbook.md#servicedown
'''
DOWN_SILENT = '''
  - interval: 1m
    input_series:
      - series: 'up{job="service", instance="a:9100"}'
        values: '1x10'
    alert_rule_test:
      - {eval_time: 5m, alertname: ServiceDown, exp_alerts: []}
      - {eval_time: 5m, alertname: ServiceFlapping, exp_alerts: []}
'''
FLAPPING_FIRES = '''
  - interval: 1m
    input_series:
      - series: 'up{job="service", instance="a:9100"}'
        values: '1 0 1 0 1 0 1 0 1 0 1'
    alert_rule_test:
      - eval_time: 10m
        alertname: ServiceFlapping
        exp_alerts:
          - exp_labels: {severity: warning, job: service, instance: "a:9100"}
            exp_annotations:
              summary: The service flaps.
              description: It flaps.
              runbook_url: docs/runbook.md#serviceflapping
'''


@pytest.fixture
def small(tmp_path):
    """A project of its own: one alerts module, the catalog's `up`, and a test file."""
    root = tmp_path / "small"
    for package in ("metrics", "dashboards", "alerts", "alerts/tests"):
        (root / package).mkdir(parents=True)
    (root / "setup.cfg").write_text("[dashsmith]\n")
    (root / "metrics" / "__init__.py").write_text("")
    (root / "metrics" / "prometheus.py").write_text(
        'from dashsmith import Gauge\n\nUP = Gauge("up", "Scrape ok.", exporter="prometheus")\n')
    (root / "dashboards" / "__init__.py").write_text("")
    (root / "alerts" / "__init__.py").write_text("")
    (root / "alerts" / "service.py").write_text(ALERTS)
    (root / "alerts" / "routing.py").write_text(ROUTING)
    return root


def _tests(root, *groups: str, rule_files: str = "[service.yml]") -> str:
    text = f"rule_files: {rule_files}\nevaluation_interval: 1m\ntests:" + "".join(groups)
    (root / "alerts" / "tests" / "service.test.yml").write_text(text)
    return text


def _found(root) -> list[tuple[str, str, int, str]]:
    return [(p.rule, p.source.file.rsplit("/", 1)[-1], p.source.line, p.message)
            for p in lint_project(Project(str(root)))]


def test_complete_tests_are_clean(small):
    _tests(small, DOWN_FIRES, DOWN_SILENT, FLAPPING_FIRES)
    assert _found(small) == []


def test_alerts_without_a_silent_case(small):
    _tests(small, DOWN_FIRES, FLAPPING_FIRES)
    found = _found(small)
    assert [f[:3] for f in found] == [("test/coverage", "service.py", 4),
                                      ("test/coverage", "service.py", 6)]
    assert all("has no unit test where it stays silent" in f[3] for f in found)


def test_an_alert_without_any_test(small):
    _tests(small, DOWN_FIRES, DOWN_SILENT)
    (finding,) = _found(small)
    assert finding[:3] == ("test/coverage", "service.py", 6)
    assert "ServiceFlapping' has no unit test where it fires" in finding[3]


def test_no_test_files_at_all(small):
    found = _found(small)
    assert [f[:3] for f in found] == [("test/coverage", "service.py", 4),
                                      ("test/coverage", "service.py", 6)]
    assert "where it fires and none where it stays silent" in found[0][3]


def test_a_test_naming_an_unknown_alert(small):
    text = _tests(small, DOWN_FIRES, DOWN_SILENT, FLAPPING_FIRES,
                  "\n  - interval: 1m\n    alert_rule_test:\n"
                  "      - {eval_time: 5m, alertname: ServiceDwn, exp_alerts: []}\n")
    line = next(i for i, text_line in enumerate(text.splitlines(), 1)
                if "ServiceDwn" in text_line)
    assert _found(small) == [("test/unknown-alert", "service.test.yml", line,
                              "test names alert 'ServiceDwn', which service.yml does not define")]


def test_rule_files_must_name_a_compiled_rule_file(small):
    _tests(small, DOWN_FIRES, DOWN_SILENT, FLAPPING_FIRES, rule_files="[../../build/rules/svc.yml]")
    found = _found(small)
    assert ("test/rule-files", "service.test.yml", 1) in [f[:3] for f in found]
    assert any("rule files: service.yml" in f[3] for f in found)


def test_a_test_file_that_does_not_parse(small):
    (small / "alerts" / "tests" / "service.test.yml").write_text("tests: [\n")
    assert ("file/parse", "service.test.yml") in [f[:2] for f in _found(small)]


def test_dashsmith_test_passes(small):
    require_binary("promtool")
    _tests(small, DOWN_FIRES, DOWN_SILENT, FLAPPING_FIRES)
    result = Cli(small)("test", "-v")
    assert result.exit_code == 0, result.output
    assert "service.test.yml: ok (" in result.output
    # Then every alert goes through the routing (listed with -v).
    assert "ServiceDown {alertname=ServiceDown,severity=critical} → team" in result.output


def test_dashsmith_test_fails_on_an_alert_that_reaches_no_one(small):
    require_binary("promtool")
    _tests(small, DOWN_FIRES, DOWN_SILENT, FLAPPING_FIRES)
    (small / "alerts" / "routing.py").write_text(ROUTING.replace(
        '[Webhook("http://tickets.test/hook")]', "[]"))
    result = Cli(small)("test")
    assert result.exit_code == 1
    assert "routing/black-hole" in result.output


def test_dashsmith_test_fails_with_promtools_report(small):
    require_binary("promtool")
    _tests(small, DOWN_FIRES.replace("description: a:9100 is down.", "description: wrong."),
           DOWN_SILENT, FLAPPING_FIRES)
    result = Cli(small)("test")
    assert result.exit_code == 1
    assert "FAILED" in result.output and "ServiceDown" in result.output


def test_dashsmith_test_without_tests(small):
    require_binary("promtool")
    result = Cli(small)("test")
    assert result.exit_code == 1
    assert "no alert unit tests" in result.output


def test_the_shipped_alert_tests_pass(shipped_test):
    require_binary("promtool")
    result = shipped_test()
    assert result.exit_code == 0, result.output
    assert ": ok (" in result.output and "FAILED" not in result.output


def test_dashsmith_test_needs_promtool(small):
    _tests(small, DOWN_FIRES)
    result = Cli(small).subprocess("test", env={"PATH": "/nonexistent"})
    assert result.returncode == 2
    assert "promtool" in result.stderr



# --- dashsmith test runs a file's groups in parts, side by side (alert_tests.parts) ----------

def _read_as_data(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)


def test_a_test_file_is_cut_into_parts_that_read_as_its_groups():
    """The shipped SLO tests (the costliest: 8 of the project's 12 s of promtool) in two parts:
    each is the file's header with some of its groups, as written; every group is in one part,
    in the file's order; the parts' costs are as even as the groups allow."""
    from dashsmith.linter import alert_tests
    from support import REPO

    with open(f"{REPO}/alerts/tests/slo.test.yml", encoding="utf-8") as handle:
        text = handle.read()
    whole = _read_as_data(text)
    cut = alert_tests.parts(text, 2)
    assert len(cut) == 2
    names = [group["name"] for group in whole["tests"]]
    shared = []
    for part in cut:
        data = _read_as_data(part.text)
        assert {k: v for k, v in data.items() if k != "tests"} == \
            {k: v for k, v in whole.items() if k != "tests"}
        shared += [names.index(group["name"]) for group in data["tests"]]
        # each part keeps the file's order
        assert [names.index(g["name"]) for g in data["tests"]] == \
            sorted(names.index(g["name"]) for g in data["tests"])
        for group in data["tests"]:  # a group's lines unchanged
            assert any(line.strip() == f"- name: {group['name']}" for line in
                       part.text.splitlines())
        assert part.rule_files == ("slo",)
    assert sorted(shared) == list(range(len(names)))
    steps = [part.steps for part in cut]
    # evaluation_interval 1m: the costliest group evaluates up to 10h, 601 steps.
    assert max(steps) - min(steps) <= 601, steps
    assert alert_tests.parts(text, 1) == [alert_tests.Part(text, sum(steps), ("slo",))]


def test_a_file_that_cannot_be_cut_exactly_is_one_part(small):
    """Groups sharing a YAML anchor, a flow-style `tests:`, a single group: run as written."""
    from dashsmith.linter import alert_tests

    flapping_series = FLAPPING_FIRES[FLAPPING_FIRES.index("input_series:"):
                                      FLAPPING_FIRES.index("    alert_rule_test:")]
    anchored = _tests(small, DOWN_FIRES.replace("input_series:", "input_series: &down"),
                      DOWN_SILENT,
                      FLAPPING_FIRES.replace(flapping_series, "input_series: *down\n"))
    assert "*down" in anchored
    flow = "rule_files: [service.yml]\ntests: [{interval: 1m}, {interval: 2m}]\n"
    single = _tests(small, DOWN_FIRES)
    for text in (anchored, flow, single):
        (part,) = alert_tests.parts(text, 4)
        assert part.text == text


def test_a_failure_in_a_part_is_promtools_report_of_the_whole_file(small):
    """A field promtool does not know, in the last group: the report is of the file as
    written (promtool's line in it), not of the part it ran in."""
    require_binary("promtool")
    text = _tests(small, DOWN_FIRES, DOWN_SILENT,
                  FLAPPING_FIRES.replace("exp_alerts:", "exp_alert:"))
    line = text[:text.index("exp_alert:")].count("\n") + 1
    result = Cli(small)("test")
    assert result.exit_code == 1
    assert f"line {line}: field exp_alert not found" in result.output, result.output
    assert result.output.count("field exp_alert not found") == 1


def test_failures_in_several_parts_read_as_promtools_report_of_the_whole_file(small, tmp_path):
    """Groups failing in each part: the report is, line for line, what promtool says when it
    runs the file as written."""
    import subprocess

    promtool = require_binary("promtool")
    _tests(small, DOWN_FIRES.replace("description: a:9100 is down.", "description: wrong."),
           DOWN_SILENT, FLAPPING_FIRES.replace("summary: The service flaps.", "summary: wrong."))
    result = Cli(small)("test")
    assert result.exit_code == 1
    built = tmp_path / "built"
    assert Cli(small)("build", "--out", str(built)).exit_code == 0
    test_file = built / "rules" / "service.test.yml"
    test_file.write_text((small / "alerts" / "tests" / "service.test.yml").read_text())
    whole = subprocess.run([promtool, "test", "rules", test_file.name], cwd=test_file.parent,
                           capture_output=True, text=True)
    assert whole.returncode == 1
    report = [line for line in (whole.stdout + whole.stderr).splitlines()
              if line.strip() and not line.startswith("Unit Testing:")]
    # both groups' failures, one in each part
    assert sum('="wrong."' in line for line in report) == 2, report
    assert "\n".join(["FAILED alerts/tests/service.test.yml", *report]) in result.output
