from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class TestCoverage(Rule):
    """An alert has no unit test where it fires, or none where it stays silent.

    A test where the alert fires shows the expression catches what it should; one where it
    stays silent (an empty exp_alerts) shows it does not page for normal traffic. Tests live
    in alerts/tests/<module>.test.yml in promtool's format; `dashsmith test` runs them.

    Anti-pattern:
        alert_rule_test:
          - {eval_time: 15m, alertname: HighErrorRate, exp_alerts: [{exp_labels: {...}}]}

    Best practice:
        alert_rule_test:
          - {eval_time: 15m, alertname: HighErrorRate, exp_alerts: [{exp_labels: {...}}]}
          - {eval_time: 15m, alertname: HighErrorRate, exp_alerts: []}   # healthy input
    """

    id = "test/coverage"
    severity = Severity.WARNING

    def alert_tests(self, suite, context):
        fires, silent = set(), set()
        for test_file in suite.files:
            for case in test_file.cases:
                (fires if case.fires else silent).add(case.alertname)
        for name in sorted(suite.alerts):
            if name in suite.unreadable:
                continue  # its test file's parse error is the one finding
            for alert in suite.alerts[name]:
                missing = [what for what, names in (("fires", fires), ("stays silent", silent))
                           if alert.name not in names]
                if missing:
                    yield self.problem(
                        f"alert '{alert.name}' has no unit test where it "
                        f"{' and none where it '.join(missing)} (alerts/tests/"
                        f"{alert.file}.test.yml)", alert.source)
