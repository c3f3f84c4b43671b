from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertRunbookUrl(Rule):
    """An alert has no runbook_url annotation.

    dashsmith sets runbook_url for declared alerts from the `runbook_url` setting; rule files
    written by hand need it too, so the person paged knows what to do.

    Anti-pattern:
        annotations: {summary: "Disk full."}

    Best practice:
        annotations: {summary: "Disk full.", runbook_url: "https://.../runbook.md#diskfull"}
    """

    id = "alert/runbook-url"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if rule.is_alert and not rule.annotation("runbook_url"):
            yield self.problem(f"alert '{rule.name}' has no runbook_url: link the runbook "
                               "section for it", rule.source)
