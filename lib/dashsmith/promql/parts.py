"""The parts of an expression that can be evaluated on their own, as promql-parser's nodes
(which print back as PromQL, so each part can be sent to Prometheus): the series selectors,
the sub-expressions that feed a node, and the conditions an alert expression fires on. verify
asks a live Prometheus about these; lint reads the plain tree of the same parse (tree.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeGuard

import promql_parser as pp

from dashsmith.promql.operators import ABSENCE, COMPARISONS
from dashsmith.promql.tree import parse as parse_tree


def parse(text: str) -> pp.Expr | None:
    """The AST of `text` (PromQL as Prometheus reads it, no Grafana variables), or None when
    promql-parser cannot read it (Prometheus will say why)."""
    return parse_tree(text, grafana=False).ast


def show(node: object) -> str:
    """A node as PromQL for a message: promql-parser prints `name{}` for a bare name."""
    return re.sub(r"(\w)\{\}", r"\1", str(node))


def children(node: pp.Expr) -> list[pp.Expr]:
    if type(node) is pp.ParenExpr or type(node) is pp.UnaryExpr \
            or type(node) is pp.SubqueryExpr:
        return [node.expr]
    if type(node) is pp.AggregateExpr:
        return [node.expr] + ([node.param] if node.param is not None else [])
    if type(node) is pp.Call:
        return list(node.args)
    if type(node) is pp.BinaryExpr:
        return [node.lhs, node.rhs]
    if type(node) is pp.MatrixSelector:
        return [node.vector_selector]
    return []


def selectors(node: pp.Expr, *,
              in_absence: bool = False) -> Iterator[tuple[pp.VectorSelector, bool]]:
    """(selector, inside absent()) for every vector selector under `node`."""
    if type(node) is pp.VectorSelector:
        yield node, in_absence
        return
    inside = in_absence or (type(node) is pp.Call and node.func.name in ABSENCE)
    for child in children(node):
        yield from selectors(child, in_absence=inside)


def metric_names(node: pp.Expr) -> set[str]:
    names: set[str] = set()
    for selector, _ in selectors(node):
        name = selector.name or next((m.value for m in selector.matchers.matchers
                                      if m.name == "__name__" and str(m.op) == "MatchOp.Equal"),
                                     None)
        if name:
            names.add(name)
    return names


def is_vector(node: pp.Expr) -> bool:
    """Whether the node can be evaluated alone as an instant or range query with series."""
    if type(node) in (pp.NumberLiteral, pp.StringLiteral, pp.MatrixSelector, pp.SubqueryExpr):
        return False
    if type(node) is pp.ParenExpr:
        return is_vector(node.expr)
    if type(node) is pp.Call:
        # bool(): the stubs type the enum's members as Any, so is the comparison.
        return bool(node.func.return_type != pp.ValueType.Scalar)
    if type(node) is pp.BinaryExpr:
        return is_vector(node.lhs) or is_vector(node.rhs)
    return True


def function_name(node: pp.Expr) -> str | None:
    return node.func.name if type(node) is pp.Call else None


def is_comparison_filter(node: pp.Expr) -> TypeGuard[pp.BinaryExpr]:
    if type(node) is not pp.BinaryExpr or str(node.op) not in COMPARISONS:
        return False
    return not (node.modifier is not None and node.modifier.return_bool)


def with_bool(node: pp.BinaryExpr) -> str:
    """A comparison filter as a `bool` comparison: a series for every matched pair, whatever
    the values, so an empty answer means the two sides never match."""
    text, lhs, op = str(node), str(node.lhs), str(node.op)
    return f"{lhs} {op} bool{text[len(lhs) + 1 + len(op):]}"


@dataclass(frozen=True)
class Condition:
    """Something that must return series for an alert to fire: `operand` (compared with
    `comparison`'s threshold, if any)."""

    node: object  # the comparison, or the whole branch when there is none
    operand: str  # PromQL that must return series for the condition to ever hold
    comparison: str  # the comparison as written, or "" when the branch is not one


def conditions(node: pp.Expr) -> list[Condition]:
    """The conditions of an alert expression: each branch of `or`, both sides of `and`, the
    left of `unless`. absent() branches are left out (they hold when data is missing)."""
    if type(node) is pp.ParenExpr:
        return conditions(node.expr)
    if type(node) is pp.BinaryExpr:
        op = str(node.op)
        if op in ("or", "and"):
            return conditions(node.lhs) + conditions(node.rhs)
        if op == "unless":
            return conditions(node.lhs)
        if is_comparison_filter(node):
            sides = [side for side in (node.lhs, node.rhs) if is_vector(side)]
            operand = str(sides[0]) if len(sides) == 1 else with_bool(node)
            return [Condition(node, operand, str(node))]
    if type(node) is pp.Call and node.func.name in ABSENCE:
        return []
    return [Condition(node, str(node), "")]
