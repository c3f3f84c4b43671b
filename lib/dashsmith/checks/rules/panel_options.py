from __future__ import annotations

from ..rule import Rule


class PanelOptions(Rule):
    """A panel is given an option its grafanalib panel class does not take, or a value it
    refuses.

    The finding is the one build reports, at the panel's call (made by the renderer, which
    hands the options to grafanalib); often a misspelt keyword.

    Anti-pattern:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unti="reqpm")

    Best practice:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unit="reqpm")
    """

    id = "panel/options"
    structural = True
