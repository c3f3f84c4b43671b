from __future__ import annotations

from ..rule import Rule


class RoutingBlackHole(Rule):
    """An alert reaches only receivers without integrations: it notifies no one.

    Anti-pattern:
        Receiver("null")  as the only receiver an alert's route reaches

    Best practice:
        Route the alert to a receiver with Slack, PagerDuty, Email or a Webhook.
    """

    id = "routing/black-hole"
    reported_by = ("lint", "test")
