from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertSummary(Rule):
    """An alert has no summary annotation.

    The summary is the one line a notification shows: what is wrong, in a sentence. An
    alert whose text is in `message` (the convention of older mixins) is told to split it,
    once (alert/description does not repeat it).

    Anti-pattern:
        Alert("HighErrorRate", expr=..., for_="5m", severity="warning")

    Best practice:
        Alert("HighErrorRate", ..., summary="More than 10% of analyses are failing.")
    """

    id = "alert/summary"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if not rule.is_alert or rule.annotation("summary"):
            return
        if rule.annotation("message"):  # one finding for both: alert/description leaves it
            yield self.problem(f"alert '{rule.name}' has its text in 'message', an older "
                               "convention receivers do not show: split it into summary (one "
                               "sentence saying what is wrong) and description", rule.source)
        else:
            yield self.problem(f"alert '{rule.name}' has no summary: add one sentence saying "
                               "what is wrong", rule.source)
