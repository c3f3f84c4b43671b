from __future__ import annotations

from dashsmith.checks.rule import Rule


class PromqlEmpty(Rule):
    """A query returned no series although each of its selectors matches some (verify).

    verify names the innermost part that returned nothing while its inputs did, with a hint:
    histogram_quantile over input with no `le` label, a rate() whose window held fewer than
    two samples, a binary operation whose two sides never match, a comparison nothing
    passed, every value NaN. An error for panels, a warning for recording rules.

    Anti-pattern:
        histogram_quantile(0.95, sum by (tier) (rate(ai_latency_seconds_bucket[5m])))

    Best practice:
        histogram_quantile(0.95, sum by (le, tier) (rate(ai_latency_seconds_bucket[5m])))
    """

    id = "promql/empty"
    reported_by = ("verify",)
