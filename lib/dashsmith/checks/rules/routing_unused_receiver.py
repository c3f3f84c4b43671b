from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class RoutingUnusedReceiver(Rule):
    """A receiver no route sends to.

    Anti-pattern:
        Receiver("db-page", [...])     # and no Route(..., receiver="db-page")

    Best practice:
        Route it, or remove it.
    """

    id = "routing/unused-receiver"
    severity = Severity.WARNING

    def declared(self, estate, context):
        if estate.routing is None:
            return
        used = {route.receiver for route in estate.routing.root.walk()}
        for receiver in estate.routing.receivers:
            if receiver.name not in used:
                yield self.problem(f"no route sends to receiver '{receiver.name}'",
                                   receiver.source)
