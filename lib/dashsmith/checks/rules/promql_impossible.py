from __future__ import annotations

from dashsmith.checks import labels
from dashsmith.checks.rule import Rule


class PromqlImpossible(Rule):
    """A label is used after the expression removed it.

    `by`, `on`, `group_left`, a legend's {{label}} and an annotation's {{ $labels.x }} can
    only read labels the expression still carries. After `sum(...)` without `by`, no label is
    left; after `sum by (a)`, only `a`.

    Anti-pattern:
        sum by (provider) (sum(rate(ai_errors_total[5m])))
        legend "{{provider}}" on  sum(rate(ai_errors_total[$__rate_interval]))

    Best practice:
        sum by (provider) (rate(ai_errors_total[5m]))
    """

    id = "promql/impossible"

    def query(self, site, context):
        for reference in labels.references(site, context):
            if reference.verdict == labels.IMPOSSIBLE:
                yield self.problem(site.expression.restore(reference.message),
                                   reference.where(site))
