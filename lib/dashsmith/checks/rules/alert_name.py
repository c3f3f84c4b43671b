from __future__ import annotations

import re

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity

_CAMEL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


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
