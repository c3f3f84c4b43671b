from __future__ import annotations

from dashsmith.checks.rule import Rule


class DashboardDatasource(Rule):
    """A dashboard has no data source variable.

    With a `datasource` variable (type datasource, query prometheus) the same dashboard works
    against any Prometheus, picked in Grafana, and panels refer to it as ${datasource}.
    dashsmith adds one to every declared dashboard. A dashboard whose panels all read other
    data sources (PostgreSQL, Loki) needs none.

    Anti-pattern:
        "templating": {"list": []}

    Best practice:
        {"name": "datasource", "type": "datasource", "query": "prometheus",
         "label": "Data source"}
    """

    id = "dashboard/datasource"

    def dashboard(self, doc, context):
        reads_prometheus = any(doc.reads_promql(panel.get("datasource"))
                               for panel in doc.data_panels())
        if reads_prometheus and not doc.datasource_variables():
            yield self.problem(f"dashboard '{doc.title}' has no data source variable: add one "
                               "of type 'datasource' (query 'prometheus') named 'datasource'",
                               doc.source)
