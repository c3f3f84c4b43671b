from __future__ import annotations

from dashsmith.checks.rule import Rule


class RoutingBlackHole(Rule):
    """An alert reaches only receivers without integrations: it notifies no one.

    Anti-pattern:
        Receiver("null")  as the only receiver an alert's route reaches

    Best practice:
        Route the alert to a receiver with Slack, PagerDuty, Email or a Webhook.
    """

    id = "routing/black-hole"
    reported_by = ("lint", "test")

    def declared(self, estate, context):
        # Imported here: only declarations have a routing (lint of files does not import it).
        from dashsmith.routing.checks import is_black_hole, routed_alerts

        for item in routed_alerts(estate):
            if all(is_black_hole(estate.routing, name) for name in item.receivers):
                yield self.problem(f"alert {item.alert.name} reaches only "
                                   f"{', '.join(item.receivers)}, which notifies no one",
                                   item.alert.source)
