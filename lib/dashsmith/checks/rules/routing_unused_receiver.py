from __future__ import annotations

from ...problems import Severity
from ..rule import Rule


class RoutingUnusedReceiver(Rule):
    """A receiver no route sends to.

    Anti-pattern:
        Receiver("db-page", [...])     # and no Route(..., receiver="db-page")

    Best practice:
        Route it, or remove it.
    """

    id = "routing/unused-receiver"
    severity = Severity.WARNING
