from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class UnusedSuppression(Rule):
    """A suppression suppresses nothing.

    The rule it turns off finds nothing there (any more): the suppression would only hide
    the next, unrelated mistake. Remove it. Reported by the command that reports the rule:
    lint for its own, verify for what it finds on a live Prometheus.

    Anti-pattern:
        # dashsmith: disable=alert/for -- fires on the first scrape by design
        Alert("AppTargetMissing", ..., for_="5m")

    Best practice:
        Alert("AppTargetMissing", ..., for_="5m")
    """

    id = "lint/unused-suppression"
    severity = Severity.WARNING
    reported_by = ("lint", "verify")

    def unused(self, rule_id: str, project_wide: bool, source):
        where = "in this project" if project_wide else "here"
        return self.problem(f"'{rule_id}' is disabled but finds nothing {where}: remove the "
                            "suppression", source)
