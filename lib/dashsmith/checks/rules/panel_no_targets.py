from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import is_promql_datasource
from dashsmith.grafana.equivalence import ref_id
from dashsmith.model.problems import Severity

# Grafana's built-in data sources that run no PromQL: `-- Dashboard --` shows another panel's
# results (the query holds a panelId, no expr), `-- Grafana --` (uid "grafana") its own test
# data, annotations and files. A query on either is complete without an expression.
NOT_PROMQL_UIDS = frozenset({"-- Dashboard --", "-- Grafana --", "grafana"})


class PanelNoTargets(Rule):
    """A panel has no query, or only blank Prometheus queries, so it always shows "No data".

    A query on another data source (Loki, SQL, `-- Dashboard --` reusing another panel's
    results) has no PromQL to be blank. A blank query beside real ones is only a leftover:
    Grafana's Prometheus data source skips a query without `expr` (prepareTargets in
    public/app/plugins/datasource/prometheus/datasource.ts: `if (!target.expr ||
    target.hide) continue`), so it is a warning that does not stop the build.

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
                    continue
                panel_datasource = panel.extra.get("datasource") or \
                    panel.recipe.get("dataSource")
                blank = [(query.ref_id or ref_id(index), query.source)
                         for index, query in enumerate(panel.queries)
                         if _blank(query.expr, query.datasource or panel_datasource)]
                yield from self._blanks(panel.title, blank, len(panel.queries))

    def dashboard(self, doc, context):
        for panel in doc.data_panels():
            targets = panel.get("targets")
            title = panel.get("title", "")
            if not isinstance(targets, list) or not targets:
                yield self._no_query(title, doc.panel_source(panel))
                continue
            blank = [(str(t.get("refId") or ref_id(index)), doc.panel_source(panel))
                     for index, t in enumerate(targets) if isinstance(t, dict) and "expr" in t
                     and _blank(t["expr"], t.get("datasource") or panel.get("datasource"))]
            yield from self._blanks(title, blank, len(targets))

    def _blanks(self, title, blank, queries):
        """Only blank queries: no data (an error); some blank: leftovers Grafana skips."""
        if not blank:
            return
        if len(blank) == queries:
            yield self.problem(f"panel '{title}' has an empty query", blank[0][1])
            return
        for letter, source in blank:
            yield self.problem(f"panel '{title}': query {letter} is empty (Grafana skips it; "
                               "delete it)", source, Severity.WARNING)

    def _no_query(self, title, source):
        return self.problem(f"panel '{title}' has no query", source)


def _blank(expr, datasource) -> bool:
    """A Prometheus query (or one on a data source variable) whose expression is blank."""
    return is_promql_datasource(datasource) and not _builtin(datasource) \
        and not str(expr or "").strip()


def _builtin(datasource) -> bool:
    """One of Grafana's built-in data sources that run no PromQL."""
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    return uid in NOT_PROMQL_UIDS
