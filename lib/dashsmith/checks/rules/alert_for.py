from __future__ import annotations

from ... import durations
from ...problems import Severity
from ..rule import Rule


class AlertFor(Rule):
    """An alert has no `for`, or a `for` of zero.

    Without `for`, one evaluation over the threshold pages someone: a single slow scrape or
    a deploy's blip is enough. (A `for` that is not a Prometheus duration at all is
    rule/format: Prometheus would not load the rule.)

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
        if value is None:
            yield self.problem(f"alert '{rule.name}' has no `for`: it fires on one evaluation "
                               "over the threshold; set for_ (e.g. 5m)", rule.source)
        elif durations.is_duration(value) and durations.parse(value) == 0:
            yield self.problem(f"alert '{rule.name}' has `for: {value}`: it fires on the "
                               "first evaluation; set for_ (e.g. 5m)", rule.source)
