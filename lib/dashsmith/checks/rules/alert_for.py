from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.model import durations
from dashsmith.model.problems import Severity


class AlertFor(Rule):
    """An alert has no `for`, or a `for` of zero.

    Without `for`, one evaluation over the threshold pages someone: a single slow scrape or
    a deploy's blip is enough. (A `for` that is not a Prometheus duration at all is
    rule/format: Prometheus would not load the rule.) Two alerts need none: a dead man's
    switch (`vector(1)`, firing always on purpose), and one whose every series is read over
    a window of an hour or more (`avg_over_time(up[1d]) < 0.99`): the window already
    smooths a blip away.

    Anti-pattern:
        Alert("HighErrorRate", expr="... > 0.1")
        Alert("HighErrorRate", expr="... > 0.1", for_="0s")

    Best practice:
        Alert("HighErrorRate", expr="... > 0.1", for_="5m")
    """

    id = "alert/for"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        value = rule.data.get("for")
        key = "for" if rule.external else "for_"  # the input's own word for it
        if value is None and not _smoothed(rule.expr):
            yield self.problem(f"alert '{rule.name}' has no `for`: it fires on one evaluation "
                               f"over the threshold; set {key} (e.g. 5m)", rule.source)
        elif value is not None and durations.is_duration(value) and durations.parse(value) == 0:
            yield self.problem(f"alert '{rule.name}' has `for: {value}`: it fires on the "
                               f"first evaluation; set {key} (e.g. 5m)", rule.source)


SMOOTHING_WINDOW = 3600.0  # seconds: a range this long already smooths away a blip


def _smoothed(expr: str) -> bool:
    """A dead man's switch (series from vector() alone), or every series read over a long
    range."""
    root = promql.parse(expr, grafana=False).root
    if root is None:
        return False
    selectors = [n for n in root.walk() if isinstance(n, promql.Selector)]
    if not selectors:
        return any(isinstance(n, promql.Call) and n.function == "vector" for n in root.walk())
    return all(_window(s) >= SMOOTHING_WINDOW for s in selectors)


def _window(selector) -> float:
    """The range the selector is read over: its own, or an enclosing subquery's."""
    if selector.range is not None:
        return selector.range
    ranges = [n.range for n in selector.ancestors() if isinstance(n, promql.Subquery)]
    return max(ranges, default=0.0)
