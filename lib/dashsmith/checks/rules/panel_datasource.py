from __future__ import annotations

import re

from dashsmith.checks.rule import Rule

_VARIABLE_REFERENCE = re.compile(r"^\$\{(\w+)\}$|^\$(\w+)$|^\[\[(\w+)\]\]$")


class PanelDatasource(Rule):
    """A panel (or one of its queries) does not use the dashboard's data source variable.

    A panel pinned to one data source (or left to Grafana's default) shows that one whatever
    the data source picker says.

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
            if _reuses_another_panel(datasource):
                continue  # its data is another panel's query result, on that panel's source
            if _is_mixed(datasource):
                wrong = [t for t in targets if _variable(t.get("datasource")) not in variables]
                if wrong:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{wrong[0].get('refId', '?')} does not use the data "
                                       "source variable", doc.target_source(panel, wrong[0]))
                continue
            if _variable(datasource) not in variables:
                yield self.problem(f"panel '{panel.get('title', '')}' uses "
                                   f"{_describe(datasource)}, not the data source variable: "
                                   "set it to {\"type\": \"prometheus\", \"uid\": \"${"
                                   f"{sorted(variables)[0]}}}\"}}", doc.panel_source(panel))
                continue
            for target in targets:
                own = target.get("datasource")
                if own is not None and _variable(own) not in variables:
                    yield self.problem(f"panel '{panel.get('title', '')}': query "
                                       f"{target.get('refId', '?')} uses {_describe(own)}, not "
                                       "the data source variable", doc.target_source(panel, target))
                    break


def _reuses_another_panel(datasource) -> bool:
    """Grafana's "-- Dashboard --" data source: the results of another panel's queries."""
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    return uid == "-- Dashboard --" or (isinstance(datasource, dict)
                                        and datasource.get("type") == "dashboard")


def _is_mixed(datasource) -> bool:
    uid = datasource.get("uid") if isinstance(datasource, dict) else datasource
    return uid == "-- Mixed --"


def _variable(datasource) -> str | None:
    """The variable a data source reference names (${ds}, $ds, [[ds]]), if any."""
    reference = datasource.get("uid") if isinstance(datasource, dict) else datasource
    if not isinstance(reference, str):
        return None
    match = _VARIABLE_REFERENCE.match(reference)
    return next((g for g in match.groups() if g), None) if match else None


def _describe(datasource) -> str:
    if datasource is None:
        return "Grafana's default data source"
    if isinstance(datasource, dict):
        return f"data source uid {datasource.get('uid')!r}"
    return f"data source {datasource!r}"
