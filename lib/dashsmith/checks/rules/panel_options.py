from __future__ import annotations

from typing import TYPE_CHECKING

from dashsmith.checks.rule import Rule
from dashsmith.checks.spelling import UNEXPECTED_KEYWORD, did_you_mean, parameters
from dashsmith.model import panels
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
        """A render.PanelRefused: grafanalib's reason, at the panel's call; a keyword it does
        not take at that keyword, with the ones it does that are a typo away."""
        panel = refusal.panel
        unexpected = UNEXPECTED_KEYWORD.search(str(refusal.reason))
        if unexpected is None:
            return self.problem(f"panel '{panel.title}': {refusal.reason}", panel.source)
        name = unexpected.group(1)
        source = panel.source.keyword(name)
        function = panel.source.call_name()
        hint = did_you_mean(name, _keywords(function, panel.recipe.cls))
        called = f"{function}()" if function else "the panel"
        return self.problem(f"panel '{panel.title}': {called} got an unexpected keyword "
                            f"argument '{name}'" + (f"; {hint}" if hint else ""), source)


def _keywords(function: str | None, grafanalib_class: type) -> set[str]:
    """What a panel call can be given: the helper's own parameters (timeseries(unit=...)) and
    its grafanalib class's, which it passes on."""
    return parameters(grafanalib_class) | parameters(getattr(panels, function, None)
                                                     if function else None)
