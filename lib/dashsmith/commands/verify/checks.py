"""What verify finds on a live Prometheus, as Problems at the Python line behind each part:

  promql/error       Prometheus rejected a query
  promql/series      a selector matched nothing (pint's check): the metric is missing, or no
                     series has one of its label matchers
  promql/empty       a panel query returned nothing although its selectors match: the part
                     that dropped everything is named (e.g. histogram_quantile without `le`)
  variable/values    a template variable's query found no values
  catalog/type       the live metadata gives a metric another type than the catalog
  catalog/unread     a catalog metric no panel, variable or rule reads
  alert/never-true   an alert condition that returned no series at all over the range
  instrument/live    the running application does not export the catalog's metrics of the
                     instrumented exporter (the generated module is behind the catalog, or
                     the application runs an older copy), or exports one the catalog dropped
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from dashsmith.commands.verify.queries import (
    Runnable,
    TimeRange,
    Window,
    resolve_variables,
    runnable,
    targets,
)
from dashsmith.compiler.build import Build
from dashsmith.compiler.estate import Estate
from dashsmith.compiler.render import expression
from dashsmith.instrument import genai
from dashsmith.model import durations
from dashsmith.model.catalog import Catalog
from dashsmith.model.problems import Problem, Severity
from dashsmith.model.rules import Alert, Record
from dashsmith.model.source import Source
from dashsmith.prometheus.api import Prometheus, QueryError, Series, has_values
from dashsmith.promql import parts as expressions

LOOKBACK = 300  # Prometheus's default lookback delta: an instant selector sees samples this old
RULE_POINTS = 250  # points of the range query an alert condition is evaluated over


@dataclass
class Verifier:
    estate: Estate
    build: Build
    prometheus: Prometheus
    time: TimeRange
    problems: list[Problem] = field(default_factory=list)
    read: set[str] = field(default_factory=set)  # metric names the queries read
    _selector_cache: dict = field(default_factory=dict)
    _names: list[str] | None = None

    def run(self) -> list[Problem]:
        for dashboard in self.build.dashboards:
            self._dashboard(dashboard)
        for _, rule in self.estate.rules():
            if isinstance(rule, (Alert, Record)):
                self._rule(rule)
        metadata = self.prometheus.metadata()
        self._types(metadata)
        self._instrumented(metadata)
        self._unread()
        return self.problems

    def add(self, rule: str, severity: Severity, message: str, source: Source):
        self.problems.append(Problem(rule, severity, message, source))

    # Dashboards

    def _dashboard(self, dashboard):
        values = resolve_variables(dashboard, self.prometheus, self.time)
        for name, value in values.items():
            parsed = expressions.parse(_label_values_match(value.query))
            if parsed is not None:
                self.read |= expressions.metric_names(parsed)
            if value.error:
                self.add("variable/values", Severity.WARNING,
                         f"dashboard '{dashboard.title}' variable '{name}': {value.query} found "
                         f"{value.error}; panels that use ${name} show nothing",
                         dashboard.variable_sources.get(name, dashboard.source))
        chosen = {name: v.value for name, v in values.items()}
        for target in targets(dashboard):
            self._target(runnable(target, self.time, chosen))

    def _target(self, query: Runnable):
        target = query.target
        where = f"dashboard '{target.dashboard.title}' {target.describe()}"
        parsed = expressions.parse(query.text)
        if parsed is not None:
            self.read |= expressions.metric_names(parsed)
        try:
            found = query.window.run(self.prometheus, query.text)
        except QueryError as error:
            self.add("promql/error", Severity.ERROR,
                     f"{where}: Prometheus rejected `{query.text}`: {error}", target.source)
            return
        if has_values(found):
            return
        if parsed is None:
            return
        restore = query.substitution.restore
        rule, reason = self.explain(parsed, query.window)
        if found and rule == "promql/empty":
            reason = "every value is NaN (zero divided by zero?)"
        self.add(rule, Severity.ERROR, f"{where} returned no series: {restore(reason)}",
                 target.source)

    # Rules

    def _rule(self, rule):
        text = expression(rule.expr)
        parsed = expressions.parse(text)
        kind = "alert" if isinstance(rule, Alert) else "recording rule"
        name = rule.name if isinstance(rule, Alert) else rule.record
        where = f"{kind} '{name}'"
        if parsed is None:
            return  # build and lint report expressions that do not parse
        self.read |= expressions.metric_names(parsed)
        window = self._rule_window()
        missing = False
        for selector, in_absence in expressions.selectors(parsed):
            why = None if in_absence else self.missing(selector)
            if why:
                missing = True
                self.add("promql/series", Severity.WARNING,
                         f"{where}: selector `{expressions.show(selector)}` matched nothing over "
                         f"the last {durations.format(self.time.range)}: {why}", rule.source)
        if missing:
            return
        if isinstance(rule, Record):
            self._record(rule, text, parsed, window, where)
        else:
            self._conditions(rule, parsed, window, where)

    def _conditions(self, rule: Alert, parsed, window: Window, where: str):
        """Each condition the alert fires on must return series at some point of the range."""
        for condition in expressions.conditions(parsed):
            try:
                found = window.run(self.prometheus, condition.operand)
            except QueryError as error:
                self.add("promql/error", Severity.ERROR,
                         f"{where}: Prometheus rejected `{condition.operand}`: {error}",
                         rule.source)
                continue
            if found:
                continue
            operand = expressions.parse(condition.operand)
            _, reason = self.explain(operand or parsed, window)
            if " bool" in condition.operand and condition.comparison:
                what = f"the two sides of `{expressions.show(condition.node)}` never matched"
            else:
                what = f"`{expressions.show(operand or condition.node)}` returned no series"
            self.add("alert/never-true", Severity.WARNING,
                     f"{where} can never fire: over the last {durations.format(self.time.range)} "
                     f"{what}; {reason}", rule.source)

    def _record(self, rule, text, parsed, window, where):
        try:
            found = window.run(self.prometheus, text)
        except QueryError as error:
            self.add("promql/error", Severity.ERROR, f"{where}: Prometheus rejected it: {error}",
                     rule.source)
            return
        if not found:
            _, reason = self.explain(parsed, window)
            self.add("promql/empty", Severity.WARNING,
                     f"{where} records no series: {reason}", rule.source)

    def _rule_window(self) -> Window:
        step = max(self.time.scrape_interval, self.time.range / RULE_POINTS)
        return Window.aligned(self.time.end, self.time.range, step)

    # Why a query returned nothing

    def explain(self, parsed, window: Window) -> tuple[str, str]:
        """(rule id, reason) for an expression that returned no series."""
        for selector, in_absence in expressions.selectors(parsed):
            if in_absence:
                continue
            why = self.missing(selector)
            if why:
                return ("promql/series",
                        f"selector `{expressions.show(selector)}` matched nothing: {why}")
        node = parsed
        while True:
            empty = None
            for child in expressions.children(node):
                if expressions.is_vector(child) and not self._returns(child, window):
                    empty = child
                    break
            if empty is None:
                break
            node = empty
        return "promql/empty", (f"`{expressions.show(node)}` returned no series although each "
                                f"of its inputs did{self._hint(node, window)}")

    def _returns(self, node, window: Window) -> bool:
        try:
            return bool(window.run(self.prometheus, str(node)))
        except QueryError:
            return True  # cannot be evaluated alone: not the culprit we can name

    def _hint(self, node, window: Window) -> str:
        if type(node).__name__ == "VectorSelector" and node.offset:
            return ("; its series have no samples at the times shifted by the offset: "
                    f"{_times(window)}")
        function = expressions.function_name(node)
        if function == "histogram_quantile" and len(node.args) == 2:
            inputs = self._series(node.args[1], window)
            if inputs and not any("le" in s.labels for s in inputs):
                return ("; its input has no `le` label, so there are no buckets to read "
                        "(keep `le` in the aggregation: `sum by (le, ...)`)")
        if function in ("rate", "irate", "increase", "delta", "deriv"):
            window_text = str(node.args[-1]).rsplit("[", 1)[-1].split("]")[0]
            return (f"; {function}() needs two samples in its [{window_text}] window and found "
                    f"fewer: {_times(window)}")
        if expressions.is_comparison_filter(node):
            return f"; no value passed `{node.op} {expressions.show(node.rhs)}`"
        if type(node).__name__ == "BinaryExpr":
            left, right = self._series(node.lhs, window), self._series(node.rhs, window)
            if left and right:
                return (f"; no series on the left {_labels(left[0])} has a match on the right "
                        f"{_labels(right[0])}")
        return ""

    def _series(self, node, window: Window) -> list[Series]:
        try:
            return window.run(self.prometheus, str(node)) if expressions.is_vector(node) else []
        except QueryError:
            return []

    def missing(self, selector) -> str | None:
        """Why `selector` matches no series in the range (and lookback), or None if it does.
        An offset is left out: whether the series have samples that far back is a question
        of when the query runs, which `explain` answers."""
        matchers = [m for m in selector.matchers.matchers
                    if not (m.name == "__name__" and selector.name)]
        name = selector.name or ""
        key = (name, tuple(str(m) for m in matchers))
        if key not in self._selector_cache:
            self._selector_cache[key] = self._why_missing(name, matchers)
        return self._selector_cache[key]

    def _why_missing(self, name: str, matchers) -> str | None:
        if self._count(name, matchers):
            return None
        if name and not self._count(name, []):
            return f"there is no series named {name}{self._name_hint(name)}"
        for matcher in matchers:
            if not self._count(name, [matcher]):
                try:
                    values = self.prometheus.label_values(
                        matcher.name, name or None, *self._span())
                except QueryError:
                    values = []
                if not values:
                    return f"no series of {name or 'the selector'} has a label {matcher.name}"
                shown = ", ".join(values[:8]) + (" ..." if len(values) > 8 else "")
                return (f"no series of {name or 'the selector'} has {matcher} "
                        f"({matcher.name} is one of: {shown})")
        listed = ", ".join(str(m) for m in matchers)
        return f"no series of {name or 'the selector'} has all of {listed} together"

    def _count(self, name: str, matchers) -> bool:
        inner = ",".join(str(m) for m in matchers)
        text = f"{name}{{{inner}}}" if inner or not name else name
        window = round(self.time.range + LOOKBACK)
        try:
            return bool(self.prometheus.query(f"count(last_over_time({text}[{window}s]))",
                                              self.time.end))
        except QueryError:
            return True

    def _span(self) -> tuple[float, float]:
        return self.time.end - self.time.range - LOOKBACK, self.time.end

    def _name_hint(self, name: str) -> str:
        catalog: Catalog = self.estate.catalog
        series = catalog.series(name)
        if series:
            metric = series.metric
            if metric.exporter == genai.EXPORTER:
                # which instrumentation emits it is in the catalog's help (metrics/genai.py)
                return (" (the catalog declares it as OpenTelemetry's GenAI instrumentation "
                        f"emits it: {metric.help.rstrip('.')}; is the application instrumented "
                        "(`dashsmith instrument` writes instrument_llm_calls()) and scraped?)")
            return (f" (the catalog declares it for the {metric.exporter} exporter: is that "
                    "exporter scraped?)")
        for _, rule in self.estate.rules():
            if isinstance(rule, Record) and rule.record == name:
                return (f" (a recording rule at {rule.source.file}:{rule.source.line} makes it: "
                        "are the rule files loaded in this Prometheus?)")
        if self._names is None:
            try:
                self._names = self.prometheus.label_values("__name__", None, *self._span())
            except QueryError:
                self._names = []
        close = difflib.get_close_matches(name, self._names, n=1)
        return f" (did you mean {close[0]}?)" if close else ""

    # The catalog against the live server

    def _types(self, metadata: dict[str, list[dict]]):
        for metric in self.estate.catalog:
            entries = metadata.get(metric.name) or (
                metadata.get(metric.name[:-len("_total")]) if metric.name.endswith("_total")
                else None) or []
            live = {str(entry["type"]) for entry in entries
                    if entry.get("type")} - {"unknown", "untyped"}
            if live and str(metric.type) not in live:
                self.add("catalog/type", Severity.ERROR,
                         f"metric {metric.name} is a {metric.type} in the catalog, but "
                         f"Prometheus's metadata says {' or '.join(sorted(live))}",
                         metric.source)

    def _instrumented(self, metadata: dict[str, list[dict]]):
        """The catalog, the generated module and what the application exports agree: each
        catalog metric of the instrumented exporter is live, and nothing the module declares
        and the application exports is missing from the catalog (instrument/live)."""
        # Imported here: the generator brings prometheus_client.
        from dashsmith.instrument import module_file
        from dashsmith.instrument.config import ConfigError
        from dashsmith.instrument.generate import InstrumentError, exporter_metrics

        try:
            generated = module_file.generate(self.estate)
        except (ConfigError, InstrumentError):
            return  # lint's instrument/stale names the setting or the metric
        if generated is None:
            return
        settings = generated.settings
        metrics = exporter_metrics(self.estate.catalog, settings.exporter)

        def live(name: str) -> bool:
            # a counter's family is in the metadata with _total (text format) or without
            return name in metadata or name.removesuffix("_total") in metadata

        if not any(live(metric.name) for metric in metrics):
            return  # the application is not scraped: promql/series says so, once per query
        module = settings.relative_output(self.estate.settings.root)
        current = generated.on_disk()
        declared = module_file.declared_metrics(current or "")
        names = {metric.name for metric in metrics}
        dropped = {name: line for name, line in declared.items()
                   if name not in names and live(name)}
        for metric in metrics:
            if live(metric.name):
                continue
            if current != generated.text:
                why = (f"{module} is out of date with the catalog ({settings.catalog}/): run "
                       "`dashsmith instrument`, then deploy the application with it")
            else:
                why = (f"{module} declares it: the running application was built from an older "
                       "copy of the module; deploy it with the current one")
            close = difflib.get_close_matches(metric.name, list(dropped), n=1, cutoff=0.5)
            instead = (f"; it exports {close[0]} instead, which the catalog no longer has"
                       if close else "")
            self.add("instrument/live", Severity.ERROR,
                     f"metric {metric.name} of the application ({settings.exporter}) is in the "
                     f"catalog, but the application does not export it: {why}{instead}",
                     metric.source)
        for name, line in sorted(dropped.items()):
            self.add("instrument/live", Severity.WARNING,
                     f"the application exports {name}, which {module} declares but the catalog "
                     "does not: nothing reads it (renamed in the catalog without "
                     "regenerating?)", Source(settings.output, line))

    def _unread(self):
        catalog = self.estate.catalog
        read = {catalog.series(name).metric.name for name in self.read if catalog.series(name)}
        for metric in catalog:
            if metric.name not in read:
                self.add("catalog/unread", Severity.INFO,
                         f"metric {metric.name} is in the catalog, but no panel, variable or "
                         "rule reads it", metric.source)


def _label_values_match(query: str) -> str:
    """The series selector inside `label_values(selector, label)`, or ''."""
    if not query.strip().startswith("label_values(") or "," not in query:
        return ""
    return query.strip()[len("label_values("):].rsplit(",", 1)[0]


def _times(window: Window) -> str:
    def iso(t):
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if window.instant:
        return f"it is evaluated at {iso(window.end)}"
    return (f"Grafana evaluates it from {iso(window.start)} to {iso(window.end)} every "
            f"{durations.format(window.step)} (both ends rounded down to a multiple of the step)")


def _labels(series: Series) -> str:
    inner = ", ".join(f'{k}="{v}"' for k, v in sorted(series.labels.items()))
    return "{" + inner + "}"


def verify(estate: Estate, build: Build, prometheus: Prometheus, time: TimeRange) -> list[Problem]:
    return Verifier(estate, build, prometheus, time).run()
