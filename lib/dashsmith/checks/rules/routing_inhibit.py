from __future__ import annotations

from ..rule import Rule


class RoutingInhibit(Rule):
    """An inhibition lacks matchers on one side (so it matches every alert), or its `equal`
    holds something that is not a label name.

    Anti-pattern:
        Inhibit(target='severity="warning"', by="", equal=["alertname"])

    Best practice:
        Inhibit(target='severity="warning"', by='severity="critical"', equal=["alertname"])
    """

    id = "routing/inhibit"
    structural = True
