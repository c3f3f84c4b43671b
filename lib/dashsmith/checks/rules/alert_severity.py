from __future__ import annotations

import re

from dashsmith.checks.rule import Rule

# The severities an alert may have: critical pages, warning and info go to chat, none is the
# deliberate "never notify" of an alert other alerts are built on (Watchdog, InfoInhibitor).
SEVERITIES = ("critical", "warning", "info", "none")
SETTING = "severities"  # [dashsmith.lint] severities = critical, warning, ...


def allowed(lint_section: dict) -> tuple[str, ...]:
    """The severities [dashsmith.lint] allows (its `severities`, comma or line separated)."""
    written = lint_section.get(SETTING)
    if not written:
        return SEVERITIES
    return tuple(s for s in re.split(r"[\s,]+", written) if s)


class AlertSeverity(Rule):
    """An alert has no severity label, or one other than the allowed set.

    Alertmanager routes on severity: critical pages, warning and info go to chat, none never
    notifies (a dead man's switch, an inhibitor). Any other value matches no route. The set
    is a setting, for a routing tree of other names:

        [dashsmith.lint]
        severities = critical, warning, info, none, page

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
        known = context.severities
        if severity is None:
            yield self.problem(f"alert '{rule.name}' has no severity: set severity to one of "
                               f"{', '.join(known)}", rule.source)
        elif severity not in known:
            yield self.problem(f"alert '{rule.name}' has severity {severity!r}: use one of "
                               f"{', '.join(known)} (or allow it: [dashsmith.lint] "
                               f"{SETTING})", rule.source)
