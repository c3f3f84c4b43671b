from __future__ import annotations

from ..rule import Rule


class RoutingExpectedReceivers(Rule):
    """An alert reaches other receivers than it declares it expects.

    Alert(..., expect_receivers=[...]) (for an SLO: expect_page_receivers=,
    expect_ticket_receivers=) pins where an alert must go; a routing change that moves it
    is caught here, and by `dashsmith test`.

    Anti-pattern:
        Alert("AIRateLimited", ..., expect_receivers=["ai-slack"])   # routed to platform-slack

    Best practice:
        Fix the route, or the expectation if the move is meant.
    """

    id = "routing/expected-receivers"
    reported_by = ("lint", "test")
