from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule


class AlertComparison(Rule):
    """An alert's expression has no comparison, so it fires for every series it returns.

    An alert fires for each series its expression yields. Without a comparison (or absent()),
    every series is returned, all the time.

    Anti-pattern:
        Alert("HighErrorRate",
              expr="sum(rate(tradingagents_analyses_total{status='error'}[5m]))")

    Best practice:
        Alert("HighErrorRate",
              expr="sum(rate(tradingagents_analyses_total{status='error'}[5m])) > 0.1")
    """

    id = "alert/comparison"
    sites = ("rule",)

    def query(self, site, context):
        if site.rule.is_alert and not promql.can_be_empty(site.expression.root):
            yield self.problem(f"alert '{site.rule.name}' has no comparison: it fires for every "
                               "series the expression returns; compare it with a threshold "
                               "(e.g. `> 0.1`)", site.rule.source)
