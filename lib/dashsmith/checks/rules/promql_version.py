from __future__ import annotations

import re
from collections.abc import Iterator

from dashsmith import promql
from dashsmith.checks.context import LINT_SECTION, PROMETHEUS, Context
from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import QuerySite
from dashsmith.model.problems import Problem, Severity
from dashsmith.promql.names import LABEL_NAME, METRIC_NAME

SETTING = "prometheus"  # [dashsmith.lint] prometheus = 3: the version the rules target
MIGRATION = "https://prometheus.io/docs/prometheus/latest/migration/"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_ALTERNATIVES = re.compile(r"^\(?([^()]*)\)?$")
_UNESCAPED_DOT = re.compile(r"(?<!\\)\.")
# PromQL that Prometheus 3 evaluates only with --enable-feature=promql-experimental-functions
# (https://prometheus.io/docs/prometheus/latest/querying/functions/ and operators/ mark them).
EXPERIMENTAL = frozenset({"double_exponential_smoothing", "info", "limitk", "limit_ratio",
                          "mad_over_time", "sort_by_label", "sort_by_label_desc"})


def target(lint_section: dict) -> int | None:
    """The major version of Prometheus [dashsmith.lint] says the rules target (`prometheus =
    3`, `3.5`, `2.53`: the major version counts); 3 when unset, None when unreadable."""
    written = str(lint_section.get(SETTING) or "").strip()
    if not written:
        return PROMETHEUS
    match = re.fullmatch(r"v?([0-9]+)(?:\.[0-9]+)*", written)
    return int(match.group(1)) if match else None


def of(settings) -> int:
    """The major version a project's rules target; an unreadable setting is a lint/config
    finding (suppress.project), and the default stands meanwhile."""
    return target(settings.sections.get(LINT_SECTION) or {}) or PROMETHEUS


class PromqlVersion(Rule):
    """A query whose meaning or validity depends on the Prometheus version the rules target.

    The version is a setting (default 3, what users run now):

        [dashsmith.lint]
        prometheus = 3

    For Prometheus 3 (https://prometheus.io/docs/prometheus/latest/migration/):
    `le` and `quantile` values are stored as floats, so `le="1"` matches nothing where
    Prometheus 2 matched the bucket, and `le!="1"` excludes nothing (write `1.0`); `.` in a
    regex matches a newline too, so a regex that deals with newlines now matches other
    values; `holt_winters()` is gone (it is `double_exponential_smoothing()`, an
    experimental function), and Prometheus 3 refuses a rule file that calls it; experimental
    functions (`limitk`, `info`, ...) work only where the server enables them. For
    Prometheus 2: quoted UTF-8 metric and label names (`{"gen_ai.client.token.usage"}`,
    `sum by ("service.name")`) are 3.x syntax that Prometheus 2 refuses.

    Anti-pattern:
        histogram_quantile(0.9, rate(http_request_duration_seconds_bucket{le="1"}[5m]))

    Best practice:
        histogram_quantile(0.9, rate(http_request_duration_seconds_bucket{le="1.0"}[5m]))
    """

    id = "promql/version"
    severity = Severity.WARNING

    def query(self, site: QuerySite, context: Context) -> Iterator[Problem]:
        root = site.expression.root
        if root is None:
            return
        version = context.prometheus
        for node in site.expression.nodes():
            if type(node) is promql.Call and node.function == "holt_winters" and version >= 3:
                yield self.problem(
                    "holt_winters() does not exist in Prometheus 3, which refuses the rule file: "
                    "it is double_exponential_smoothing() there, an experimental function "
                    "(--enable-feature=promql-experimental-functions); see " + MIGRATION,
                    site.at_offset(site.text.find("holt_winters")), Severity.ERROR)
            elif (name := _experimental(node)) is not None and version >= 3:
                yield self.problem(
                    f"{name}() is experimental in Prometheus 3: the server evaluates it only with "
                    "--enable-feature=promql-experimental-functions",
                    site.at_offset(site.text.find(name)))
            elif type(node) is promql.Selector:
                for matcher in node.matchers:
                    message = (_changed_in_3(matcher) if version >= 3
                               else _needs_3(matcher.label, LABEL_NAME, "label"))
                    if message:
                        yield self.problem(message, site.at_offset(_offset(site.text, matcher)),
                                           Severity.ERROR if version < 3 else None)
                if version < 3 and node.name:
                    message = _needs_3(node.name, METRIC_NAME, "metric")
                    if message:
                        yield self.problem(message, site.at_offset(site.text.find(node.name)),
                                           Severity.ERROR)
            elif version < 3:
                for label in _grouping_labels(node):
                    message = _needs_3(label, LABEL_NAME, "label")
                    if message:
                        yield self.problem(message, site.at_offset(site.text.find(label)),
                                           Severity.ERROR)


def _experimental(node: promql.Node) -> str | None:
    """The name of the experimental function or aggregation `node` is, if it is one."""
    if type(node) is promql.Call:
        return node.function if node.function in EXPERIMENTAL else None
    if type(node) is promql.Aggregate:
        return node.op if node.op in EXPERIMENTAL else None
    return None


def _changed_in_3(matcher: promql.Matcher) -> str | None:
    value = matcher.value
    if matcher.label in ("le", "quantile") and not matcher.has_variable:
        # A regex naming both forms (`5|5\\.0`, as the SLO expansion writes) suits 2 and 3.
        values = [v.replace("\\.", ".") for v in _alternatives(matcher)]
        integers = [v for v in values if _INTEGER.match(v) and f"{v.lstrip('+')}.0" not in values]
        if integers:
            written, stored = integers[0], f"{integers[0].lstrip('+')}.0"
            return (f"{matcher}: Prometheus 3 stores {matcher.label} values as floats "
                    f"('{written}' is '{stored}'), so {_effect(matcher, written, stored)}: "
                    f"write {stored}; see {MIGRATION}")
    if matcher.is_regex and _UNESCAPED_DOT.search(value) and ("\n" in value or "\\n" in value):
        return (f"{matcher}: in Prometheus 3 '.' in a regex also matches a newline, so this "
                "regex matches other values than in Prometheus 2; write [^\\n] where a newline "
                f"must not match; see {MIGRATION}")
    return None


def _effect(matcher: promql.Matcher, written: str, stored: str) -> str:
    """What a matcher naming a value no series has any more does: a positive one selects
    nothing by it, a negative one excludes nothing by it (every bucket matches)."""
    if matcher.op == "=":
        return "it matches nothing there"
    if matcher.op == "!=":
        return f"it excludes nothing there: every series matches, the {matcher.label}=" \
               f"'{stored}' one it means to leave out too"
    if matcher.op == "=~":
        return f"'{written}' matches nothing there"
    return f"'{written}' is no longer excluded there"


def _alternatives(matcher: promql.Matcher) -> list[str]:
    """The values a matcher names: its value, or a regex's plain alternatives (`1|5|10`)."""
    if not matcher.is_regex:
        return [matcher.value]
    found = _ALTERNATIVES.match(matcher.value)
    return found.group(1).split("|") if found else []


def _needs_3(name: str, legacy: re.Pattern[str], kind: str) -> str | None:
    if legacy.match(name) or name.startswith("__var_"):
        return None
    return (f"the {kind} name \"{name}\" is Prometheus 3 syntax (a quoted UTF-8 name), which "
            "Prometheus 2 refuses; [dashsmith.lint] prometheus = 2 says the rules target 2")


def _grouping_labels(node: promql.Node) -> tuple[str, ...]:
    if type(node) is promql.Aggregate:
        return node.labels
    if type(node) is promql.Binary:
        return node.matching_labels + node.group_labels
    return ()


def _offset(text: str, matcher: promql.Matcher) -> int | None:
    """Where the matcher's value is written (the label before it), else its label."""
    pattern = re.compile(rf"{re.escape(matcher.label)}\"?\s*{re.escape(matcher.op)}\s*[\"'`]")
    found = pattern.search(text)
    if found:
        return found.end()
    offset = text.find(matcher.label)
    return offset if offset >= 0 else None
