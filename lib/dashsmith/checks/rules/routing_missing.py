from __future__ import annotations

from ...problems import Severity
from ..rule import Rule


class RoutingMissing(Rule):
    """Alerts are declared but no Routing is, so no alert reaches anyone.

    Anti-pattern:
        alerts/ with rule groups, and no Routing(...) in alerts/routing.py

    Best practice:
        routing = Routing(receiver="platform-slack", routes=[...], receivers=[...])
    """

    id = "routing/missing"
    severity = Severity.WARNING
