from __future__ import annotations

from ..rule import Rule


class RoutingTimeInterval(Rule):
    """A route names a time interval that is not declared, or a period's time range is not
    HH:MM-HH:MM.

    Anti-pattern:
        Route(..., mute=["maintainance"])

    Best practice:
        Route(..., mute=["maintenance"])  with TimeInterval("maintenance", [...]) declared
    """

    id = "routing/time-interval"
    structural = True
