from __future__ import annotations

from dashsmith.checks.rule import Rule


class PromqlError(Rule):
    """Prometheus rejected a query (verify; its message is shown).

    verify runs every panel query and rule expression on a live Prometheus; a query it
    refuses (an unknown function of an older Prometheus, a result too large, a bad regex)
    shows an error in Grafana and makes the rule fail at every evaluation.

    Anti-pattern:
        limitk(2, up)        # on a Prometheus older than 2.54

    Best practice:
        topk(2, up)
    """

    id = "promql/error"
    reported_by = ("verify",)
