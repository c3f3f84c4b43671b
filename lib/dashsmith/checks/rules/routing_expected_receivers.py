from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Problem

if TYPE_CHECKING:
    from dashsmith.compiler.estate import Estate


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

    def declared(self, estate: Estate, context: Context) -> Iterator[Problem]:
        # Imported here: only declarations have a routing (lint of files does not import it).
        from dashsmith.routing.checks import routed_alerts

        for item in routed_alerts(estate):
            expected = item.alert.expect_receivers
            if expected is not None and list(expected) != item.receivers:
                yield self.problem(f"alert {item.alert.name} reaches {_names(item.receivers)}, "
                                   f"expected {_names(expected)}", item.alert.source)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "(none)"
