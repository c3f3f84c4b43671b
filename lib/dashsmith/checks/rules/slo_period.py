from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloPeriod(Rule):
    """An SLO's period is not a duration, or not longer than the longest alert window (3d).

    The ticket alert reads a 3-day window; a period that short would spend the whole budget
    in one alert window.

    Anti-pattern:
        SLO(..., period="2d")

    Best practice:
        SLO(..., period="30d")
    """

    id = "slo/period"
    structural = True
