from __future__ import annotations

from typing import TYPE_CHECKING

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Problem

if TYPE_CHECKING:
    from dashsmith.compiler.render import PanelRefused


class PanelOptions(Rule):
    """A panel is given an option its grafanalib panel class does not take, or a value it
    refuses.

    The finding is the one build reports, at the panel's call: the renderer hands the options
    to grafanalib, which refuses them (render.PanelRefused); often a misspelt keyword.

    Anti-pattern:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unti="reqpm")

    Best practice:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unit="reqpm")
    """

    id = "panel/options"
    structural = True

    def refused(self, refusal: PanelRefused) -> Problem:
        """A render.PanelRefused: grafanalib's reason, at the panel's call."""
        return self.problem(f"panel '{refusal.panel.title}': {refusal.reason}",
                            refusal.panel.source)
