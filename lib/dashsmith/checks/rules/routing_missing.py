from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class RoutingMissing(Rule):
    """Alerts are declared but no Routing is, so no alert reaches anyone.

    Anti-pattern:
        alerts/ with rule groups, and no Routing(...) in alerts/routing.py

    Best practice:
        routing = Routing(receiver="platform-slack", routes=[...], receivers=[...])
    """

    id = "routing/missing"
    severity = Severity.WARNING

    def declared(self, estate, context):
        if estate.routing is None and estate.alerts():
            yield self.problem("alerts are declared but no Routing(...) is, so no "
                               "alertmanager.yml is built and no alert reaches anyone",
                               estate.rule_files[0].source)
