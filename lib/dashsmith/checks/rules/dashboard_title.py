from __future__ import annotations

from dashsmith.checks.rule import Rule


class DashboardTitle(Rule):
    """A dashboard has no title.

    Anti-pattern:
        Dashboard(uid="ai-llm", title="", ...)

    Best practice:
        Dashboard(uid="ai-llm", title="AI / LLM", ...)
    """

    id = "dashboard/title"
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            yield from self._check(dashboard.title, dashboard.source)

    def dashboard(self, doc, context):
        yield from self._check(doc.title, doc.source)

    def _check(self, title, source):
        if not (isinstance(title, str) and title.strip()):
            yield self.problem("dashboard has no title", source)
