from __future__ import annotations

import enum

from dashsmith import promql
from dashsmith.checks.rule import Rule
from dashsmith.checks.rules.catalog_gauge_rate import COUNTER_FUNCTIONS
from dashsmith.model.problems import Severity
from dashsmith.promql.operators import ABSENCE

# Series whose existence is the state: Prometheus writes ALERTS and ALERTS_FOR_STATE only for
# alerts that are pending or firing (rules/alerting.go, `ALERTS{alertname, alertstate}`).
PRESENCE_SERIES = frozenset({"ALERTS", "ALERTS_FOR_STATE"})
# Series Prometheus writes for every target at every scrape (the scrape's own series), so
# whatever their matchers, they are there all the time.
TARGET_SERIES = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped",
                           "scrape_samples_post_metric_relabeling", "scrape_series_added"})
# Labels Prometheus attaches to every series of a scrape target: a matcher on them picks
# targets, never a state.
TARGET_LABELS = frozenset({"__name__", "job", "instance"})
# Series that exist to carry labels (value 1), by the names exporters give them (`build_info`,
# `ceph_nvmeof_subsystem_metadata`): their state lives in a label, so a series with one value
# of it exists only in that state.
INFO_SUFFIXES = ("_info", "_metadata")


class Verdict(enum.IntEnum):
    """How sure it is that an expression returns nothing while all is well (ordered)."""

    ALWAYS = 0      # returns its series all the time
    PRESENCE = 1    # returns series only if the ones it selects exist only in the bad state
    CONDITION = 2   # returns nothing unless its condition holds


class AlertComparison(Rule):
    """An alert's expression has no comparison, so it fires for every series it returns.

    Prometheus fires an alert for every series its expression returns, at every evaluation, so
    the expression must return nothing while all is well. It is a condition when it has:
    - a comparison without `bool` (`> 0.1`), a filter (`and`, `unless`: `x unless on (job)
      up == 1` is an absence check), absent() or absent_over_time(), or a deliberate
      vector() (a dead man's switch fires always, on purpose);
    - a selector of series that exist only in the state: `ALERTS` and `ALERTS_FOR_STATE`
      (Prometheus writes them only for pending and firing alerts), or an info series
      (`_info`, `_metadata`) selected by a label's value (its state is in the label).
    Both sides of `or` must be conditions; one side of arithmetic is enough (it matches only
    what both return).

    It has none when nothing in it can drop a series: a series selected by name (or by
    `job`, `instance`, which pick targets), Prometheus's own `up` and `scrape_*` (there for
    every target at every scrape), or a counter read through rate(), irate(), increase() or
    resets() (an exporter keeps a counter's series, at 0 or more, once made: an error counter
    is there long after the last error). That is an error.

    In between, a bare selector narrowed by other label matchers
    (`pg_index_size_bytes{index=~".*_ccnew"}`) fires while such series exist: a condition if
    they exist only in the bad state (an index left behind by a failed REINDEX), but not if
    they are there all the time (a gauge of endpoints per state is 0 in the good one). Lint
    cannot tell which, so that is a warning: compare the value to say so.

    Anti-pattern:
        Alert("HighErrorRate",
              expr="sum(rate(tradingagents_analyses_total{status='error'}[5m]))")

    Best practice:
        Alert("HighErrorRate",
              expr="sum(rate(tradingagents_analyses_total{status='error'}[5m])) > 0.1")
    """

    id = "alert/comparison"
    sites = ("rule",)

    def query(self, site, context):
        if not site.rule.is_alert:
            return
        verdict, selector = self.verdict(site.expression.root)
        name = site.rule.name
        if verdict is Verdict.ALWAYS:
            yield self.problem(f"alert '{name}' has no comparison: it fires for every series "
                               "the expression returns; compare it with a threshold "
                               "(e.g. `> 0.1`)", site.rule.source)
        elif verdict is Verdict.PRESENCE:
            yield self.problem(
                f"alert '{name}' has no comparison: it fires whenever a series `{selector}` "
                "exists: a condition only if such series exist just in the bad state (then "
                "suppress this with that reason); if they are there all the time, compare the "
                "value (e.g. `> 0`)",
                site.rule.source, Severity.WARNING)

    def verdict(self, node) -> tuple[Verdict, promql.Selector | None]:
        """The expression's verdict, and the selector a PRESENCE verdict rests on."""
        if isinstance(node, promql.Binary):
            if node.is_filter or node.op in ("and", "unless"):
                return Verdict.CONDITION, None
            sides = [self.verdict(node.lhs), self.verdict(node.rhs)]
            # `or` returns both sides; arithmetic only what both sides return
            return (min if node.op == "or" else max)(sides, key=lambda v: v[0])
        if isinstance(node, promql.Call):
            if node.function in ABSENCE:
                return Verdict.CONDITION, None
            if node.function == "vector":  # a dead man's switch only as the whole expression:
                # beside anything else (`x > 1 or vector(0)`) it returns a series every time
                return (Verdict.CONDITION if node.parent is None else Verdict.ALWAYS), None
            found = max((self.verdict(arg) for arg in node.args),
                        key=lambda v: v[0], default=(Verdict.ALWAYS, None))
            if node.function in COUNTER_FUNCTIONS and found[0] is Verdict.PRESENCE:
                return Verdict.ALWAYS, None  # a counter's series lasts
            return found
        if isinstance(node, (promql.Aggregate, promql.Unary, promql.Subquery)):
            return self.verdict(node.expr)
        if isinstance(node, promql.Selector):
            return self._selector(node), node
        return Verdict.ALWAYS, None

    @staticmethod
    def _selector(node: promql.Selector) -> Verdict:
        name = node.name or ""
        narrowing = [m for m in node.matchers if m.label not in TARGET_LABELS
                     and not (m.op == "=~" and m.value == ".*")]  # that one matches all
        if name in PRESENCE_SERIES:
            return Verdict.CONDITION
        if name.endswith(INFO_SUFFIXES) and any(m.value or m.op == "!=" for m in narrowing):
            return Verdict.CONDITION
        if not narrowing or name in TARGET_SERIES:
            return Verdict.ALWAYS
        return Verdict.PRESENCE
