from __future__ import annotations

from ..rule import Rule


class RoutingDuration(Rule):
    """A route's group_wait, group_interval or repeat_interval is not a duration (or is 0).

    Anti-pattern:
        Route(..., repeat_interval="hourly")

    Best practice:
        Route(..., repeat_interval="1h")
    """

    id = "routing/duration"
    structural = True
