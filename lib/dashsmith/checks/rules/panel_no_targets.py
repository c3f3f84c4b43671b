from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import is_promql_datasource


class PanelNoTargets(Rule):
    """A panel has no query, or a blank Prometheus query, so it always shows "No data".

    A query on another data source (e.g. of an imported dashboard) may have no PromQL.

    Anti-pattern:
        timeseries("Errors", unit="ops")

    Best practice:
        timeseries("Errors", "sum(rate(errors_total[$__rate_interval]))", unit="ops")
    """

    id = "panel/no-targets"
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            for panel in dashboard.panels():
                if not getattr(panel, "needs_queries", False):
                    continue  # not a panel (dashboard/layout), or one that shows no data
                if not panel.queries:
                    yield self._no_query(panel.title, panel.source)
                panel_datasource = panel.extra.get("datasource") or \
                    panel.recipe.get("dataSource")
                for query in panel.queries:
                    if _blank(query.expr, query.datasource or panel_datasource):
                        yield self._empty_query(panel.title, query.source)

    def dashboard(self, doc, context):
        for panel in doc.data_panels():
            targets = panel.get("targets")
            title = panel.get("title", "")
            if not isinstance(targets, list) or not targets:
                yield self._no_query(title, doc.panel_source(panel))
            elif any(isinstance(t, dict) and "expr" in t
                     and _blank(t["expr"], t.get("datasource") or panel.get("datasource"))
                     for t in targets):
                yield self._empty_query(title, doc.panel_source(panel))

    def _no_query(self, title, source):
        return self.problem(f"panel '{title}' has no query", source)

    def _empty_query(self, title, source):
        return self.problem(f"panel '{title}' has an empty query", source)


def _blank(expr, datasource) -> bool:
    """A Prometheus query (or one on a data source variable) whose expression is blank."""
    return is_promql_datasource(datasource) and not str(expr or "").strip()
