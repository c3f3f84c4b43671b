from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloObjective(Rule):
    """An SLO's objective is not a percentage between 0 and 100.

    The objective is the share of good events in percent: 100 leaves no error budget, so
    every burn-rate alert would divide by zero.

    Anti-pattern:
        SLO(..., objective=0.995)

    Best practice:
        SLO(..., objective=99.5)
    """

    id = "slo/objective"
    structural = True
