from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model import durations

TIMINGS = ("group_wait", "group_interval", "repeat_interval")


class RoutingDuration(Rule):
    """A route's group_wait, group_interval or repeat_interval is not a duration (or is 0).

    Anti-pattern:
        Route(..., repeat_interval="hourly")

    Best practice:
        Route(..., repeat_interval="1h")
    """

    id = "routing/duration"
    structural = True

    def declared(self, estate, context):
        if estate.routing is None:
            return
        for route in estate.routing.root.walk():
            for name in TIMINGS:
                value = getattr(route, name)
                if value is None:
                    continue
                try:
                    seconds = durations.parse(value)
                except ValueError as error:
                    yield self.problem(f"{name}: {error}", route.source)
                    continue
                # Alertmanager sends a group's first notification at once when group_wait is 0.
                if seconds <= 0 and name != "group_wait":
                    yield self.problem(f"{name} must be longer than 0s", route.source)
