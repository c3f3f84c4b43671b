from __future__ import annotations

from dashsmith.checks.rule import Rule


class DeployGrafanaAlerts(Rule):
    """An alert declaration cannot become a Grafana-managed rule group.

    `dashsmith deploy --grafana-alerts` refuses, before any write, rule groups whose names
    repeat across modules (Grafana needs them unique in the alerts folder) and group
    intervals that are not a multiple of Grafana's 10s evaluation base interval.

    Anti-pattern:
        RuleGroup("ai", [...], interval="45s")

    Best practice:
        RuleGroup("ai", [...], interval="1m")
    """

    id = "deploy/grafana-alerts"
    reported_by = ("deploy",)
