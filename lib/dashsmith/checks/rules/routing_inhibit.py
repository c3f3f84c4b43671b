from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.promql.names import LABEL_NAME


class RoutingInhibit(Rule):
    """An inhibition lacks matchers on one side (so it matches every alert), or its `equal`
    holds something that is not a label name.

    Anti-pattern:
        Inhibit(target='severity="warning"', by=[], equal=["alertname"])

    Best practice:
        Inhibit(target='severity="warning"', by='severity="critical"', equal=["alertname"])
    """

    id = "routing/inhibit"
    structural = True

    def declared(self, estate, context):
        if estate.routing is None:
            return
        for inhibit in estate.routing.inhibit:
            if not inhibit.target or not inhibit.by:
                yield self.problem("an inhibition needs matchers on both sides (target and by); "
                                   "without, it matches every alert", inhibit.source)
            for label in inhibit.equal:
                if not LABEL_NAME.match(label):
                    yield self.problem(f"equal has '{label}', which is not a label name",
                                       inhibit.source)
