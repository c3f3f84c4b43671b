from __future__ import annotations

import re

from dashsmith import promql
from dashsmith.checks.rule import Rule

_LITERAL_ALTERNATION = re.compile(r"^[\w\- :/@.]*(\|[\w\- :/@.]*)*$")


class LabelValue(Rule):
    """A matcher asks for a label value the catalog does not declare.

    Where the catalog lists a label's values (status: success, error), any other value
    matches nothing. For a regex, each alternative of `a|b` must be a declared value, and any
    other regex must match at least one.

    Anti-pattern:
        tradingagents_analyses_total{status="failed"}

    Best practice:
        tradingagents_analyses_total{status="error"}
    """

    id = "catalog/label-value"
    needs_catalog = True

    def query(self, site, context):
        for selector in site.expression.named_selectors():
            series = context.series(selector.name)
            if series is None:
                continue
            for matcher in selector.matchers:
                label = series.metric.label(matcher.label)
                if label is None or not label.values or matcher.has_variable:
                    continue
                wrong = _undeclared(matcher, label.values)
                if wrong:
                    yield self.problem(
                        f"{selector.name}{{{matcher}}}: {wrong} of '{label.name}' "
                        f"(declared: {', '.join(label.values)})",
                        site.at_token(matcher.value))


def _undeclared(matcher: promql.Matcher, values) -> str | None:
    """What in the matcher is not a declared value, as a phrase; None if all is well."""
    value = matcher.value
    if not value:
        return None
    if not matcher.is_regex:
        return None if value in values else f"'{value}' is not a declared value"
    if _LITERAL_ALTERNATION.match(value):
        missing = [part for part in value.split("|") if part and part not in values]
        if len(missing) == 1:
            return f"'{missing[0]}' is not a declared value"
        if missing:
            return ", ".join(f"'{m}'" for m in missing) + " are not declared values"
        return None
    try:
        pattern = re.compile(f"(?:{value})")
    except re.error:
        return None
    if matcher.op == "=~" and not any(pattern.fullmatch(v) for v in values):
        return f"the regex '{value}' matches no declared value"
    return None
