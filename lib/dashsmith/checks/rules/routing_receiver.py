from __future__ import annotations

from dashsmith.checks.rule import Rule


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

    def declared(self, estate, context):
        routing = estate.routing
        if routing is None:
            return
        # Imported here: only declarations have a routing (lint of files does not import it).
        from dashsmith.routing.receivers import INTEGRATIONS

        for receiver in routing.receivers:
            for integration in receiver.integrations:
                if not isinstance(integration, INTEGRATIONS):
                    yield self.problem(f"receiver '{receiver.name}' has a "
                                       f"{type(integration).__name__}; use Slack, Email, Webhook "
                                       "or PagerDuty", receiver.source)
        declared = {receiver.name for receiver in routing.receivers}
        for route in routing.root.walk():
            if route.receiver is not None and route.receiver not in declared:
                yield self.problem(f"route sends to receiver '{route.receiver}', which is not "
                                   "declared", route.source)
