from __future__ import annotations

import re

from ... import promql
from ...problems import Severity
from ..rule import Rule

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

    def query(self, site, context):
        for selector in site.expression.selectors():
            for matcher in selector.matchers:
                if not matcher.is_regex or matcher.has_variable:
                    continue
                message = _regexp_smell(matcher)
                if message:
                    yield self.problem(message, site.at_offset(site.text.find(matcher.value)
                                                    if matcher.value else None))


def _regexp_smell(matcher: promql.Matcher) -> str | None:
    value = matcher.value
    if not _REGEX_CHARACTERS.search(value):
        plain = "=" if matcher.op == "=~" else "!="
        return (f"{matcher} has no regex characters: write {matcher.label}{plain}\"{value}\"")
    if value.startswith("^") or (value.endswith("$") and not value.endswith("\\$")):
        return (f"{matcher}: Prometheus anchors regexes at both ends already; drop the "
                "'^' and '$'")
    return None
