from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class CatalogUnread(Rule):
    """A catalog metric that no panel, variable or rule reads (verify).

    A metric nobody looks at is either a gap in the dashboards or a metric to stop exporting.

    Anti-pattern:
        Counter("ai_retries_total", ...)       # and no query reads it

    Best practice:
        A panel or an alert that reads it, or no declaration (and no export).
    """

    id = "catalog/unread"
    severity = Severity.INFO
    reported_by = ("verify",)
