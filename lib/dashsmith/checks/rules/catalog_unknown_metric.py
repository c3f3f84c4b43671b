from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule


class UnknownMetric(Rule):
    """A query reads a metric the catalog does not declare.

    The series will not exist (a typo, or the name the code gives is not the name
    Prometheus stores); the panel shows "No data" and the alert never fires. Names from
    recording rules and Prometheus's own series (up, ALERTS, scrape_*) are known too.

    Anti-pattern:
        rate(tradingagents_llm_cost_usd[1h])      # the client appends _total to counters

    Best practice:
        rate(tradingagents_llm_cost_usd_total[1h])
    """

    id = "catalog/unknown-metric"

    def query(self, site, context):
        if context.catalog is None:
            return
        for selector in site.expression.named_selectors():
            name = selector.name
            if context.is_known(name) or _inside_histogram_quantile(selector, context):
                continue
            yield self.problem(site.expression.restore(
                f"'{name}' is not in the metric catalog: {_suggestion(name, context)}"),
                site.at_token(name))


def _inside_histogram_quantile(selector, context) -> bool:
    """A histogram's own name inside histogram_quantile: catalog/histogram-quantile says more."""
    return context.histogram(selector.name) is not None and any(
        isinstance(n, promql.Call) and n.function == "histogram_quantile"
        for n in selector.around())


def _suggestion(name: str, context) -> str:
    if context.histogram(name) is not None:
        return (f"it is a histogram, which Prometheus stores as {name}_bucket, {name}_sum and "
                f"{name}_count")
    if context.is_known(name + "_total"):
        return (f"did you mean '{name}_total'? (Prometheus client libraries append _total to "
                "counter names)")
    close = context.near_names(name)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "declare it in the catalog, or correct the name"
