from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class PanelDescription(Rule):
    """A panel has no description.

    The description is the (i) tooltip: what the panel measures and how to read it, for the
    person who opens the dashboard during an incident.

    Anti-pattern:
        timeseries("Error Rate", "...", unit="percentunit")

    Best practice:
        timeseries("Error Rate", "...", unit="percentunit",
                   description="Failed calls as a share of all calls.")
    """

    id = "panel/description"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        for panel in doc.data_panels():
            if not str(panel.get("description") or "").strip():
                yield self.problem(f"panel '{panel.get('title', '')}' has no description",
                                   doc.panel_source(panel))
