"""Rules about the promtool unit tests of the declared alerts (alerts/tests/*.test.yml)."""

from __future__ import annotations

import os

from ...problems import Severity
from ..rule import Rule


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
            for alert in suite.alerts[name]:
                missing = [what for what, names in (("fires", fires), ("stays silent", silent))
                           if alert.name not in names]
                if missing:
                    yield self.problem(
                        f"alert '{alert.name}' has no unit test where it "
                        f"{' and none where it '.join(missing)} (alerts/tests/"
                        f"{alert.file}.test.yml)", alert.source)


class TestUnknownAlert(Rule):
    """A unit test names an alert that its rule files do not define.

    promtool expects no alert of an unknown name and so passes such a test whatever happens:
    it tests nothing (a renamed alert, or a typo).

    Anti-pattern:
        rule_files: [ai.yml]
        ... alertname: AIErrorRateHigh      # the alert is AIErrorRatioHigh

    Best practice:
        ... alertname: AIErrorRatioHigh
    """

    id = "test/unknown-alert"

    def alert_tests(self, suite, context):
        for test_file in suite.files:
            names = {alert.name for rule_file in _rule_file_names(test_file)
                     for alert in suite.alerts.get(rule_file, [])}
            for case in test_file.cases:
                if case.alertname not in names:
                    yield self.problem(f"test names alert '{case.alertname}', which "
                                       f"{', '.join(test_file.rule_files) or 'no rule file'} "
                                       "does not define", case.source)


class TestRuleFiles(Rule):
    """A unit test file does not name the compiled rule file of an alerts/ module.

    `rule_files` names the rule files `dashsmith test` compiles, by base name: the tests of
    alerts/ai.py read `ai.yml`.

    Anti-pattern:
        rule_files: [../../build/rules/ai.yml]

    Best practice:
        rule_files: [ai.yml]
    """

    id = "test/rule-files"

    def alert_tests(self, suite, context):
        for test_file in suite.files:
            if not test_file.rule_files:
                yield self.problem("test file has no rule_files: name the compiled rule file, "
                                   "e.g. rule_files: [ai.yml]", test_file.source)
            for written in test_file.rule_files:
                name = _base(written)
                if name not in suite.rule_files:
                    known = ", ".join(f"{n}.yml" for n in sorted(suite.rule_files)) or "none"
                    yield self.problem(f"rule_files names {written!r}, which dashsmith does not "
                                       f"build (rule files: {known})", test_file.source)


def _base(written: str) -> str:
    name = os.path.basename(written)
    for suffix in (".yml", ".yaml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _rule_file_names(test_file) -> list[str]:
    return [_base(f) for f in test_file.rule_files]
