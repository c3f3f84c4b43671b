"""Rules that check queries against the metric catalog (metrics/): names, labels, label
values, and that each metric type is read the way it must be. They need the catalog, so they
check nothing when lint runs on files outside a project."""

from __future__ import annotations

import difflib
import re

from ...catalog import MetricType
from ... import promql
from .. import labels
from ..rule import Rule
from ..subjects import variable_query

# Functions that read a counter correctly, or only count or time its series.
COUNTER_READERS = frozenset({"rate", "irate", "increase", "resets", "changes", "absent",
                             "absent_over_time", "present_over_time", "count_over_time",
                             "timestamp"})
COUNTER_FUNCTIONS = frozenset({"rate", "irate", "increase", "resets"})
# Aggregations that count series rather than combine their values.
COUNTING = frozenset({"count", "group"})
# Aggregations that combine values, which a summary's precomputed quantiles cannot take.
COMBINING = frozenset({"sum", "avg", "quantile", "stddev", "stdvar"})
_LITERAL_ALTERNATION = re.compile(r"^[\w\- :/@.]*(\|[\w\- :/@.]*)*$")


def _named_selectors(site):
    return site.expression.named_selectors()


def _value_selectors(site):
    """Selectors whose values the query reads (label_values() reads only labels)."""
    return _named_selectors(site) if site.reads_values else []


class UnknownMetric(Rule):
    """A query reads a metric the catalog does not declare.

    The series will not exist (a typo, or the name the code gives is not the name
    Prometheus stores); the panel shows "No data" and the alert never fires. Names from
    recording rules and Prometheus's own series (up, ALERTS, scrape_*) are known too.

    Anti-pattern:
        rate(tradingagents_llm_cost_usd[1h])      # the client appends _total to counters

    Best practice:
        rate(tradingagents_llm_cost_usd_total[1h])
    """

    id = "catalog/unknown-metric"

    def query(self, site, context):
        if context.catalog is None:
            return
        for selector in _named_selectors(site):
            name = selector.name
            if context.is_known(name) or _inside_histogram_quantile(selector, context):
                continue
            yield self.problem(site.expression.restore(
                f"'{name}' is not in the metric catalog: {_suggestion(name, context)}"),
                _at(site, name))


def _inside_histogram_quantile(selector, context) -> bool:
    """A histogram's own name inside histogram_quantile: catalog/histogram-quantile says more."""
    return _histogram(selector.name, context) is not None and any(
        isinstance(n, promql.Call) and n.function == "histogram_quantile" for n in selector.around())


def _histogram(name, context):
    metric = context.catalog.metrics.get(name) if context.catalog else None
    return metric if metric is not None and metric.type is MetricType.HISTOGRAM else None


def _suggestion(name: str, context) -> str:
    metric = context.catalog.metrics.get(name)
    if metric is not None and metric.type is MetricType.HISTOGRAM:
        return (f"it is a histogram, which Prometheus stores as {name}_bucket, {name}_sum and "
                f"{name}_count")
    if context.is_known(name + "_total"):
        return (f"did you mean '{name}_total'? (Prometheus client libraries append _total to "
                "counter names)")
    candidates = context.catalog.series_names() + sorted(context.records)
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.75)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "declare it in the catalog, or correct the name"


class UnknownLabel(Rule):
    """A query names a label that its metrics do not have.

    Checked in matchers, `by`, `on`, `group_left`/`group_right`, a panel legend's {{label}},
    a variable's label_values(metric, label) and an alert's {{ $labels.x }}, against the
    labels the catalog declares for each metric (plus job and instance, which every target
    has, and le/quantile of histogram buckets and summaries).

    Anti-pattern:
        sum by (agent) (rate(tradingagents_agent_executions_total[5m]))

    Best practice:
        sum by (agent_name) (rate(tradingagents_agent_executions_total[5m]))
    """

    id = "catalog/unknown-label"

    def query(self, site, context):
        if context.catalog is None:
            return
        for reference in labels.references(site, context):
            if reference.verdict == labels.UNKNOWN:
                yield self.problem(site.expression.restore(reference.message),
                                   site.at(reference.offset) if reference.offset is not None
                                   else site.source)

    def dashboard(self, doc, context):
        if context.catalog is None:
            return
        known = set()
        for metric in context.catalog:
            known |= metric.label_names
        for variable in doc.variables():
            parsed = variable_query(variable)
            if parsed and parsed[0] == "label_values" and parsed[1] is None \
                    and parsed[2] not in known and not parsed[2].startswith("$"):
                yield self.problem(f"variable '{variable.get('name')}': no metric in the catalog "
                                   f"has label '{parsed[2]}'", doc.variable_source(variable))


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

    def query(self, site, context):
        for selector in _named_selectors(site):
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
                        _at(site, matcher.value))


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


class CounterRate(Rule):
    """A counter is read as a raw value instead of through rate() or increase().

    A counter only grows, and drops to zero when its process restarts; its raw value says
    how long the process has been up more than anything about now. Read it with rate(),
    irate() or increase(); count(), absent() and the like may read it as it is.

    Anti-pattern:
        sum(ai_errors_total) > 10

    Best practice:
        sum(increase(ai_errors_total[10m])) > 10
    """

    id = "catalog/counter-rate"

    def query(self, site, context):
        for selector in _value_selectors(site):
            series = context.series(selector.name)
            if series is None or series.type is not MetricType.COUNTER:
                continue
            consumer = selector.consumer()
            if _reads_counter_correctly(selector, consumer):
                continue
            by = f" by `{consumer}`" if consumer is not None else ""
            yield self.problem(
                site.expression.restore(
                    f"counter '{selector.name}' is read as a raw value{by}: use "
                    f"rate({selector.name}[...]) or increase({selector.name}[...])"),
                _at(site, selector.name))


def _reads_counter_correctly(selector, consumer) -> bool:
    if isinstance(consumer, promql.Call):
        return consumer.function in COUNTER_READERS
    if isinstance(consumer, promql.Aggregate):
        return consumer.op in COUNTING
    if isinstance(consumer, promql.Binary) and consumer.op in ("and", "unless"):
        # The right side of `and`/`unless` only says which series exist.
        return any(node is consumer.rhs for node in [selector, *selector.ancestors()])
    return False


class GaugeRate(Rule):
    """rate(), irate() or increase() is applied to a gauge.

    These functions assume a counter: every drop in value is taken for a process restart
    and the value added back, so a gauge that goes down shows spikes that never happened.

    Anti-pattern:
        rate(ai_active_requests[5m])

    Best practice:
        deriv(ai_active_requests[5m])        # or avg_over_time(ai_active_requests[5m])
    """

    id = "catalog/gauge-rate"

    def query(self, site, context):
        for selector in _value_selectors(site):
            series = context.series(selector.name)
            consumer = selector.consumer()
            if series is None or series.type is MetricType.COUNTER \
                    or not isinstance(consumer, promql.Call) \
                    or consumer.function not in COUNTER_FUNCTIONS:
                continue
            yield self.problem(
                f"{consumer.function}() on '{selector.name}', a {series.type}: it treats every "
                "drop as a counter reset; use deriv() for its rate of change or "
                "avg_over_time() to smooth it", _at(site, consumer.function))


class HistogramQuantile(Rule):
    """histogram_quantile() is not given the rate of a declared histogram's buckets by `le`.

    It needs the `_bucket` series of a histogram, normally as
    `sum by (le, ...) (rate(x_bucket[5m]))`: the histogram's own name matches nothing, and
    an aggregation that drops `le` leaves nothing to compute the quantile from.

    Anti-pattern:
        histogram_quantile(0.95, tradingagents_analysis_duration_seconds)
        histogram_quantile(0.95, sum(rate(tradingagents_analysis_duration_seconds_bucket[5m])))

    Best practice:
        histogram_quantile(0.95, sum by (le) (rate(tradingagents_analysis_duration_seconds_bucket[5m])))
    """

    id = "catalog/histogram-quantile"

    def query(self, site, context):
        for node in site.expression.nodes():
            if isinstance(node, promql.Call) and node.function == "histogram_quantile" \
                    and len(node.args) == 2:
                message = self._check(node.args[1], context)
                if message:
                    yield self.problem(site.expression.restore(message),
                                       _at(site, "histogram_quantile"))

    def _check(self, argument, context) -> str | None:
        for selector in (n for n in argument.walk() if isinstance(n, promql.Selector)):
            name = selector.name
            if not name or selector.name_is_variable:
                continue
            if _histogram(name, context) is not None:
                return (f"histogram_quantile() reads '{name}', the histogram's name, which "
                        f"matches no series: use its buckets, e.g. histogram_quantile(0.95, "
                        f"sum by (le) (rate({name}_bucket[5m])))")
            series = context.series(name)
            if series is not None and not (series.metric.type is MetricType.HISTOGRAM
                                           and series.suffix == "_bucket"):
                return (f"histogram_quantile() needs a histogram's _bucket series; "
                        f"'{name}' is a {series.type}")
        produced = promql.output_labels(argument, context.labels_of)
        if produced is not None and "le" not in produced:
            dropped = promql.dropped_by(argument, "le", context.labels_of)
            how = f"`{dropped}` removes it" if dropped is not None else "its input has none"
            return (f"histogram_quantile() needs the 'le' label of the buckets, but {how}: "
                    "aggregate with `by (le, ...)`")
        return None


class SummaryQuantile(Rule):
    """A summary's quantiles are summed or averaged.

    A summary computes its quantiles inside each process; the average of two p99s is not the
    p99 of anything. Use max() for a bound, or a histogram if quantiles must be aggregated.

    Anti-pattern:
        avg(rpc_duration_seconds{quantile="0.99"})

    Best practice:
        max(rpc_duration_seconds{quantile="0.99"})
    """

    id = "catalog/summary-quantile"

    def query(self, site, context):
        for selector in _value_selectors(site):
            series = context.series(selector.name)
            if series is None or series.metric.type is not MetricType.SUMMARY or series.suffix:
                continue
            combining = next((n for n in selector.around()
                              if isinstance(n, promql.Aggregate) and n.op in COMBINING), None)
            if combining is not None:
                yield self.problem(
                    f"`{combining}` combines the quantiles of summary '{selector.name}', which "
                    "cannot be summed or averaged across processes; use max(), or a histogram",
                    _at(site, selector.name))


def _at(site, token: str):
    offset = site.text.find(token) if token else -1
    return site.at(offset) if offset >= 0 else site.source

