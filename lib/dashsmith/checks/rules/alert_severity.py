from __future__ import annotations

from ..rule import Rule

SEVERITIES = ("critical", "warning", "info")


class AlertSeverity(Rule):
    """An alert has no severity label, or one other than critical, warning or info.

    Alertmanager routes on severity: critical pages, warning and info go to chat. Any other
    value matches no route.

    Anti-pattern:
        Alert("HighErrorRate", ..., severity="high")

    Best practice:
        Alert("HighErrorRate", ..., severity="warning")
    """

    id = "alert/severity"

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        severity = rule.labels().get("severity")
        if severity is None:
            yield self.problem(f"alert '{rule.name}' has no severity: set severity to one of "
                               f"{', '.join(SEVERITIES)}", rule.source)
        elif severity not in SEVERITIES:
            yield self.problem(f"alert '{rule.name}' has severity {severity!r}: use one of "
                               f"{', '.join(SEVERITIES)}", rule.source)
