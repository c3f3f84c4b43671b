"""The metric catalog: every metric the dashboards and alerts read, with its type and labels.

A histogram `x` is scraped as `x_bucket` (with `le`), `x_sum` and `x_count`; a summary `x` as
`x` (with `quantile`), `x_sum` and `x_count`. `Catalog.series(name)` answers for any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from dashsmith.model.source import Source, caller

# Labels Prometheus attaches to every scraped series.
TARGET_LABELS = frozenset({"job", "instance"})


class MetricType(str, Enum):
    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    SUMMARY = "summary"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Label:
    name: str
    values: tuple[str, ...] = ()  # empty: any value
    help: str = ""

    def __init__(self, name: str, values: Iterable[str] = (), help: str = ""):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "values", tuple(values))
        object.__setattr__(self, "help", help)


@dataclass(frozen=True)
class Metric:
    name: str
    type: MetricType
    help: str
    labels: tuple[Label, ...]
    unit: str
    exporter: str
    buckets: tuple[float, ...] = ()
    source: Source = field(default_factory=caller, compare=False)

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    @property
    def label_names(self) -> frozenset[str]:
        return frozenset(label.name for label in self.labels) | TARGET_LABELS


# A metric's labels: a Label, or just its name.
Labels = Iterable[Label | str]


def _metric(kind: MetricType, name: str, help: str, labels: Labels, unit: str, exporter: str,
            buckets: Iterable[float] = ()) -> Metric:
    return Metric(name, kind, help,
                  tuple(label if isinstance(label, Label) else Label(label) for label in labels),
                  unit, exporter, tuple(buckets), caller())


def Counter(name: str, help: str, *, labels: Labels = (), unit: str = "",
            exporter: str) -> Metric:
    return _metric(MetricType.COUNTER, name, help, labels, unit, exporter)


def Gauge(name: str, help: str, *, labels: Labels = (), unit: str = "", exporter: str) -> Metric:
    return _metric(MetricType.GAUGE, name, help, labels, unit, exporter)


def Histogram(name: str, help: str, *, labels: Labels = (), unit: str = "", exporter: str,
              buckets: Iterable[float]) -> Metric:
    return _metric(MetricType.HISTOGRAM, name, help, labels, unit, exporter, buckets)


def Summary(name: str, help: str, *, labels: Labels = (), unit: str = "",
            exporter: str) -> Metric:
    return _metric(MetricType.SUMMARY, name, help, labels, unit, exporter)


@dataclass(frozen=True)
class Series:
    """What a scraped series name means: the metric it belongs to, and which part of it."""

    metric: Metric
    suffix: str  # "", "_bucket", "_sum" or "_count"

    @property
    def type(self) -> MetricType:
        """The type of the series itself: a histogram's _bucket/_sum/_count are counters."""
        if self.suffix:
            return MetricType.COUNTER
        return self.metric.type

    @property
    def label_names(self) -> frozenset[str]:
        names = self.metric.label_names
        if self.metric.type is MetricType.HISTOGRAM and self.suffix == "_bucket":
            return names | {"le"}
        if self.metric.type is MetricType.SUMMARY and self.suffix == "":
            return names | {"quantile"}
        return names


_PARTS = {
    MetricType.HISTOGRAM: ("_bucket", "_sum", "_count"),
    MetricType.SUMMARY: ("", "_sum", "_count"),
}


class Catalog:
    def __init__(self, metrics: Iterable[Metric]):
        self.declared: list[Metric] = list(metrics)  # in declaration order, duplicates kept
        self.metrics: dict[str, Metric] = {m.name: m
                                           for m in sorted(self.declared, key=lambda m: m.name)}
        self._series: dict[str, Series] = {}
        for metric in self.metrics.values():
            for suffix in _PARTS.get(metric.type, ("",)):
                self._series[metric.name + suffix] = Series(metric, suffix)

    def series(self, name: str) -> Series | None:
        return self._series.get(name)

    def series_names(self) -> list[str]:
        return sorted(self._series)

    def __iter__(self) -> Iterator[Metric]:
        return iter(self.metrics.values())

    def __len__(self) -> int:
        return len(self.metrics)
