from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertDescription(Rule):
    """An alert has no description annotation.

    The description tells the person paged how bad it is and where: the value and the labels
    ({{ $value }}, {{ $labels.instance }}).

    Anti-pattern:
        Alert("HighErrorRate", ..., summary="Analyses fail.")

    Best practice:
        Alert("HighErrorRate", ..., summary="Analyses fail.",
              description="{{ $value | humanizePercentage }} of analyses failed in 5 minutes.")
    """

    id = "alert/description"
    severity = Severity.WARNING

    def rule(self, rule, context):
        # An alert with its text in `message` is alert/summary's to report, once.
        if rule.is_alert and not rule.annotation("description") \
                and not (rule.annotation("message") and not rule.annotation("summary")):
            yield self.problem(f"alert '{rule.name}' has no description: say how bad it is and "
                               "where, with {{ $value }} and {{ $labels.x }}", rule.source)
