from __future__ import annotations

from ..rule import Rule


class RoutingReceiver(Rule):
    """A route sends to a receiver that is not declared, or a receiver has an integration
    dashsmith does not know.

    Anti-pattern:
        Route('severity="critical"', receiver="ai-pager")     # the receiver is "ai-page"

    Best practice:
        Route('severity="critical"', receiver="ai-page")
    """

    id = "routing/receiver"
    structural = True
