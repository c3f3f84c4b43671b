from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model.catalog import MetricType


class HistogramQuantile(Rule):
    """histogram_quantile() is not given the buckets of a declared histogram.

    It needs the `_bucket` series of a histogram the catalog declares, normally as
    `sum by (le, ...) (rate(x_bucket[5m]))`: the histogram's own name matches no series, and
    another kind of series has no buckets. (An aggregation that drops `le` is
    promql/histogram-le.)

    Anti-pattern:
        histogram_quantile(0.95, tradingagents_analysis_duration_seconds)

    Best practice:
        histogram_quantile(0.95,
          sum by (le) (rate(tradingagents_analysis_duration_seconds_bucket[5m])))
    """

    id = "catalog/histogram-quantile"
    needs_catalog = True

    def query(self, site, context):
        for node in site.expression.nodes():
            if isinstance(node, promql.Call) and node.function == "histogram_quantile" \
                    and len(node.args) == 2:
                message = self._check(node.args[1], context)
                if message:
                    yield self.problem(site.expression.restore(message),
                                       site.at_token("histogram_quantile"))

    def _check(self, argument, context) -> str | None:
        for selector in (n for n in argument.walk() if isinstance(n, promql.Selector)):
            name = selector.name
            if not name or selector.name_is_variable:
                continue
            if context.histogram(name) is not None:
                return (f"histogram_quantile() reads '{name}', the histogram's name, which "
                        f"matches no series: use its buckets, e.g. histogram_quantile(0.95, "
                        f"sum by (le) (rate({name}_bucket[5m])))")
            series = context.series(name)
            if series is not None and not (series.metric.type is MetricType.HISTOGRAM
                                           and series.suffix == "_bucket"):
                return (f"histogram_quantile() needs a histogram's _bucket series; "
                        f"'{name}' is a {series.type}")
        return None  # `le` aggregated away is promql/histogram-le's: it needs no catalog
