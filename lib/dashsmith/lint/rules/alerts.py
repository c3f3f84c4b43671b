"""Rules about alerting and recording rules as Prometheus and Alertmanager will use them."""

from __future__ import annotations

import re

from ... import durations, validate
from ...problems import Severity
from ... import promql
from .. import gotemplate
from ..rule import Rule

SEVERITIES = ("critical", "warning", "info")
_CAMEL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


class AlertComparison(Rule):
    """An alert's expression has no comparison, so it fires for every series it returns.

    An alert fires for each series its expression yields. Without a comparison (or absent()),
    every series is returned, all the time.

    Anti-pattern:
        Alert("HighErrorRate", expr="sum(rate(tradingagents_analyses_total{status='error'}[5m]))")

    Best practice:
        Alert("HighErrorRate", expr="sum(rate(tradingagents_analyses_total{status='error'}[5m])) > 0.1")
    """

    id = "alert/comparison"
    sites = ("rule",)

    def query(self, site, context):
        if site.rule.is_alert and not promql.can_be_empty(site.expression.root):
            yield self.problem(f"alert '{site.rule.name}' has no comparison: it fires for every "
                               "series the expression returns; compare it with a threshold "
                               "(e.g. `> 0.1`)", site.rule.source)


class AlertFor(Rule):
    """An alert has no `for`, or a `for` that is not a duration.

    Without `for`, one evaluation over the threshold pages someone: a single slow scrape or
    a deploy's blip is enough. `for` (and `keep_firing_for`) must be Prometheus durations.
    Missing is a warning; a value Prometheus cannot read is an error.

    Anti-pattern:
        Alert("HighErrorRate", expr="... > 0.1")
        Alert("HighErrorRate", expr="... > 0.1", for_="5 minutes")

    Best practice:
        Alert("HighErrorRate", expr="... > 0.1", for_="5m")
    """

    id = "alert/for"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        for key in ("for", "keep_firing_for"):
            value = rule.data.get(key)
            if value is None:
                continue
            if not durations.is_duration(value):
                if rule.external:  # a declared alert's is rule/format, which build refuses
                    yield self.problem(f"alert '{rule.name}': {key} {value!r} "
                                       f"{validate.NOT_A_DURATION}", rule.source, Severity.ERROR)
                continue
            seconds = durations.parse(value)
            if key == "for" and seconds == 0:
                yield self.problem(f"alert '{rule.name}' has `for: {value}`: it fires on the "
                                   "first evaluation; set for_ (e.g. 5m)", rule.source)
        if rule.data.get("for") is None:
            yield self.problem(f"alert '{rule.name}' has no `for`: it fires on one evaluation "
                               "over the threshold; set for_ (e.g. 5m)", rule.source)


class AlertSeverity(Rule):
    """An alert has no severity label, or one other than critical, warning or info.

    Alertmanager routes on severity: critical pages, warning and info go to chat. Any other
    value matches no route.

    Anti-pattern:
        Alert("HighErrorRate", ..., severity="high")

    Best practice:
        Alert("HighErrorRate", ..., severity="warning")
    """

    id = "alert/severity"

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        severity = rule.labels().get("severity")
        if severity is None:
            yield self.problem(f"alert '{rule.name}' has no severity: set severity to one of "
                               f"{', '.join(SEVERITIES)}", rule.source)
        elif severity not in SEVERITIES:
            yield self.problem(f"alert '{rule.name}' has severity {severity!r}: use one of "
                               f"{', '.join(SEVERITIES)}", rule.source)


class _RequiredAnnotation(Rule):
    annotation = ""
    advice = ""
    severity = Severity.WARNING

    def rule(self, rule, context):
        if rule.is_alert and not str(rule.annotations().get(self.annotation) or "").strip():
            yield self.problem(f"alert '{rule.name}' has no {self.annotation}: {self.advice}",
                               rule.source)


class AlertSummary(_RequiredAnnotation):
    """An alert has no summary annotation.

    The summary is the one line a notification shows: what is wrong, in a sentence.

    Anti-pattern:
        Alert("HighErrorRate", expr=..., for_="5m", severity="warning")

    Best practice:
        Alert("HighErrorRate", ..., summary="More than 10% of analyses are failing.")
    """

    id = "alert/summary"
    annotation = "summary"
    advice = "add one sentence saying what is wrong"


class AlertDescription(_RequiredAnnotation):
    """An alert has no description annotation.

    The description tells the person paged how bad it is and where: the value and the labels
    ({{ $value }}, {{ $labels.instance }}).

    Anti-pattern:
        Alert("HighErrorRate", ..., summary="Analyses fail.")

    Best practice:
        Alert("HighErrorRate", ..., summary="Analyses fail.",
              description="{{ $value | humanizePercentage }} of analyses failed in 5 minutes.")
    """

    id = "alert/description"
    annotation = "description"
    advice = "say how bad it is and where, with {{ $value }} and {{ $labels.x }}"


class AlertRunbook(_RequiredAnnotation):
    """An alert has no runbook_url annotation.

    dashsmith sets runbook_url for declared alerts from the `runbook_url` setting; rule files
    written by hand need it too, so the person paged knows what to do.

    Anti-pattern:
        annotations: {summary: "Disk full."}

    Best practice:
        annotations: {summary: "Disk full.", runbook_url: "https://.../runbook.md#diskfull"}
    """

    id = "alert/runbook-url"
    annotation = "runbook_url"
    advice = "link the runbook section for it"


class AlertName(Rule):
    """An alert name is not CamelCase.

    Alert names are read in notifications, silences and routes; one style (CamelCase, as the
    Prometheus community writes them) keeps them searchable.

    Anti-pattern:
        Alert("high_error_rate", ...)

    Best practice:
        Alert("HighErrorRate", ...)
    """

    id = "alert/name"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if rule.is_alert and not _CAMEL_CASE.match(rule.name):
            yield self.problem(f"alert name '{rule.name}' is not CamelCase (e.g. "
                               f"'{_camel(rule.name)}')", rule.source)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


class AlertTemplate(Rule):
    """An alert's annotation or label is not a valid Go template.

    Prometheus expands annotations and labels as Go templates; one that does not parse makes
    the whole rule file fail to load. Functions must exist (humanize, humanizePercentage,
    humanizeDuration, printf, ...), variables must be $labels, $value, $externalLabels or
    declared, and every {{if}}/{{range}} needs its {{end}}. A label must not use $value:
    each new value would be a new alert, and `for` would start over.

    Anti-pattern:
        description="{{ $value | humanise }} errors on {{ $labels.instance }"

    Best practice:
        description="{{ $value | humanize }} errors on {{ $labels.instance }}"
    """

    id = "alert/template"

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        for kind, values in (("annotation", rule.annotations()), ("label", rule.labels())):
            for key, text in values.items():
                if not isinstance(text, str) or "{{" not in text:
                    continue
                template = gotemplate.parse(text)
                if template.errors:
                    message, _ = template.errors[0]
                    yield self.problem(f"alert '{rule.name}': {kind} '{key}' is not a valid "
                                       f"template: {message}", rule.source)
                elif kind == "label" and template.uses_value:
                    yield self.problem(f"alert '{rule.name}': label '{key}' uses $value, which "
                                       "makes a new alert at every change; move it to an "
                                       "annotation", rule.source)


class RuleDuplicate(Rule):
    """Two rules are the same: same name and labels, or same expression and labels.

    Two recording rules writing one series overwrite each other; two identical alerts page
    twice. (An alert at two severities with two thresholds is not a duplicate.)

    Anti-pattern:
        Alert("HighErrorRate", expr="... > 0.1", severity="warning")   # twice

    Best practice:
        Declare each rule once; share thresholds through alerts/thresholds.py.
    """

    id = "rule/duplicate"

    def rule(self, rule, context):
        kind = "alert" if rule.is_alert else "record"
        labels = tuple(sorted((str(k), str(v)) for k, v in rule.labels().items()))
        earlier = context.first_seen((kind, rule.name, labels), rule.source)
        if earlier is not None:
            yield self.problem(f"{kind} '{rule.name}' with these labels is also declared at "
                               f"{context.where(earlier)}", rule.source)
            return
        expression = " ".join(rule.expr.split())
        earlier = context.first_seen((kind, "expr", expression, labels), rule.source)
        if earlier is not None:
            yield self.problem(f"{kind} '{rule.name}' has the same expression and labels as the "
                               f"rule at {context.where(earlier)}", rule.source)
