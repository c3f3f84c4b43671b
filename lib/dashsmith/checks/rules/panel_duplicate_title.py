from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class PanelDuplicateTitle(Rule):
    """Two panels of one kind in one row of a dashboard have the same title.

    Panels are found, linked and discussed by title; two of a kind leave the reader guessing
    which one an alert or a colleague means. The row's title tells panels of different rows
    apart ("CPU" under each service), and a stat beside a graph of one quantity is a pair.

    Anti-pattern:
        timeseries("Latency", ...)  ...  timeseries("Latency", ...)

    Best practice:
        timeseries("Latency P95", ...)  ...  timeseries("Time to First Token P95", ...)
    """

    id = "panel/duplicate-title"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        for section in doc.sections():
            seen = {}
            for panel in doc.shown(section):
                title = str(panel.get("title") or "").strip()
                key = (title, panel.get("type"))
                if not title:
                    continue
                if key in seen:
                    yield self.problem(f"panel title '{title}' is used twice in dashboard "
                                       f"'{doc.title}' (also at {context.where(seen[key])})",
                                       doc.panel_source(panel))
                else:
                    seen[key] = doc.panel_source(panel)
