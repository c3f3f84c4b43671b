from __future__ import annotations

import re

from dashsmith.checks.rule import Rule

CLOCK_RANGE = re.compile(r"^\s*([01]\d|2[0-3]):[0-5]\d\s*-\s*(([01]\d|2[0-3]):[0-5]\d|24:00)\s*$")


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

    def declared(self, estate, context):
        routing = estate.routing
        if routing is None:
            return
        declared = {interval.name for interval in routing.time_intervals}
        for route in routing.root.walk():
            for name in [*route.mute, *route.active]:
                if name not in declared:
                    yield self.problem(f"route names time interval '{name}', which is not "
                                       "declared", route.source)
        for interval in routing.time_intervals:
            for period in interval.periods:
                for text in period.times:
                    if not CLOCK_RANGE.match(text):
                        yield self.problem(f"time range '{text}' of '{interval.name}' is not "
                                           "HH:MM-HH:MM", interval.source)
