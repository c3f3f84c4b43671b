"""Metrics follow the dashboard: catalog entries for the metrics an imported dashboard's queries
read and the catalog lacks, inferred from the queries, so that the dashboard lints and deploys.

The queries are the ones lint reads (checks.subjects.dashboard_sites: PromQL panels and
variables, not Loki or SQL), walked with the PromQL layer (dashsmith.promql):

- the type from the name and what is applied to it: a `_bucket` series that histogram_quantile()
  reads or that has an `le` makes a histogram (its `_sum` and `_count` come with it); a name
  with a `quantile` label, a summary; rate(), irate(), increase() or resets() over it, or a
  `_total` name, a counter; anything else read as it is, a gauge;
- the labels from the matchers on it, the `by`/`without` of the aggregations over it, the
  `on`/`ignoring`/`group_left` of the vector matchings it takes part in, the panel legend's
  {{label}} and a label_values() variable's label (job and instance, which every target has,
  and labels the query makes itself with label_replace/label_join/count_values, aside).

They are written to the catalog's `imported.py` (a module of its own: nothing a person wrote is
touched), each marked as inferred: its help says so and why the type. A second import merges
its findings into that module (the labels of a metric already there are joined).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from dashsmith import promql
from dashsmith.checks.context import PROMETHEUS_SERIES
from dashsmith.checks.rules.catalog_counter_rate import reads_counter_correctly
from dashsmith.checks.subjects import DashboardDoc, QuerySite, dashboard_sites
from dashsmith.commands.import_.pysource import Call, source
from dashsmith.grafana.legend import LEGEND_LABEL
from dashsmith.model.catalog import TARGET_LABELS, Catalog, Metric, MetricType
from dashsmith.model.source import Source

MODULE = "imported"  # the catalog module import writes: <catalog>/imported.py
RATES = frozenset({"rate", "irate", "increase", "resets"})
# Labels a query makes rather than reads: label_replace/label_join's destination.
MAKERS = frozenset({"label_replace", "label_join"})
_HEAD = '''"""Metrics the imported dashboards read that the catalog lacked, inferred by
`dashsmith import` from their queries: each type from the name and the functions applied to
it, each label from the matchers, `by` clauses and legends. They are guesses: check each
against the exporter (`dashsmith verify` compares the types with Prometheus's metadata), add
what the queries do not show (help, unit, label values), then move it to the module of its
exporter. A name with a colon is a recording rule's output: the dashboard reads nothing until
its rule is in alerts/."""
'''


@dataclass
class Use:
    """What the queries of the imported dashboards do with one series name."""

    quantile: bool = False  # histogram_quantile() reads it
    labels: set[str] = field(default_factory=set)
    rated_reads: int = 0  # how many selectors of it rate(), irate(), increase() or resets() read
    raw_reads: int = 0  # how many read its value as it is (what lint's catalog/counter-rate flags)

    @property
    def rated(self) -> bool:
        return self.rated_reads > 0

    @property
    def raw(self) -> bool:
        return self.raw_reads > 0


@dataclass
class Inferred:
    name: str
    type: MetricType
    labels: list[str]
    why: str  # what the type was inferred from
    readers: list[str]  # the dashboards (titles) whose queries read it
    help: str = ""  # kept from an earlier import


@dataclass
class Proposal:
    metrics: list[Inferred]  # the catalog's imported.py after this import, new and earlier
    new: list[str]  # names this import adds
    path: str  # where the module is
    text: str  # its text
    missing_labels: list[str] = field(default_factory=list)  # of metrics a person declared
    left_out: list[str] = field(default_factory=list)  # recorded buckets: their rules missing


def uses(dashboards: Iterable[dict]) -> dict[str, tuple[Use, set[str]]]:
    """name → (what the queries do with it, the titles of the dashboards reading it)."""
    found: dict[str, tuple[Use, set[str]]] = {}
    for data in dashboards:
        doc = _doc(data, Source(str(data.get("uid")), 1))
        for site in dashboard_sites(doc):
            for name, use in _site_uses(site).items():
                total, readers = found.setdefault(name, (Use(), set()))
                total.quantile |= use.quantile
                total.labels |= use.labels
                total.rated_reads += use.rated_reads
                total.raw_reads += use.raw_reads
                readers.add(str(data.get("title", "")).strip())
    return found


def _doc(data: dict, where: Source) -> DashboardDoc:
    """The dashboard as lint reads it; every place in it is the dashboard's (no finding is
    reported from here)."""
    return DashboardDoc(data, where, True, lambda panel: where, lambda panel, target: where,
                        lambda variable: where)


def _site_uses(site: QuerySite) -> dict[str, Use]:
    expression = site.expression
    if expression.root is None:
        return {}  # a syntax error: lint reports it
    out: dict[str, Use] = {}

    def add(labels: Iterable[str], under: promql.Node) -> None:
        for node in under.walk():
            if isinstance(node, promql.Selector) and node in named:
                lacking = _not_its_own(node, under)
                out[node.name or ""].labels.update(
                    label for label in labels if label not in lacking)

    named = [s for s in expression.named_selectors() if not s.name_is_variable]
    for selector in named:
        use = out.setdefault(selector.name or "", Use())
        consumer = selector.consumer()
        rated = isinstance(consumer, promql.Call) and consumer.function in RATES
        raw = site.reads_values and not reads_counter_correctly(selector, consumer)
        use.rated_reads += rated
        use.raw_reads += raw
        use.quantile |= any(isinstance(n, promql.Call) and n.function == "histogram_quantile"
                            for n in selector.ancestors())
        use.labels.update(m.label for m in selector.matchers
                          if not (m.op in ("=", "=~") and not m.value))
    for node in expression.nodes():
        if isinstance(node, promql.Aggregate) and node.grouping:
            add(node.labels, node.expr)
        elif isinstance(node, promql.Binary):
            add(node.matching_labels, node.lhs)  # what each side has, before matching
            add(node.matching_labels, node.rhs)
            if node.group:
                add(node.group_labels, node.rhs if node.group == "left" else node.lhs)
        elif isinstance(node, promql.Call) and node.function == "label_replace" \
                and len(node.args) == 5 and isinstance(node.args[3], promql.String):
            add([node.args[3].value], node.args[0])  # the label it reads
    legend = LEGEND_LABEL.findall(site.legend) if site.kind == "panel" else []
    add(legend + ([site.label_values] if site.label_values else []), expression.root)
    return out


def _not_its_own(selector: promql.Selector, under: promql.Node) -> set[str]:
    """Labels that `under`'s result has and `selector`'s series need not: those a function
    between them makes (label_replace/label_join's destination, count_values's label; also
    `under` itself, as in `sum by (dst) (label_replace(x, "dst", ...))`) and those a
    group_left/group_right between them copies from the other side onto its side. Only these:
    the same label elsewhere in the query (`sum by (device) (x) * on (device) label_replace(y,
    "device", ...)`), or read by the function that makes it (`label_replace(..., "chip", "$2",
    "chip", ...)`, `by (chip)` inside it), is the series' own."""
    out: set[str] = set()
    if under is selector:
        return out
    child: promql.Node = selector
    for node in selector.ancestors():
        if isinstance(node, promql.Call) and node.function in MAKERS and len(node.args) > 1 \
                and isinstance(node.args[1], promql.String):
            out.add(node.args[1].value)
        elif isinstance(node, promql.Aggregate) and node.op == "count_values" \
                and isinstance(node.param, promql.String):
            out.add(node.param.value)
        elif isinstance(node, promql.Binary) and node.group and \
                child is (node.lhs if node.group == "left" else node.rhs):
            out.update(node.group_labels)
        if node is under:
            break
        child = node
    return out


def infer(found: dict[str, tuple[Use, set[str]]], known: set[str]) -> list[Inferred]:
    """The metrics to declare for the names the catalog does not know."""
    unknown = {name: value for name, value in found.items() if name not in known}
    out: dict[str, Inferred] = {}
    taken: set[str] = set()  # series names a histogram or summary declared here provides
    for name, (use, _) in sorted(unknown.items()):
        base = name[:-len("_bucket")] if name.endswith("_bucket") else None
        if base and (use.quantile or "le" in use.labels) and base not in unknown:
            parts = [base + suffix for suffix in ("_bucket", "_sum", "_count")]
            labels, titles = _join(unknown, parts)
            why = ("histogram_quantile() reads its buckets" if use.quantile
                   else "its buckets have an `le`")
            out[base] = Inferred(base, MetricType.HISTOGRAM, sorted(labels - {"le"}), why,
                                 sorted(titles))
            taken.update(parts)
    for name, (use, _) in sorted(unknown.items()):
        if name in taken or name in out:
            continue
        if "quantile" in use.labels and ":" not in name:
            parts = [name + suffix for suffix in ("", "_sum", "_count")]
            labels, titles = _join(unknown, parts)
            out[name] = Inferred(name, MetricType.SUMMARY, sorted(labels - {"quantile"}),
                                 "it has a `quantile`", sorted(titles))
            taken.update(parts)
    for name, (use, readers) in sorted(unknown.items()):
        if name in taken or name in out or _recorded_buckets(name, use):
            continue
        # What the queries do decides; the name only where they say nothing either way (a
        # _total the dashboards only read as it is is a gauge to them: some exporters name
        # gauges so, and a counter read raw everywhere would be flagged on every panel).
        if use.rated and use.raw and not _counter_name(name):
            # rated in one query, read as it is in another, and not named as a counter is:
            # one of the two is the dashboard's mistake, which lint will name. The queries
            # that read it most decide (a gauge some panel rates, such as a
            # _timestamp_seconds, would otherwise have its correct raw reads flagged).
            # (a tie is a gauge: the rule is to guess a counter only on evidence)
            rated, raw = _places(use.rated_reads), _places(use.raw_reads)
            if use.rated_reads > use.raw_reads:
                kind, why = MetricType.COUNTER, (
                    f"rate() reads it in {rated}, its value in {raw} (check which is right)")
            else:
                kind, why = MetricType.GAUGE, (
                    f"its value is read in {raw}, rate() in {rated} (check which is right)")
        elif use.rated:
            kind, why = MetricType.COUNTER, "a rate() reads it"
        elif use.raw:
            kind, why = MetricType.GAUGE, "read as it is"
        elif name.endswith("_total") and ":" not in name:
            kind, why = MetricType.COUNTER, "named _total"
        else:
            kind, why = MetricType.GAUGE, "only counted or listed"
        out[name] = Inferred(name, kind, sorted(_plain(use.labels)), why, sorted(readers))
    return sorted(out.values(), key=lambda m: m.name)


def _places(count: int) -> str:
    return f"{count} place" if count == 1 else f"{count} places"


def _counter_name(name: str) -> bool:
    """Named as Prometheus names a counter (or a histogram's or summary's counter parts),
    also with colons (Spinnaker's `clouddriver:google:operationWaits__totalTime_total`)."""
    return name.endswith(("_total", "_count", "_sum", "_bucket"))


def _recorded_buckets(name: str, use: Use) -> bool:
    """A recording rule's output that histogram_quantile() reads (`job:x_bucket:rate5m`): it
    holds buckets, which no catalog entry can say of a recorded name; its rule is what is
    missing, so it is left to lint's catalog/unknown-metric."""
    return ":" in name and use.quantile


def recorded_buckets(found: dict[str, tuple[Use, set[str]]], known: set[str]) -> list[str]:
    return sorted(name for name, (use, _) in found.items()
                  if name not in known and _recorded_buckets(name, use))


def _join(unknown: dict[str, tuple[Use, set[str]]], parts: list[str]) -> tuple[set, set]:
    labels: set[str] = set()
    titles: set[str] = set()
    for part in parts:
        if part in unknown:
            labels |= _plain(unknown[part][0].labels)
            titles |= unknown[part][1]
    return labels, titles


def _plain(labels: set[str]) -> set[str]:
    """Labels to declare: not job and instance (every target has them), not Prometheus's own
    (`__name__`), not a Grafana variable's stand-in."""
    return {label for label in labels if label not in TARGET_LABELS
            and not label.startswith("__")}


def missing_labels(found: dict[str, tuple[Use, set[str]]], catalog: Catalog) -> list[str]:
    """Labels the queries read on metrics a person declared, which their declaration lacks
    (import does not edit a person's module; it says where to add them)."""
    out: list[str] = []
    for name, (use, _) in sorted(found.items()):
        series = catalog.series(name)
        if series is None or os.path.basename(series.metric.source.file) == f"{MODULE}.py":
            continue
        lacking = sorted(_plain(use.labels) - series.label_names)
        if lacking:
            where = f"{os.path.basename(series.metric.source.file)}:{series.metric.source.line}"
            out.append(f"{series.metric.name} ({where}) has no label "
                       f"{', '.join(repr(label) for label in lacking)}")
    return out


def propose(dashboards: list[dict], catalog: Catalog, records: Iterable[str],
            directory: str) -> Proposal:
    """The catalog's imported.py with what these dashboards read and the catalog lacks (the
    metrics an earlier import put there are merged, not counted as known)."""
    path = os.path.join(directory, MODULE + ".py")
    earlier = [m for m in catalog if _written_by_import(m, path)]
    known = set(records) | PROMETHEUS_SERIES
    for name in catalog.series_names():
        series = catalog.series(name)
        if series is not None and not _written_by_import(series.metric, path):
            known.add(name)
    found = uses(dashboards)
    inferred = {m.name: m for m in infer(found, known)}
    merged: dict[str, Inferred] = {}
    for metric in earlier:
        labels = {label.name for label in metric.labels}
        new = inferred.pop(metric.name, None)
        if new is not None and new.type is metric.type:
            labels |= set(new.labels)
        merged[metric.name] = Inferred(metric.name, metric.type, sorted(labels), "", [],
                                       metric.help)
    fresh = [name for name in inferred if not _covered(name, merged)]
    for name in fresh:
        merged[name] = inferred[name]
    metrics = sorted(merged.values(), key=lambda m: m.name)
    return Proposal(metrics, fresh, path, module_text(metrics),
                    missing_labels(found, catalog), recorded_buckets(found, known))


def _covered(name: str, merged: dict[str, Inferred]) -> bool:
    """Whether an earlier import's histogram or summary already declares this series."""
    return any(name.startswith(other) and other != name and merged[other].type in
               (MetricType.HISTOGRAM, MetricType.SUMMARY) and name[len(other):] in
               ("_bucket", "_sum", "_count", "") for other in merged)


_CLASSES = {MetricType.COUNTER: "Counter", MetricType.GAUGE: "Gauge",
            MetricType.HISTOGRAM: "Histogram", MetricType.SUMMARY: "Summary"}


def module_text(metrics: list[Inferred]) -> str:
    classes = sorted({_CLASSES[m.type] for m in metrics})
    lines = [_HEAD, f"from dashsmith import {', '.join(classes)}", "", "METRICS = ["]
    for metric in metrics:
        lines.append(_declaration(metric))
    lines.append("]")
    return "\n".join(lines) + "\n"


def _declaration(metric: Inferred) -> str:
    kwargs: dict[str, object] = {}
    if metric.labels:
        kwargs["labels"] = list(metric.labels)
    # the exporter a person would check first (the name's first word), marked as a guess: an
    # exact name could make `dashsmith instrument` generate the metric for the application
    source_name = "recording rule" if ":" in metric.name else metric.name.split("_")[0]
    kwargs["exporter"] = f"{source_name} (inferred)"
    if metric.type is MetricType.HISTOGRAM:
        kwargs["buckets"] = []  # not in the queries: fill in from the exporter
    call = Call(_CLASSES[metric.type], _no_function, [metric.name, metric.help or _help(metric)],
                kwargs)
    return source(call, indent=1, tail=",")


def _no_function(*args: object, **kwargs: object) -> None:
    """Calls here are printed, never evaluated."""


def _help(metric: Inferred) -> str:
    readers = ", ".join(f"'{title}'" for title in metric.readers[:3])
    more = f" and {len(metric.readers) - 3} more" if len(metric.readers) > 3 else ""
    return f"Inferred by dashsmith import from {readers}{more}: a {metric.type}, {metric.why}."


def _written_by_import(metric: Metric, path: str) -> bool:
    return os.path.abspath(metric.source.file) == os.path.abspath(path)
