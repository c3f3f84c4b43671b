from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.rules.promql_syntax import not_parsed
from dashsmith.checks.subjects import rule_kind, rule_site


class RuleExpr(Rule):
    """A rule has no expression, or one that does not parse.

    Prometheus refuses the whole rule file then, so build refuses it too. The finding is at
    the character the parser stopped at (for a multi-line expression, also its line), as
    promql/syntax places a dashboard query's.

    Anti-pattern:
        Alert("HighErrorRate", expr="")
        Alert("HighErrorRate", expr="sum(rate(errors_total[5m]) > 1")

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
        for rule in doc.rules:
            found = not_parsed(rule_site(rule)) if rule.expr.strip() else None
            if found is not None:
                yield self.problem(*found)
