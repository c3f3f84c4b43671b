from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertSummary(Rule):
    """An alert has no summary annotation.

    The summary is the one line a notification shows: what is wrong, in a sentence.

    Anti-pattern:
        Alert("HighErrorRate", expr=..., for_="5m", severity="warning")

    Best practice:
        Alert("HighErrorRate", ..., summary="More than 10% of analyses are failing.")
    """

    id = "alert/summary"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if rule.is_alert and not rule.annotation("summary"):
            yield self.problem(f"alert '{rule.name}' has no summary: add one sentence saying "
                               "what is wrong", rule.source)
