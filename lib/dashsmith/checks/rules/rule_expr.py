from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import rule_kind


class RuleExpr(Rule):
    """A rule has no expression.

    Anti-pattern:
        Alert("HighErrorRate", expr="")

    Best practice:
        Alert("HighErrorRate", expr="sum(rate(errors_total[5m])) > 1")
    """

    id = "rule/expr"
    structural = True

    def rule_file(self, doc, context):
        for group in doc.groups:
            for entry, source in group.entries:
                if rule_kind(entry) is not None and not str(entry.get("expr") or "").strip():
                    yield self.problem("rule has no expression", source)
