from __future__ import annotations

from ...problems import Severity
from ..rule import Rule


class PanelDuplicateTitle(Rule):
    """Two panels of one dashboard have the same title.

    Panels are found, linked and discussed by title; two of a kind leave the reader guessing
    which one an alert or a colleague means.

    Anti-pattern:
        timeseries("Latency", ...)  ...  timeseries("Latency", ...)

    Best practice:
        timeseries("Latency P95", ...)  ...  timeseries("Time to First Token P95", ...)
    """

    id = "panel/duplicate-title"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        seen = {}
        for panel in doc.data_panels():
            title = str(panel.get("title") or "").strip()
            if not title:
                continue
            if title in seen:
                yield self.problem(f"panel title '{title}' is used twice in dashboard "
                                   f"'{doc.title}' (also at {context.where(seen[title])})",
                                   doc.panel_source(panel))
            else:
                seen[title] = doc.panel_source(panel)
