from __future__ import annotations

from dashsmith.checks import labels
from dashsmith.checks.rule import Rule
from dashsmith.checks.spelling import did_you_mean
from dashsmith.checks.subjects import variable_query


class UnknownLabel(Rule):
    """A query names a label that its metrics do not have.

    Checked in matchers, `by`, `on`, `group_left`/`group_right`, a panel legend's {{label}},
    a variable's label_values(metric, label) and an alert's {{ $labels.x }}, against the
    labels the catalog declares for each metric (plus job and instance, which every target
    has, and le/quantile of histogram buckets and summaries).

    Anti-pattern:
        sum by (agent) (rate(tradingagents_agent_executions_total[5m]))

    Best practice:
        sum by (agent_name) (rate(tradingagents_agent_executions_total[5m]))
    """

    id = "catalog/unknown-label"

    def query(self, site, context):
        if context.catalog is None:
            return
        for reference in labels.references(site, context):
            if reference.verdict == labels.UNKNOWN:
                yield self.problem(site.expression.restore(reference.message),
                                   reference.where(site))

    def dashboard(self, doc, context):
        if context.catalog is None:
            return
        known = set()
        for metric in context.catalog:
            known |= metric.label_names
        for variable in doc.variables():
            parsed = variable_query(variable)
            if parsed and parsed[0] == "label_values" and parsed[1] is None \
                    and parsed[2] not in known and not parsed[2].startswith("$"):
                hint = did_you_mean(parsed[2], known)
                yield self.problem(f"variable '{variable.get('name')}': no metric in the catalog "
                                   f"has label '{parsed[2]}'" + (f"; {hint}" if hint else ""),
                                   doc.variable_source(variable))
