from __future__ import annotations

from ..rule import Rule


class RuleDuplicate(Rule):
    """Two rules are the same: same name and labels, or same expression and labels.

    Two recording rules writing one series overwrite each other; two identical alerts page
    twice. (An alert at two severities with two thresholds is not a duplicate.)

    Anti-pattern:
        Alert("HighErrorRate", expr="... > 0.1", severity="warning")   # twice

    Best practice:
        Declare each rule once; share thresholds through one module both read.
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
