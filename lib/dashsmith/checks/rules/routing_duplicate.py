from __future__ import annotations

from dashsmith.checks.rule import Rule


class RoutingDuplicate(Rule):
    """A receiver or a time interval is declared twice, or a project declares a second Routing.

    Anti-pattern:
        Receiver("ai-slack", [...]), Receiver("ai-slack", [...])

    Best practice:
        One Receiver per name; routes refer to it by that name.
    """

    id = "routing/duplicate"
    structural = True

    def declared(self, estate, context):
        routing = estate.routing
        if routing is None:
            return
        receivers = {}
        for receiver in routing.receivers:
            if receiver.name in receivers:
                yield self.problem(f"receiver '{receiver.name}' is declared twice (first at "
                                   f"{context.where(receivers[receiver.name])})", receiver.source)
            receivers.setdefault(receiver.name, receiver.source)
        intervals = set()
        for interval in routing.time_intervals:
            if interval.name in intervals:
                yield self.problem(f"time interval '{interval.name}' is declared twice",
                                   interval.source)
            intervals.add(interval.name)

    def second_routing(self, routing, first: str):
        """A Routing declared besides the project's first (at `first`, as messages show it):
        found as the declarations load, since the estate holds one."""
        return self.problem(f"a project has one Routing; another is declared at {first}",
                            routing.source)
