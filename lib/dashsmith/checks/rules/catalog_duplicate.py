from __future__ import annotations

from dashsmith.checks.rule import Rule


class CatalogDuplicate(Rule):
    """A metric is declared twice in the catalog.

    Two declarations of one name may disagree on type or labels; the catalog keeps one, so
    checks would silently use the other.

    Anti-pattern:
        Counter("ai_errors_total", ...)   # in metrics/ai.py and again in metrics/app.py

    Best practice:
        Declare each metric once, in the module of the exporter that exports it.
    """

    id = "catalog/duplicate"
    compares = True  # with what context.seen holds
    structural = True

    def declared(self, estate, context):
        for metric in estate.catalog.declared:
            earlier = context.first_seen(("metric", metric.name), metric.source)
            if earlier is not None:
                yield self.problem(f"metric '{metric.name}' is declared twice (first at "
                                   f"{context.where(earlier)})", metric.source)
