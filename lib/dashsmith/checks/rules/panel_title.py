from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class PanelTitle(Rule):
    """A panel has no title.

    Anti-pattern:
        timeseries("", "sum(rate(ai_completions_total[$__rate_interval]))")

    Best practice:
        timeseries("Completions Rate", "sum(rate(ai_completions_total[$__rate_interval]))")
    """

    id = "panel/title"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        for panel in doc.panels():
            if panel.get("type") != "row" and not str(panel.get("title") or "").strip():
                yield self.problem("panel has no title", doc.panel_source(panel))
