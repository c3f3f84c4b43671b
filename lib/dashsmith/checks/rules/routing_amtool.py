from __future__ import annotations

from dashsmith.checks.rule import Rule


class RoutingAmtool(Rule):
    """`amtool check-config` refuses the compiled alertmanager.yml.

    lint runs Alertmanager's own checker with the other tools (not with --no-tools) when amtool
    is installed; where DASHSMITH_REQUIRE_LIVE is set it must be.

    Anti-pattern:
        a Webhook whose URL is not a URL

    Best practice:
        what amtool says; the finding quotes it
    """

    id = "routing/amtool"

    def refused(self, output: str, routing):
        """amtool's complaint about the compiled routing, at the Routing declaration."""
        return self.problem(f"amtool check-config: {output}", routing.source)
