from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model.catalog import MetricType

# Functions that read a counter correctly, or only count or time its series.
COUNTER_READERS = frozenset({"rate", "irate", "increase", "resets", "changes", "absent",
                             "absent_over_time", "present_over_time", "count_over_time",
                             "timestamp"})
# Aggregations that count series rather than combine their values.
COUNTING = frozenset({"count", "group"})


class CounterRate(Rule):
    """A counter is read as a raw value instead of through rate() or increase().

    A counter only grows, and drops to zero when its process restarts; its raw value says
    how long the process has been up more than anything about now. Read it with rate(),
    irate() or increase(); count(), absent() and the like may read it as it is.

    Anti-pattern:
        sum(ai_errors_total) > 10

    Best practice:
        sum(increase(ai_errors_total[10m])) > 10
    """

    id = "catalog/counter-rate"
    needs_catalog = True

    def query(self, site, context):
        for selector in site.value_selectors():
            series = context.series(selector.name)
            if series is None or series.type is not MetricType.COUNTER:
                continue
            consumer = selector.consumer()
            if reads_counter_correctly(selector, consumer):
                continue
            by = f" by `{consumer}`" if consumer is not None else ""
            yield self.problem(
                site.expression.restore(
                    f"counter '{selector.name}' is read as a raw value{by}: use "
                    f"rate({selector.name}[...]) or increase({selector.name}[...])"),
                site.at_token(selector.name))


def reads_counter_correctly(selector: promql.Selector, consumer: promql.Node | None) -> bool:
    """Whether `consumer` reads counter `selector` as a counter should be read: rate() and the
    like, counting its series, or the right side of `and`/`unless` (import follows this too)."""
    if isinstance(consumer, promql.Call):
        return consumer.function in COUNTER_READERS
    if isinstance(consumer, promql.Aggregate):
        return consumer.op in COUNTING
    if isinstance(consumer, promql.Binary) and consumer.op in ("and", "unless"):
        # The right side of `and`/`unless` only says which series exist.
        return any(node is consumer.rhs for node in [selector, *selector.ancestors()])
    return False
