from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import DECORATIVE_PANEL_TYPES
from dashsmith.model.problems import Severity


class PanelTitle(Rule):
    """A panel that shows data has no title.

    Its title is what the reader, a link and an alert annotation call it by. A panel that
    shows no data of its own (a text panel used as a banner or an explanation, a row, a list
    of dashboards) may do without one.

    Anti-pattern:
        timeseries("", "sum(rate(ai_completions_total[$__rate_interval]))")

    Best practice:
        timeseries("Completions Rate", "sum(rate(ai_completions_total[$__rate_interval]))")
    """

    id = "panel/title"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        for panel in doc.panels():
            if panel.get("type") not in DECORATIVE_PANEL_TYPES \
                    and not str(panel.get("title") or "").strip():
                yield self.problem("panel has no title", doc.panel_source(panel))
