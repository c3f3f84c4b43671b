from __future__ import annotations

from collections.abc import Iterator

from dashsmith import promql
from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import QuerySite
from dashsmith.model.problems import Problem


class PromqlHistogramLe(Rule):
    """histogram_quantile() over a classic histogram's buckets whose `le` label an
    aggregation removed on the way.

    A classic histogram's quantile is computed from its buckets, one series per upper bound
    `le`; an aggregation that does not keep `le` sums the buckets into one series, and
    histogram_quantile() returns nothing. This needs no catalog: the expression says it. (A
    native histogram has no `le` and no `_bucket` series: `histogram_quantile(0.9,
    sum(rate(x[5m])))` over one is right, and not looked at.)

    Anti-pattern:
        histogram_quantile(0.95, sum by (job) (rate(http_request_duration_seconds_bucket[5m])))

    Best practice:
        histogram_quantile(0.95,
          sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))
    """

    id = "promql/histogram-le"

    def query(self, site: QuerySite, context: Context) -> Iterator[Problem]:
        for node in site.expression.nodes():
            if type(node) is promql.Call and node.function == "histogram_quantile" \
                    and len(node.args) == 2 and _reads_buckets(node.args[1]):
                message = _dropped(node.args[1], context)
                if message:
                    yield self.problem(site.expression.restore(message),
                                       site.at_token("histogram_quantile"))


def _reads_buckets(argument: promql.Node) -> bool:
    """The argument reads a classic histogram's `_bucket` series (by name or __name__)."""
    for node in argument.walk():
        if type(node) is promql.Selector:
            names = [node.name or ""] + [m.value for m in node.matchers
                                         if m.label == "__name__"]
            if any(name.endswith(("_bucket", "_bucket$")) for name in names):
                return True
    return False


def _dropped(argument: promql.Node, context: Context) -> str | None:
    produced = promql.output_labels(argument, context.labels_of)
    if produced is None or "le" in produced:
        return None
    dropped = promql.dropped_by(argument, "le", lambda selector: _with_le(selector, context))
    how = f"`{dropped}` removes it" if dropped is not None else "its input has none"
    keep = "; keep it with `by (le, ...)`" if isinstance(dropped, promql.Aggregate) else ""
    return f"histogram_quantile() needs the 'le' label of the buckets, but {how}{keep}"


def _with_le(selector: promql.Selector, context: Context) -> frozenset[str] | None:
    """The labels of `selector`'s series; a bucket series has `le`, catalog or not."""
    known = context.labels_of(selector)
    if selector.name and selector.name.endswith("_bucket"):
        return (known or frozenset()) | {"le"}
    return known
