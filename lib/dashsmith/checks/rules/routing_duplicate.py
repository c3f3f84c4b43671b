from __future__ import annotations

from ..rule import Rule


class RoutingDuplicate(Rule):
    """A receiver or a time interval is declared twice.

    Anti-pattern:
        Receiver("ai-slack", [...]), Receiver("ai-slack", [...])

    Best practice:
        One Receiver per name; routes refer to it by that name.
    """

    id = "routing/duplicate"
    structural = True
