"""Rules about PromQL itself: it parses, its labels can exist, its regexes and ranges."""

from __future__ import annotations

import re

from ... import durations, variables
from ...problems import Severity
from ... import promql
from .. import labels
from ..subjects import variable_query
from ..rule import Rule

_REGEX_CHARACTERS = re.compile(r"[.*+?()\[\]{}|^$\\]")


class PromqlSyntax(Rule):
    """A PromQL expression does not parse.

    The finding names the column in the expression (for a multi-line rule expression, also
    its line). Grafana variables ($__rate_interval, ${job}, [[job]], $job) are replaced by
    stand-ins before parsing and shown as written; in Prometheus rules they do not exist.
    A dashboard variable's query must be one of Grafana's Prometheus variable functions.

    Anti-pattern:
        sum(rate(ai_errors_total[$__rate_interval])

    Best practice:
        sum(rate(ai_errors_total[$__rate_interval]))
    """

    id = "promql/syntax"
    query_errors = True

    def query(self, site, context):
        error = site.expression.error
        if error is None:
            return
        line, column = error.position(site.text)
        where = f" (line {line} of the expression)" if "\n" in site.text.strip() else ""
        excerpt = site.text[error.offset:].split("\n", 1)[0].strip()[:30]
        near = f" near `{excerpt}`" if excerpt else " at the end"
        hint = ""
        if site.kind == "rule" and variables.find(site.text):
            hint = ("; Grafana variables such as $__rate_interval do not exist in Prometheus "
                    "rules: write a duration like 5m")
        yield self.problem(f"cannot parse: {error.message}{near}{where}{hint}",
                           site.at(error.offset))

    def dashboard(self, doc, context):
        for variable in doc.variables():
            parsed = variable_query(variable)
            if parsed is not None and parsed[0] is None:
                yield self.problem(
                    f"variable '{variable.get('name')}': {variable.get('query')!r} is not a "
                    "Prometheus variable query; use label_values(metric, label), "
                    "label_names(), metrics(regex) or query_result(expr)",
                    doc.variable_source(variable))


class PromqlImpossible(Rule):
    """A label is used after the expression removed it.

    `by`, `on`, `group_left`, a legend's {{label}} and an annotation's {{ $labels.x }} can
    only read labels the expression still carries. After `sum(...)` without `by`, no label is
    left; after `sum by (a)`, only `a`.

    Anti-pattern:
        sum by (provider) (sum(rate(ai_errors_total[5m])))
        legend "{{provider}}" on  sum(rate(ai_errors_total[$__rate_interval]))

    Best practice:
        sum by (provider) (rate(ai_errors_total[5m]))
    """

    id = "promql/impossible"

    def query(self, site, context):
        for reference in labels.references(site, context):
            if reference.verdict == labels.IMPOSSIBLE:
                yield self.problem(site.expression.restore(reference.message),
                                   _at(site, reference.offset))


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
                    yield self.problem(message, _at(site, site.text.find(matcher.value)
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


class PromqlRange(Rule):
    """A range in a rule covers fewer than 4 scrape intervals.

    rate() needs at least two samples in its window; with a window of under 4 scrapes, one
    missed or late scrape leaves it empty and the rule sees no data. The scrape interval is
    the `scrape_interval` setting of [dashsmith] in setup.cfg.

    Anti-pattern:
        rate(ai_errors_total[30s])          # scrape interval 15s

    Best practice:
        rate(ai_errors_total[1m])           # or longer
    """

    id = "promql/range"
    severity = Severity.WARNING
    sites = ("rule",)

    def query(self, site, context):
        minimum = 4 * context.scrape_interval
        for selector in site.expression.selectors():
            if selector.range is not None and 0 < selector.range < minimum:
                yield self.problem(
                    f"{selector} covers {selector.range / context.scrape_interval:g} scrapes at "
                    f"{durations.format(context.scrape_interval)}: use at least "
                    f"[{durations.format(minimum)}] (4 scrape intervals) so one missed scrape "
                    "cannot empty it", site.source)


_STEP_FUNCTIONS = frozenset({"rate", "irate", "increase", "delta", "idelta"})


class DashboardRateInterval(Rule):
    """A dashboard's rate() window is not $__rate_interval (or $__range for one value).

    A fixed window is wrong at some zoom level: shorter than the step, it skips samples;
    under 4 scrapes, it shows gaps. $__rate_interval follows the step and never falls below
    4 scrape intervals. Panels that show one value over the time range (stat, gauge, bar
    gauge, pie chart, table, instant queries) may use $__range. increase()/delta() may use
    $__interval, and a window equal to the query's fixed interval (bars per day with
    interval "1d" and [1d]) is a deliberate per-bar total.

    Anti-pattern:
        timeseries("Errors", "sum(rate(ai_errors_total[5m]))")

    Best practice:
        timeseries("Errors", "sum(rate(ai_errors_total[$__rate_interval]))")
        stat("Errors", "sum(increase(ai_errors_total[$__range]))")
    """

    id = "dashboard/rate-interval"
    severity = Severity.WARNING
    sites = ("panel",)

    def query(self, site, context):
        steps = {_seconds(step) for step in site.steps}
        for selector in site.expression.selectors():
            consumer = selector.consumer()
            if selector.range is None or not isinstance(consumer, promql.Call) \
                    or consumer.function not in _STEP_FUNCTIONS:
                continue
            allowed = {"__rate_interval"}
            if site.instant:
                allowed.add("__range")
            if consumer.function in ("increase", "delta"):
                allowed.add("__interval")
            if selector.range_variable in allowed or selector.range in steps:
                continue
            better = "[$__range]" if site.instant else "[$__rate_interval]"
            window = (f"${selector.range_variable} as its window" if selector.range_variable
                      else "a fixed window")
            yield self.problem(site.expression.restore(
                f"{consumer.function}({selector}) has {window}: use {better}"), site.source)


def _seconds(text: str) -> float | None:
    try:
        return durations.parse(text)
    except ValueError:
        return None


def _at(site, offset):
    return site.at(offset) if offset is not None and offset >= 0 else site.source
