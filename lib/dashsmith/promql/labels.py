"""What labels a PromQL result can carry, given the labels of each selector (from the catalog
or recording rules): the label flow through calls, aggregations and vector matching.

  output_labels(node, labels_of)      the labels a result can carry, or None when unknown
  dropped_by(node, label, labels_of)  the aggregation or matching that removed a label
  available_labels(node, labels_of)   every label any selector underneath has
"""

from __future__ import annotations

from collections.abc import Callable

from dashsmith.promql.operators import ABSENCE, SELECTING_AGGREGATIONS
from dashsmith.promql.tree import (
    Aggregate,
    Binary,
    Call,
    Node,
    Selector,
    String,
    Subquery,
    Unary,
    is_scalar,
)

Labels = frozenset[str] | None  # None: not known
LabelsOf = Callable[[Selector], Labels]  # a selector's labels
Memo = dict[int, Labels]  # by id() of the node
_Output = Callable[[Node], Labels]


def output_labels(node: Node, labels_of: LabelsOf, memo: Memo | None = None) -> Labels:
    """The labels a result of `node` can carry (an upper bound), or None if unknown.
    `labels_of(selector)` gives a selector's labels, or None when it does not know them;
    `memo` (a dict kept by the caller) saves recomputing shared subtrees."""
    if memo is None:
        memo = {}
    key = id(node)
    if key in memo:
        return memo[key]
    found: Labels
    if type(node) is Selector:
        found = labels_of(node)
    elif node.scalar and type(node) is not Call:
        found = frozenset()
    elif type(node) is Unary or type(node) is Subquery:
        found = output_labels(node.expr, labels_of, memo)
    else:
        def output(child: Node) -> Labels:
            return output_labels(child, labels_of, memo)

        if type(node) is Call:
            found = _call_labels(node, output)
        elif type(node) is Aggregate:
            found = _aggregate_labels(node, output)
        elif type(node) is Binary:
            found = _binary_labels(node, output)
        else:
            found = None
    memo[key] = found
    return found


def _call_labels(call: Call, output: _Output) -> Labels:
    if call.returns_scalar or call.function in ("vector", "time"):
        return frozenset()
    if call.function in ABSENCE:
        selector = call.args[0] if call.args else None
        if isinstance(selector, Selector):
            return frozenset(m.label for m in selector.matchers
                             if m.op == "=" and m.label != "__name__")
        return frozenset()
    vectors = [a for a in call.args if not is_scalar(a)]
    if not vectors:
        return frozenset()
    inner = output(vectors[0])
    if inner is None:
        return None
    if call.function == "histogram_quantile":
        return inner - {"le"}
    if call.function in ("label_replace", "label_join") and len(call.args) > 1 \
            and isinstance(call.args[1], String):
        return inner | {call.args[1].value}
    return inner


def _aggregate_labels(aggregate: Aggregate, output: _Output) -> Labels:
    inner = output(aggregate.expr)
    if aggregate.op in SELECTING_AGGREGATIONS:
        return inner
    labels = frozenset(aggregate.labels)
    if aggregate.grouping == "by":
        result = labels if inner is None else labels & inner
    elif aggregate.grouping == "without":
        if inner is None:
            return None
        result = inner - labels
    else:
        result = frozenset()
    if aggregate.op == "count_values" and isinstance(aggregate.param, String):
        result |= {aggregate.param.value}
    return result


def _binary_labels(binary: Binary, output: _Output) -> Labels:
    if binary.op in ("and", "unless"):
        return output(binary.lhs)
    left, right = output(binary.lhs), output(binary.rhs)
    if binary.op == "or":
        return None if left is None or right is None else left | right
    if is_scalar(binary.lhs):
        return right
    if is_scalar(binary.rhs):
        return left
    if binary.group == "left":
        return None if left is None else left | set(binary.group_labels)
    if binary.group == "right":
        return None if right is None else right | set(binary.group_labels)
    if binary.matching == "on":
        kept = frozenset(binary.matching_labels)
        return kept if left is None else left & kept
    if binary.matching == "ignoring":
        return None if left is None else left - set(binary.matching_labels)
    return left



def dropped_by(node: Node, label: str, labels_of: LabelsOf,
               memo: Memo | None = None) -> Node | None:
    """The aggregation or vector matching under `node` (inclusive) that removed `label`, when
    its input had the label and its output has not."""
    memo = {} if memo is None else memo
    for candidate in node.walk():
        if isinstance(candidate, Aggregate) and candidate.op not in SELECTING_AGGREGATIONS:
            before = output_labels(candidate.expr, labels_of, memo)
        elif isinstance(candidate, Binary) and candidate.matching == "on" and not candidate.group:
            before = output_labels(candidate.lhs, labels_of, memo)
        else:
            continue
        after = output_labels(candidate, labels_of, memo)
        if before is not None and after is not None and label in before and label not in after:
            return candidate
    return None


def available_labels(node: Node, labels_of: LabelsOf) -> Labels:
    """Every label any selector under `node` has: what an aggregation could keep."""
    found: set[str] = set()
    for selector in node.walk():
        if isinstance(selector, Selector):
            labels = labels_of(selector)
            if labels is None:
                return None
            found |= labels
    return frozenset(found)
