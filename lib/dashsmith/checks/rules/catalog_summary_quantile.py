from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model.catalog import MetricType

# Aggregations that combine values, which a summary's precomputed quantiles cannot take.
COMBINING = frozenset({"sum", "avg", "quantile", "stddev", "stdvar"})


class SummaryQuantile(Rule):
    """A summary's quantiles are summed or averaged.

    A summary computes its quantiles inside each process; the average of two p99s is not the
    p99 of anything. Use max() for a bound, or a histogram if quantiles must be aggregated.

    Anti-pattern:
        avg(rpc_duration_seconds{quantile="0.99"})

    Best practice:
        max(rpc_duration_seconds{quantile="0.99"})
    """

    id = "catalog/summary-quantile"
    needs_catalog = True

    def query(self, site, context):
        for selector in site.value_selectors():
            series = context.series(selector.name)
            if series is None or series.metric.type is not MetricType.SUMMARY or series.suffix:
                continue
            combining = next((n for n in selector.around()
                              if isinstance(n, promql.Aggregate) and n.op in COMBINING), None)
            if combining is not None:
                yield self.problem(
                    f"`{combining}` combines the quantiles of summary '{selector.name}', which "
                    "cannot be summed or averaged across processes; use max(), or a histogram",
                    site.at_token(selector.name))
