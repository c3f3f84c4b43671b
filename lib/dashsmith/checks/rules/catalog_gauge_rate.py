from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model.catalog import MetricType

COUNTER_FUNCTIONS = frozenset({"rate", "irate", "increase", "resets"})
# The functions that assume a counter.


class GaugeRate(Rule):
    """rate(), irate() or increase() is applied to a gauge.

    These functions assume a counter: every drop in value is taken for a process restart
    and the value added back, so a gauge that goes down shows spikes that never happened.

    Anti-pattern:
        rate(ai_active_requests[5m])

    Best practice:
        deriv(ai_active_requests[5m])        # or avg_over_time(ai_active_requests[5m])
    """

    id = "catalog/gauge-rate"
    needs_catalog = True

    def query(self, site, context):
        for selector in site.value_selectors():
            series = context.series(selector.name)
            consumer = selector.consumer()
            if series is None or series.type is MetricType.COUNTER \
                    or not isinstance(consumer, promql.Call) \
                    or consumer.function not in COUNTER_FUNCTIONS:
                continue
            yield self.problem(
                f"{consumer.function}() on '{selector.name}', a {series.type}: it treats every "
                "drop as a counter reset; use deriv() for its rate of change or "
                "avg_over_time() to smooth it", site.at_token(consumer.function))
