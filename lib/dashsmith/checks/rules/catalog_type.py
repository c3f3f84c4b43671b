from __future__ import annotations

from dashsmith.checks.rule import Rule


class CatalogType(Rule):
    """The live metadata gives a metric another type than the catalog (verify).

    lint's checks of rate() on counters and of histogram_quantile() trust the catalog's type;
    a wrong one makes them judge the queries wrongly.

    Anti-pattern:
        Gauge("ai_completions_total", ...)     # the exporter exports a counter

    Best practice:
        Counter("ai_completions_total", ...)
    """

    id = "catalog/type"
    reported_by = ("verify",)
