"""What the rules know besides the thing they check: the metric catalog, the recording rules,
the scrape interval, and what they have already seen (for duplicates)."""

from __future__ import annotations

from dashsmith import promql
from dashsmith.checks.rules.alert_severity import SEVERITIES
from dashsmith.model import durations
from dashsmith.model.catalog import Catalog, Metric, MetricType, Series
from dashsmith.model.source import Source

# Series Prometheus makes itself, for every target or every alert; their labels vary.
PROMETHEUS_SERIES = frozenset({
    "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added",
})


# setup.cfg's section of lint's settings and suppressions (suppress.py reads it).
LINT_SECTION = "dashsmith.lint"
# The Prometheus major version rules target unless [dashsmith.lint] prometheus says otherwise
# (rules/promql_version.py): what users run now.
PROMETHEUS = 3


class Context:
    def __init__(self, catalog: Catalog | None, scrape_interval: str, records=(),
                 root: str | None = None, severities: tuple[str, ...] | None = None,
                 prometheus: int = PROMETHEUS):
        self.catalog = catalog
        self.root = root
        self.severities = severities or SEVERITIES  # what alert/severity allows
        self.prometheus = prometheus  # the major version the rules target
        try:
            self.scrape_interval = durations.parse(scrape_interval)
        except ValueError:
            self.scrape_interval = 15.0
        self.records: dict[str, list] = {}
        for rule in records:
            self.records.setdefault(rule.name, []).append(rule)
        self._record_labels: dict[str, frozenset | None] = {}
        self._labels: dict[str | None, frozenset | None] = {}
        self._resolving: set[str] = set()
        self._seen: dict[tuple, Source] = {}
        self._seen_items: dict[tuple, list] = {}
        self._known_names: list[str] | None = None
        self._near: dict[str, list[str]] = {}

    # --- series ---------------------------------------------------------------------------

    def series(self, name: str | None) -> Series | None:
        if self.catalog is None or not name:
            return None
        return self.catalog.series(name)

    def histogram(self, name: str | None) -> Metric | None:
        """The catalog's histogram of this name (not one of its _bucket/_sum/_count series)."""
        metric = self.catalog.metrics.get(name) if self.catalog and name else None
        return metric if metric is not None and metric.type is MetricType.HISTOGRAM else None

    def is_known(self, name: str) -> bool:
        """A name the catalog, a recording rule or Prometheus itself provides."""
        return (self.series(name) is not None or name in self.records
                or name in PROMETHEUS_SERIES)

    def near_names(self, name: str) -> list[str]:
        """Up to two known names a typo away from `name` (a few edits, fewer for short
        names): asked only for a finding that is reported, and answered once per name."""
        if name not in self._near:
            # Imported here: most runs suggest nothing, and rapidfuzz takes ~8 ms to import.
            from rapidfuzz import process
            from rapidfuzz.distance import Levenshtein

            if self._known_names is None:
                catalog = self.catalog.series_names() if self.catalog else []
                self._known_names = sorted({*catalog, *self.records})
            edits = max(1, min(3, len(name) // 8))
            found = process.extract(name, self._known_names, scorer=Levenshtein.distance,
                                    score_cutoff=edits, limit=2)
            self._near[name] = [known for known, _, _ in sorted(found, key=lambda f: f[1])]
        return self._near[name]

    def labels_of(self, selector: promql.Selector) -> frozenset[str] | None:
        """The labels series matching `selector` carry, or None if they are not known."""
        declared = self.declared_labels(selector.name)
        if declared is None:
            return None
        extra = [m.label for m in selector.matchers if m.label not in declared
                 and m.op in ("=", "=~") and m.value and m.label != "__name__"]
        return declared | frozenset(extra) if extra else declared

    def declared_labels(self, name: str | None) -> frozenset[str] | None:
        """The labels the catalog or a recording rule gives series named `name`, or None."""
        if name in self._labels:
            return self._labels[name]
        labels = self._lookup_labels(name)
        if name not in self._resolving:
            self._labels[name] = labels
        return labels

    def _lookup_labels(self, name: str | None) -> frozenset[str] | None:
        if not name or name in PROMETHEUS_SERIES:
            return None
        series = self.series(name)
        if series is not None:
            return series.label_names
        if name in self.records:
            return self.record_labels(name)
        return None

    def record_labels(self, name: str) -> frozenset[str] | None:
        """The labels a recorded series carries: its expression's result plus its own labels."""
        if name in self._record_labels:
            return self._record_labels[name]
        if name in self._resolving:  # a record reading itself, directly or not
            return None
        self._resolving.add(name)
        found: set[str] = set()
        result: frozenset[str] | None = None
        for rule in self.records[name]:
            expression = promql.parse(rule.expr, grafana=False)
            labels = (promql.output_labels(expression.root, self.labels_of)
                      if expression.root is not None else None)
            if labels is None:
                break
            found |= labels | set(rule.labels())
        else:
            result = frozenset(found)
        self._resolving.discard(name)
        self._record_labels[name] = result
        return result

    def where(self, source: Source) -> str:
        """A source as messages show it: relative to the project."""
        return str(source.relative_to(self.root)) if self.root else str(source)

    # --- duplicates -----------------------------------------------------------------------

    def seen(self, key: tuple, item) -> list:
        """The items seen before under `key` (and remember `item` as seen)."""
        earlier = self._seen_items.setdefault(key, [])
        found = list(earlier)
        earlier.append(item)
        return found

    def first_seen(self, key: tuple, source: Source) -> Source | None:
        """Where `key` was seen before, or None (and remember it as seen here)."""
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = source
        return earlier
