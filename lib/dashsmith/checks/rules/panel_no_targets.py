from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.rules.panel_datasource import builtin_datasource
from dashsmith.checks.subjects import is_promql_datasource
from dashsmith.grafana.equivalence import ref_id
from dashsmith.model.problems import Severity

# Grafana's core panels that draw the results of their queries and show "No data" without
# one (public/app/plugins/panel/<type>/: their plugin.json has no `skipDataQuery`). Not here:
# the ones that fetch nothing (text, news, dashlist, alertlist, annolist: subjects.py leaves
# them out), canvas and geomap (static elements and base layers draw without a query),
# datagrid and debug, and every plugin panel: a panel type dashsmith does not know may fetch
# its own data (Percona's pmm-update-panel asks its server), so no query is no evidence of a
# mistake there.
QUERY_PANEL_TYPES = frozenset({
    "timeseries", "graph", "stat", "singlestat", "gauge", "bargauge", "barchart", "piechart",
    "table", "table-old", "heatmap", "histogram", "state-timeline", "status-history",
    "xychart", "trend", "candlestick", "logs", "traces", "nodeGraph", "flamegraph",
})


class PanelNoTargets(Rule):
    """A panel has no query, or only blank Prometheus queries, so it always shows "No data".

    Only Grafana's core panels that draw query results need a query; a plugin panel may
    fetch its own data. A query on another data source (Loki, SQL, `-- Dashboard --` reusing
    another panel's results, a server-side expression) has no PromQL to be blank. A blank
    query beside real ones is only a leftover:
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
                if panel.get("type") in QUERY_PANEL_TYPES:
                    yield self._no_query(title, doc.panel_source(panel))
                continue
            blank = [(str(t.get("refId") or ref_id(index)), doc.panel_source(panel))
                     for index, t in enumerate(targets) if isinstance(t, dict) and "expr" in t
                     and _blank(t["expr"], t.get("datasource") or panel.get("datasource"),
                                doc.reads_promql)]
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


def _blank(expr, datasource, reads_promql=is_promql_datasource) -> bool:
    """A Prometheus query (or one on a data source variable) whose expression is blank; a
    file's dashboard tells by `reads_promql` (DashboardDoc.reads_promql: also by the types it
    gives its data sources elsewhere)."""
    return reads_promql(datasource) and not _builtin(datasource) \
        and not str(expr or "").strip()


def _builtin(datasource) -> bool:
    """One of Grafana's built-in data sources that run no PromQL (another panel's results,
    Grafana's own test data and files, a server-side expression): a query on one is complete
    without an expression."""
    return builtin_datasource(datasource) in ("dashboard", "grafana", "expression")
