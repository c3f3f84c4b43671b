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


def test_the_shipped_alert_tests_pass(cli):
    require_binary("promtool")
    result = cli("test")
    assert result.exit_code == 0, result.output
    assert ": ok (" in result.output and "FAILED" not in result.output


def test_dashsmith_test_needs_promtool(small):
    _tests(small, DOWN_FIRES)
    result = Cli(small).subprocess("test", env={"PATH": "/nonexistent"})
    assert result.returncode == 2
    assert "promtool" in result.stderr

