from __future__ import annotations

import re
from collections.abc import Iterator

from dashsmith import promql
from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import QuerySite
from dashsmith.model.problems import Problem, Severity

_REGEX_CHARACTERS = re.compile(r"[.*+?()\[\]{}|^$\\]")


class PromqlRegexp(Rule):
    """A regex matcher that needs no regex, or anchors that Prometheus adds anyway.

    `=~` with a plain value is an equality written the slow way; Prometheus anchors every
    regex at both ends, so `^` and `$` are noise. Values holding a Grafana variable are left
    alone: a multi-value variable expands to a regex.

    Anti-pattern:
        up{job=~"tradingagents"}
        up{job=~"^tradingagents$"}

    Best practice:
        up{job="tradingagents"}
    """

    id = "promql/regexp"
    severity = Severity.WARNING

    def query(self, site: QuerySite, context: Context) -> Iterator[Problem]:
        seen: dict[tuple[str, str, str], int] = {}  # a matcher written twice: its second place
        for selector in site.expression.selectors():
            for matcher in selector.matchers:
                if not matcher.is_regex or matcher.has_variable:
                    continue
                key = (matcher.label, matcher.op, matcher.value)
                seen[key] = seen.get(key, 0) + 1
                message = _regexp_smell(matcher)
                if message:
                    yield self.problem(message, site.at_offset(
                        _written_at(site.text, matcher, seen[key])))


def _written_at(text: str, matcher: promql.Matcher, nth: int) -> int | None:
    """Where the nth writing of the matcher's value starts in `text` (the label before it, so
    `name!~"x"` is not found inside `queue_name!~"x"`); the first value found otherwise."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(matcher.label)}\s*{re.escape(matcher.op)}\s*"
                         rf"[\"'`]({re.escape(matcher.value)})")
    found = [m.start(1) for m in pattern.finditer(text)]
    if found:
        return found[min(nth, len(found)) - 1]
    return text.find(matcher.value) if matcher.value else None


def _regexp_smell(matcher: promql.Matcher) -> str | None:
    value = matcher.value
    if not _REGEX_CHARACTERS.search(value):
        plain = "=" if matcher.op == "=~" else "!="
        return (f"{matcher} has no regex characters: write {matcher.label}{plain}\"{value}\"")
    if value.startswith("^") or (value.endswith("$") and not value.endswith("\\$")):
        return (f"{matcher}: Prometheus anchors regexes at both ends already; drop the "
                "'^' and '$'")
    return None
