from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class VariableValues(Rule):
    """A dashboard variable's query found no values on the live Prometheus (verify).

    Every panel that uses the variable then shows nothing: the metric or the label the
    variable reads is missing.

    Anti-pattern:
        label_variable("provider", "ai_completion_total")     # the metric is ai_completions_total

    Best practice:
        label_variable("provider", "ai_completions_total")
    """

    id = "variable/values"
    severity = Severity.WARNING
    reported_by = ("verify",)
