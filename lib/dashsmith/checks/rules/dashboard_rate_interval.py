from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model import durations
from dashsmith.model.problems import Severity

_STEP_FUNCTIONS = frozenset({"rate", "irate", "increase", "delta", "idelta"})


class DashboardRateInterval(Rule):
    """A dashboard's rate() window is not $__rate_interval (or $__range for one value).

    A fixed window is wrong at some zoom level: shorter than the step, it skips samples;
    under 4 scrapes, it shows gaps. $__rate_interval follows the step and never falls below
    4 scrape intervals. Panels that show one value over the time range (stat, gauge, bar
    gauge, pie chart, table, instant queries) may use $__range. increase()/delta() may use
    $__interval, and a window equal to the query's fixed interval (bars per day with
    interval "1d" and [1d]) is a deliberate per-bar total.

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
