from __future__ import annotations

from dashsmith.checks.rule import Rule


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
            names = {alert.name for _, rule_file in test_file.compiled_names()
                     for alert in suite.alerts.get(rule_file, [])}
            for case in test_file.cases:
                if case.alertname not in names:
                    yield self.problem(f"test names alert '{case.alertname}', which "
                                       f"{', '.join(test_file.rule_files) or 'no rule file'} "
                                       "does not define", case.source)
