from __future__ import annotations

from dashsmith.checks import gotemplate
from dashsmith.checks.rule import Rule


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
