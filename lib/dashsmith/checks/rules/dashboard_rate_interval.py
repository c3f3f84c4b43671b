from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model import durations
from dashsmith.model.problems import Severity

_STEP_FUNCTIONS = frozenset({"rate", "irate", "increase", "delta", "idelta"})
# The functions whose result is a total or average over the window, so a long window is a
# period (per hour, per day) rather than a sampling resolution.
_PERIOD_FUNCTIONS = frozenset({"rate", "increase", "delta"})
# From this long on, a graph's fixed window is taken for a period chosen for its meaning.
PERIOD = 3600.0


class DashboardRateInterval(Rule):
    """A dashboard's rate() window is not $__rate_interval (or $__range for one value).

    A fixed window is wrong at some zoom level: shorter than the step, it skips samples;
    under 4 scrapes, it shows gaps. $__rate_interval follows the step and never falls below
    4 scrape intervals. Panels that show one value over the time range (stat, gauge, bar
    gauge, pie chart, table, instant queries) may use $__range. increase()/delta() may use
    $__interval, and a window equal to the query's fixed interval (bars per day with
    interval "1d" and [1d]) is a deliberate per-bar total.

    $__rate_interval is max($__interval + scrape interval, 4 x scrape interval) (Grafana's
    Prometheus template variables page): it fixes a window sized for the scrape interval,
    which the step outgrows as the graph zooms out. A fixed window of an hour or more in a
    graph is not that: rate(), increase() or delta() over [1h] or [1d] is a trailing total
    chosen for what it means ("requests per day", each point the last 24 hours), which
    $__rate_interval would turn into a count per step; and it is longer than the step of
    every range up to about a month at Grafana's usual resolution, so it skips no samples.
    Such windows are not reported (irate() and idelta() read only the last two samples, so
    their window is never a period).

    Anti-pattern:
        timeseries("Errors", "sum(rate(ai_errors_total[5m]))")

    Best practice:
        timeseries("Errors", "sum(rate(ai_errors_total[$__rate_interval]))")
        stat("Errors", "sum(increase(ai_errors_total[$__range]))")
    """

    id = "dashboard/rate-interval"
    severity = Severity.WARNING
    sites = ("panel",)

    def query(self, site, context):
        steps = {_seconds(step) for step in site.steps}
        for selector in site.expression.selectors():
            consumer = selector.consumer()
            if selector.range is None or not isinstance(consumer, promql.Call) \
                    or consumer.function not in _STEP_FUNCTIONS:
                continue
            allowed = {"__rate_interval"}
            if site.instant:
                allowed.add("__range")
            if consumer.function in ("increase", "delta"):
                allowed.add("__interval")
            if selector.range_variable in allowed or selector.range in steps:
                continue
            if not site.instant and selector.range_variable is None \
                    and consumer.function in _PERIOD_FUNCTIONS and selector.range >= PERIOD:
                continue  # a trailing hour or day, on purpose
            better = "[$__range]" if site.instant else "[$__rate_interval]"
            window = (f"${selector.range_variable} as its window" if selector.range_variable
                      else "a fixed window")
            yield self.problem(site.expression.restore(
                f"{consumer.function}({selector}) has {window}: use {better}"), site.source)


def _seconds(text: str) -> float | None:
    try:
        return durations.parse(text)
    except ValueError:
        return None
