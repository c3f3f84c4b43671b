from __future__ import annotations

import re

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import is_promql_datasource

_VARIABLE_REFERENCE = re.compile(r"^\$\{(\w+)\}$|^\$(\w+)$|^\[\[(\w+)\]\]$")


class PanelDatasource(Rule):
    """A panel (or one of its queries) does not use the dashboard's data source variable.

    A panel pinned to one data source (or left to Grafana's default) shows that one whatever
    the data source picker says. Grafana's built-in data sources are no data source to choose:
    a server-side expression (math, reduce, threshold on other queries' results), another
    panel's results (`-- Dashboard --`), Grafana's own test data, live streams and files
    (`-- Grafana --`), and `-- Mixed --`, whose queries each name theirs. A query on one of the
    first three is not reported; a mixed panel's other queries are.

    Anti-pattern:
        "datasource": {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}

    Best practice:
        "datasource": {"type": "prometheus", "uid": "${datasource}"}
    """

    id = "panel/datasource"

    def dashboard(self, doc, context):
        variables = doc.datasource_variables()
        if not variables:
            return  # dashboard/datasource says what to do first
        for panel in doc.data_panels():
            targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
            if not targets:
                continue
            datasource = panel.get("datasource")
            builtin = builtin_datasource(datasource)
            if builtin in ("dashboard", "grafana", "expression"):
                continue  # another panel's results, or Grafana's own data: nothing to choose
            if builtin == "mixed":
                wrong = [t for t in targets if _variable(t.get("datasource")) not in variables
                         and builtin_datasource(t.get("datasource")) is None]
                if wrong:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{wrong[0].get('refId', '?')} does not use the data "
                                       "source variable", doc.target_source(panel, wrong[0]))
                continue
            if _variable(datasource) not in variables:
                yield self.problem(f"panel '{panel.get('title', '')}' uses "
                                   f"{_describe(datasource)}, not the data source variable: "
                                   f"{_advice(datasource, doc)}", doc.panel_source(panel))
                continue
            for target in targets:
                own = target.get("datasource")
                if own is not None and _variable(own) not in variables \
                        and builtin_datasource(own) is None:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{target.get('refId', '?')} uses {_describe(own)}, not "
                                       "the data source variable", doc.target_source(panel, target))
                    break


# Grafana's built-in data sources, by the uids, types and names dashboards refer to them with.
# Server-side expressions: pkg/expr/service.go (DatasourceType = DatasourceUID = "__expr__",
# OldDatasourceUID = "-100"), and isExpressionReference in
# packages/grafana-runtime/src/utils/DataSourceWithBackend.ts, which also takes the name
# "Expression" and checks a reference's type as well as its uid (an export's
# {"type": "__expr__", "uid": "${DS_EXPRESSION}"}). The others are frontend constants:
# SHARED_DASHBOARD_QUERY = "-- Dashboard --" (plugins/datasource/dashboard/constants.ts),
# MIXED_DATASOURCE_NAME = "-- Mixed --" (plugins/datasource/mixed/MixedDataSource.ts), and
# GRAFANA_DATASOURCE_NAME = "-- Grafana --", uid "grafana" (plugins/datasource/grafana).
_BUILTIN = {
    "__expr__": "expression", "-100": "expression", "Expression": "expression",
    "-- Dashboard --": "dashboard", "-- Grafana --": "grafana", "grafana": "grafana",
    "-- Mixed --": "mixed",
}
# Their plugin ids, as a reference's type (DASHBOARD_DATASOURCE_PLUGIN_ID = "dashboard").
_BUILTIN_TYPES = {"__expr__": "expression", "dashboard": "dashboard", "grafana": "grafana",
                  "mixed": "mixed"}


def builtin_datasource(datasource) -> str | None:
    """Which of Grafana's built-in data sources a reference names ("expression",
    "dashboard", "grafana" or "mixed"), or None for a real (or variable) data source."""
    if isinstance(datasource, str):
        return _BUILTIN.get(datasource)
    if not isinstance(datasource, dict):
        return None
    uid, kind = datasource.get("uid"), datasource.get("type")
    by_uid = _BUILTIN.get(uid) if isinstance(uid, str) else None
    return by_uid or (_BUILTIN_TYPES.get(kind) if isinstance(kind, str) else None)


def _variable(datasource) -> str | None:
    """The variable a data source reference names (${ds}, $ds, [[ds]]), if any."""
    reference = datasource.get("uid") if isinstance(datasource, dict) else datasource
    if not isinstance(reference, str):
        return None
    match = _VARIABLE_REFERENCE.match(reference)
    return next((g for g in match.groups() if g), None) if match else None


def _advice(datasource, doc) -> str:
    """What to set a panel's data source to: a variable of its plugin type (a Prometheus one
    for Grafana's default or a Prometheus source), or one to add when the dashboard has none
    of that type (a panel on Elasticsearch is not made right by the Prometheus variable)."""
    kind = datasource.get("type") if isinstance(datasource, dict) else None
    if not isinstance(kind, str) or not kind:
        kind = None if datasource is None or is_promql_datasource(datasource) else ""
    kind = "prometheus" if kind is None else kind
    lists = {v["name"]: str(v.get("query") or "").lower() for v in doc.variables()
             if v.get("type") == "datasource" and isinstance(v.get("name"), str)}
    same = sorted(name for name, query in lists.items() if query == kind) if kind else []
    if kind == "prometheus" and not same:
        same = sorted(lists)  # a variable of no stated plugin: the dashboard's only choice
    if same:
        return f'set it to {{"type": "{kind}", "uid": "${{{same[0]}}}"}}'
    if kind:
        return (f'add a data source variable of its plugin ({{"type": "datasource", "query": '
                f'"{kind}"}}) and set it to that')
    return "add a data source variable of its plugin type and set it to that"


def _describe(datasource) -> str:
    if datasource is None:
        return "Grafana's default data source"
    if isinstance(datasource, dict):
        return f"data source uid {datasource.get('uid')!r}"
    return f"data source {datasource!r}"
