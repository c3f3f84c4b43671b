from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model import durations
from dashsmith.model.problems import Severity


class PromqlRange(Rule):
    """A range in a rule covers fewer than 4 scrape intervals.

    rate() needs at least two samples in its window; with a window of under 4 scrapes, one
    missed or late scrape leaves it empty and the rule sees no data. The scrape interval is
    the `scrape_interval` setting of [dashsmith] in setup.cfg.

    Anti-pattern:
        rate(ai_errors_total[30s])          # scrape interval 15s

    Best practice:
        rate(ai_errors_total[1m])           # or longer
    """

    id = "promql/range"
    severity = Severity.WARNING
    sites = ("rule",)

    def query(self, site, context):
        minimum = 4 * context.scrape_interval
        for selector in site.expression.selectors():
            if selector.range is not None and 0 < selector.range < minimum:
                yield self.problem(
                    f"{selector} covers {selector.range / context.scrape_interval:g} scrapes at "
                    f"{durations.format(context.scrape_interval)}: use at least "
                    f"[{durations.format(minimum)}] (4 scrape intervals) so one missed scrape "
                    "cannot empty it", site.source)
