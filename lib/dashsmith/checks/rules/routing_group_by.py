from __future__ import annotations

from ..rule import Rule


class RoutingGroupBy(Rule):
    """A route's group_by holds something that is not a label name.

    Anti-pattern:
        Route(..., group_by=["alert name"])

    Best practice:
        Route(..., group_by=["alertname", "instance"])
    """

    id = "routing/group-by"
    structural = True
