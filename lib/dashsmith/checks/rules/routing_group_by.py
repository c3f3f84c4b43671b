from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.promql.names import LABEL_NAME


class RoutingGroupBy(Rule):
    """A route's group_by holds something that is not a label name.

    Anti-pattern:
        Route(..., group_by=["alert name"])

    Best practice:
        Route(..., group_by=["alertname", "instance"])
    """

    id = "routing/group-by"
    structural = True

    def declared(self, estate, context):
        if estate.routing is None:
            return
        # Imported here: only declarations have a routing (lint of files does not import it).
        from dashsmith.routing.resolve import GROUP_BY_ALL

        for route in estate.routing.root.walk():
            for label in route.group_by or []:
                if label != GROUP_BY_ALL and not LABEL_NAME.match(label):
                    yield self.problem(f"group_by has '{label}', which is not a label name",
                                       route.source)
