from __future__ import annotations

import re

from dashsmith import promql
from dashsmith.checks.rule import Rule


class RuleDuplicate(Rule):
    """Two rules are the same: the series they write can collide, or they are one alert twice.

    Two recording rules writing one series overwrite each other: same name and labels, and
    expressions that can return the same series (a record split by disjoint matchers, such
    as `code=~"2.."` and `code=~"5.."`, writes different series). Two alerts of one name and
    labels with one expression page twice (with different expressions, they are one alert's
    conditions; at two severities, they are not the same alert). Two rules of one kind with
    one expression and labels under different names are one rule twice. Rule files given as
    paths are compared within each file (files passed together may be alternatives, as two
    mixins' copies of one rule); the declared rule files, which deploy together, as a whole.

    Anti-pattern:
        Alert("HighErrorRate", expr="... > 0.1", severity="warning")   # twice

    Best practice:
        Declare each rule once; share thresholds through one module both read.
    """

    id = "rule/duplicate"
    compares = True  # with what context.seen holds

    def rule(self, rule, context):
        kind = "alert" if rule.is_alert else "record"
        scope = rule.file if rule.external else None
        labels = tuple(sorted((str(k), str(v)) for k, v in rule.labels().items()))
        expression = " ".join(rule.expr.split())
        for earlier in context.seen((scope, kind, rule.name, labels), rule):
            if _collide(kind, earlier.expr, rule.expr):
                yield self.problem(f"{kind} '{rule.name}' with these labels is also declared "
                                   f"at {context.where(earlier.source)}", rule.source)
                return
        earlier_source = context.first_seen((scope, kind, "expr", expression, labels),
                                            rule.source)
        if earlier_source is not None:
            yield self.problem(f"{kind} '{rule.name}' has the same expression and labels as the "
                               f"rule at {context.where(earlier_source)}", rule.source)


def _collide(kind: str, first: str, second: str) -> bool:
    """Whether two rules of one name and labels can write the same series."""
    if " ".join(first.split()) == " ".join(second.split()):
        return True
    if kind == "alert":  # one alert's conditions, each its own expression
        return False
    return not _disjoint(first, second)


def _disjoint(first: str, second: str) -> bool:
    """Whether a label's matchers make the two expressions select different series: every
    named selector of each constrains the label, and no value can pass both sides' matchers."""
    sides = [promql.parse(text, grafana=False) for text in (first, second)]
    if any(side.root is None or not side.named_selectors() for side in sides):
        return False
    constraints = [_constraints(side.named_selectors()) for side in sides]
    common = set(constraints[0]) & set(constraints[1])
    return any(all(_exclusive(a, b) for a in constraints[0][label]
                   for b in constraints[1][label]) for label in common)


def _constraints(selectors) -> dict[str, list]:
    """label -> the matchers on it, for the labels every selector matches on."""
    found: dict[str, list] = {}
    for selector in selectors:
        for matcher in selector.matchers:
            if matcher.label != "__name__" and not matcher.has_variable:
                found.setdefault(matcher.label, []).append(matcher)
    return {label: matchers for label, matchers in found.items()
            if all(any(m.label == label for m in s.matchers) for s in selectors)}


def _exclusive(a, b) -> bool:
    """No label value passes both matchers (as far as their text tells)."""
    if a.op in ("!=", "!~") and b.op in ("!=", "!~"):
        return False
    if a.op in ("!=", "!~"):
        a, b = b, a
    if b.op in ("!=", "!~"):  # a positive, b negative: exclusive when b refuses all a passes
        return a.value == b.value and (a.op == "=") == (b.op == "!=")
    return not any(_matches(x, y) or _matches(y, x)
                   for x in _alternatives(a) for y in _alternatives(b))


def _alternatives(matcher) -> list[tuple[str, bool]]:
    """(text, is a pattern) for each alternative a positive matcher accepts."""
    if matcher.op == "=":
        return [(matcher.value, False)]
    return [(part, True) for part in _top_level_alternatives(matcher.value)]


def _matches(pattern: tuple[str, bool], value: tuple[str, bool]) -> bool:
    text, is_pattern = pattern
    try:
        return bool(re.fullmatch(text if is_pattern else re.escape(text), value[0]))
    except re.error:
        return True  # unreadable: assume it can


def _top_level_alternatives(regex: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(regex):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(regex[start:index])
            start = index + 1
    return [*parts, regex[start:]]
