"""A PromQL expression as a tree of plain nodes.

`parse(text)` parses with promql-parser after Grafana variables are replaced by sentinels
(`variables.with_sentinels`), and turns the parser's AST into nodes that know their parent:
selectors (metric name, matchers, range), calls, aggregations with their labels, binary
operations with their matching. `Expression.selectors()` lists every series selector, and
`Selector.around()` the calls and aggregations that enclose it, innermost first. Messages never
show a sentinel: `Expression.restore()` puts the variables back. The parser's own tree is kept
as `Expression.ast` (see parts.py).
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import promql_parser as pp

from dashsmith.model import durations, variables
from dashsmith.promql.names import LABEL_NAME, METRIC_NAME, quoted_name
from dashsmith.promql.operators import COMPARISONS
from dashsmith.promql.position import error_offset

_SENTINEL = re.compile(r"__var_\w+?__")
_ONE_MS = timedelta(milliseconds=1)


# The tree's classes are plain classes with slots, not dataclasses: made for every parsed
# expression (a large rule file has thousands) and defined at every start of lint, where the
# dataclass decorator's code generation cost a few milliseconds.

class Matcher:
    __slots__ = ("label", "op", "value")

    def __init__(self, label: str, op: str, value: str) -> None:
        self.label = label
        self.op = op  # "=", "!=", "=~" or "!~"
        self.value = value

    def __eq__(self, other: object) -> builtins.bool:
        return type(other) is Matcher and (self.label, self.op, self.value) == \
            (other.label, other.op, other.value)

    def __hash__(self) -> int:
        return hash((self.label, self.op, self.value))

    def __repr__(self) -> str:
        return f"Matcher(label={self.label!r}, op={self.op!r}, value={self.value!r})"

    @property
    def is_regex(self) -> bool:
        return self.op in ("=~", "!~")

    @property
    def has_variable(self) -> bool:
        """The value holds a Grafana variable (a sentinel): its real value is unknown."""
        return bool(_SENTINEL.search(self.value))

    def __str__(self) -> str:
        return f'{quoted_name(self.label, LABEL_NAME)}{self.op}"{self.value}"'


class Node:
    """A node of the tree; equal only to itself. `parent` is set by the parser's conversion,
    `scalar` when the node's value is a scalar (a number, or an operation on numbers)."""

    __slots__ = ("parent", "scalar")
    _fields: tuple[str, ...] = ()  # what repr shows

    def __init__(self) -> None:
        self.parent: Node | None = None
        self.scalar = False

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def children(self) -> list[Node]:
        return []

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self) -> Iterator[Node]:
        """This node and every node under it, parents before children."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


class Selector(Node):
    """`name{matchers}`, or `name{matchers}[range]` when `range` is set (seconds)."""

    __slots__ = ("name", "matchers", "range", "range_variable", "offset")
    _fields = __slots__

    def __init__(self, name: str | None, matchers: tuple[Matcher, ...],
                 range: float | None = None,  # noqa: A002  the selector's, as PromQL names it
                 range_variable: str | None = None,
                 offset: float | None = None) -> None:
        self.parent = None
        self.scalar = False
        self.name = name
        self.matchers = matchers
        self.range = range
        self.range_variable = range_variable  # e.g. "__rate_interval" for [$__rate_interval]
        self.offset = offset

    def around(self) -> list[Call | Aggregate]:
        """The calls and aggregations enclosing this selector, innermost first."""
        return [n for n in self.ancestors() if isinstance(n, (Call, Aggregate))]

    def consumer(self) -> Node | None:
        """The first node that reads this selector's values: a call, an aggregation or a
        binary operation (subqueries, unary minus and parentheses pass values through)."""
        for node in self.ancestors():
            if isinstance(node, (Call, Aggregate, Binary)):
                return node
        return None

    def matcher(self, label: str) -> Matcher | None:
        return next((m for m in self.matchers if m.label == label), None)

    @property
    def name_is_variable(self) -> bool:
        return bool(self.name and _SENTINEL.search(self.name))

    def __str__(self) -> str:
        inner = ",".join(str(m) for m in self.matchers if m.label != "__name__" or not self.name)
        if self.name and not METRIC_NAME.match(self.name):  # Prometheus 3's quoted name
            text = "{" + ",".join([f'"{self.name}"'] + ([inner] if inner else [])) + "}"
        else:
            text = (self.name or "") + (f"{{{inner}}}" if inner or not self.name else "")
        if self.range_variable:
            text += f"[${self.range_variable}]"
        elif self.range is not None:
            text += f"[{durations.format(self.range)}]"
        return text


class Call(Node):
    __slots__ = ("function", "args", "returns_scalar")
    _fields = __slots__

    def __init__(self, function: str, args: list[Node], returns_scalar: bool = False) -> None:
        self.parent = None
        self.scalar = returns_scalar
        self.function = function
        self.args = args
        self.returns_scalar = returns_scalar

    def children(self) -> list[Node]:
        return list(self.args)

    def __str__(self) -> str:
        return f"{self.function}(...)"


class Aggregate(Node):
    __slots__ = ("op", "grouping", "labels", "expr", "param")
    _fields = __slots__

    def __init__(self, op: str, grouping: str | None, labels: tuple[str, ...], expr: Node,
                 param: Node | None = None) -> None:
        self.parent = None
        self.scalar = False
        self.op = op
        self.grouping = grouping  # "by", "without" or None
        self.labels = labels
        self.expr = expr
        self.param = param

    def children(self) -> list[Node]:
        return [self.expr] if self.param is None else [self.param, self.expr]

    def __str__(self) -> str:
        if self.grouping:
            labels = ", ".join(quoted_name(label, LABEL_NAME) for label in self.labels)
            return f"{self.op} {self.grouping} ({labels})"
        return self.op


class Binary(Node):
    __slots__ = ("op", "lhs", "rhs", "bool", "matching", "matching_labels", "group",
                 "group_labels")
    _fields = __slots__

    def __init__(self, op: str, lhs: Node, rhs: Node) -> None:
        self.parent = None
        self.scalar = False
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.bool = False
        self.matching: str | None = None  # "on" or "ignoring"
        self.matching_labels: tuple[str, ...] = ()
        self.group: str | None = None  # "left" or "right" (group_left / group_right)
        self.group_labels: tuple[str, ...] = ()

    def children(self) -> list[Node]:
        return [self.lhs, self.rhs]

    @property
    def is_filter(self) -> builtins.bool:  # `bool` here is the field
        """A comparison that drops series (no `bool`)."""
        return self.op in COMPARISONS and not self.bool

    def __str__(self) -> str:
        text = self.op
        if self.matching:
            text += f" {self.matching} ({', '.join(self.matching_labels)})"
        if self.group:
            text += f" group_{self.group} ({', '.join(self.group_labels)})"
        return text


class Subquery(Node):
    __slots__ = ("expr", "range", "step")
    _fields = __slots__

    def __init__(self, expr: Node, range: float,  # noqa: A002  the subquery's range
                 step: float | None = None) -> None:
        self.parent = None
        self.scalar = False
        self.expr = expr
        self.range = range
        self.step = step

    def children(self) -> list[Node]:
        return [self.expr]


class Unary(Node):
    __slots__ = ("expr",)
    _fields = __slots__

    def __init__(self, expr: Node) -> None:
        self.parent = None
        self.scalar = expr.scalar
        self.expr = expr

    def children(self) -> list[Node]:
        return [self.expr]


class Number(Node):
    __slots__ = ("value",)
    _fields = __slots__

    def __init__(self, value: float) -> None:
        self.parent = None
        self.scalar = True
        self.value = value


class String(Node):
    __slots__ = ("value",)
    _fields = __slots__

    def __init__(self, value: str) -> None:
        self.parent = None
        self.scalar = True
        self.value = value


class ParseError:
    __slots__ = ("message", "offset")

    def __init__(self, message: str, offset: int) -> None:
        self.message = message  # with the variables as written, never a sentinel
        self.offset = offset  # in the original expression

    def __eq__(self, other: object) -> builtins.bool:
        return type(other) is ParseError and (self.message, self.offset) == \
            (other.message, other.offset)

    def __hash__(self) -> int:
        return hash((self.message, self.offset))

    def __repr__(self) -> str:
        return f"ParseError(message={self.message!r}, offset={self.offset!r})"

    def position(self, text: str) -> tuple[int, int]:
        """(line, column), both from 1, of the error in `text`."""
        before = text[: self.offset]
        return before.count("\n") + 1, self.offset - (before.rfind("\n") + 1) + 1


class Expression:
    def __init__(self, text: str, substitution: variables.Substitution, root: Node | None,
                 error: ParseError | None, ast: pp.Expr | None = None,
                 nodes: list[Node] | None = None):
        self.text = text  # as written
        self.substitution = substitution
        self.root = root
        self.error = error
        self.ast = ast  # promql-parser's tree (of the text with sentinels), None on an error
        if nodes is None:
            nodes = list(root.walk()) if root is not None else []
        self._nodes = nodes
        self._selectors = [n for n in nodes if type(n) is Selector]
        self._named = [s for s in self._selectors if s.name and not s.name_is_variable]

    def nodes(self) -> list[Node]:
        """Every node, parents before children."""
        return self._nodes

    def selectors(self) -> list[Selector]:
        return self._selectors

    def named_selectors(self) -> list[Selector]:
        """Selectors with a metric name written out (not `{__name__=...}`, not `$metric`)."""
        return self._named

    def restore(self, message: str) -> str:
        return self.substitution.restore(message)


def parse(text: str, grafana: bool = True) -> Expression:
    """`text` parsed; Grafana variables are replaced first unless `grafana` is False (rule
    expressions, which Prometheus reads as they are)."""
    return _parse(text, grafana)


@functools.lru_cache(maxsize=2048)
def _parse(text: str, grafana: bool) -> Expression:
    if grafana:
        substitution = variables.substitute(text, _Sentinels(text))
    else:
        substitution = variables.Substitution(text, text, [])
    try:
        ast, renamed = _parse_text(substitution.text)
    except (ValueError, TypeError, OverflowError) as error:
        message = str(error) or "invalid expression"
        offset = substitution.original_offset(error_offset(substitution.text, message))
        return Expression(text, substitution, None,
                          ParseError(substitution.restore(message), min(offset, len(text))))
    converter = _Converter(substitution)
    root = converter.node(ast)
    if renamed:
        for node in converter.nodes:
            if type(node) is Call and node.function == _RENAMED_TO:
                node.function = _RENAMED
        # Its tree reads double_exponential_smoothing, which Prometheus 2 does not know: no
        # parts of it are sent to a server.
        return Expression(text, substitution, root, None, None, converter.nodes)
    return Expression(text, substitution, root, None, ast, converter.nodes)


# Prometheus 3 renamed holt_winters to double_exponential_smoothing (and made it experimental);
# promql-parser knows only the new name. Rules written for Prometheus 2 use the old one, so it
# is read as the new one and named as written: whether it is right is promql/version's call.
_RENAMED, _RENAMED_TO = "holt_winters", "double_exponential_smoothing"
_HOLT_WINTERS = re.compile(r"\bholt_winters(?=\s*\()")


def _parse_text(text: str) -> tuple[pp.Expr, bool]:
    """promql-parser's tree of `text`, and whether holt_winters was read under its new name."""
    try:
        return pp.parse(text), False
    except ValueError as error:
        if _RENAMED not in str(error):
            raise
    renamed = _HOLT_WINTERS.sub(_RENAMED_TO, text)
    try:
        return pp.parse(renamed), True
    except ValueError as error:  # another mistake: reported about the text as written
        message = str(error).replace(_RENAMED_TO, _RENAMED)
        raise ValueError(message) from None


# An aggregation's or a function's number parameter (`topk($k, ...)`, `quantile by (job) ($q,
# ...)`, `histogram_quantile($q, ...)`): a number.
_PARAMETER_BEFORE = re.compile(r"\b(?:topk|bottomk|limitk|limit_ratio|quantile|histogram_quantile"
                               r"|quantile_over_time)\s*"
                               r"(?:(?:by|without)\s*\([^()]*\)\s*)?\(\s*$")
# What stands before a binary operator: the end of an operand (a selector's braces, a call's
# parenthesis, a range's bracket, a name or a number), never an operator or a keyword.
_OPERAND_END = re.compile(r"(?:[})\]]|(?<![\w$])(?!(?:and|or|unless|by|without|on|ignoring|"
                          r"group_left|group_right|bool|offset|atan2)\b)[\w:.]+)\s*$")
_NAME_GOES_ON = re.compile(r"[\w:{\[]")  # `${prefix}_total`: the variable is part of a name
_CALL_AFTER = re.compile(r"\s*(?:\(|(?:by|without)\s*\()")


class _Sentinels(variables.Sentinels):
    """Grafana's stand-ins for a variable wherever a dashboard puts one: a number where an
    aggregation or function takes one (the variable holds a count or a quantile), a binary
    operator between two operands (`x $op y`, `$Inactive on (entity)`: a custom variable of
    `and`/`unless`/`>`), an aggregation or function before its parenthesis (`${agg}(...)`),
    and a selector's name or a label name anywhere else."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.numbers = 0

    def __call__(self, occurrence: variables.Occurrence) -> str:
        if occurrence.kind == "name":
            text, start, end = self.text, occurrence.start, occurrence.end
            if _PARAMETER_BEFORE.search(text, 0, start):
                self.numbers += 1
                return str(7_100_000_001 + self.numbers)
            if (_OPERAND_END.search(text, 0, start) and not text[:start].rstrip().endswith("$")
                    and not _NAME_GOES_ON.match(text, end)):
                return "atan2"  # a binary operator of every operand type, with on/ignoring
            if _CALL_AFTER.match(text, end):
                # Over a range (`${fn}(x[5m])`) a function of one; else an aggregation.
                inside = text[text.index("(", end) + 1:]
                return "rate" if re.match(r"[^()]*\]\s*\)", inside) else "sum"
        return super().__call__(occurrence)


_N = TypeVar("_N", bound=Node)


class _Converter:
    """promql-parser's AST as plain nodes, with sentinel ranges mapped back to variables;
    `nodes` lists them parents before children (each node's place is taken before its
    children are made), as Node.walk would."""

    def __init__(self, substitution: variables.Substitution):
        self.substitution = substitution
        self.nodes: list[Node] = []

    def node(self, ast: pp.Expr) -> Node:
        while type(ast) is pp.ParenExpr:
            ast = ast.expr
        kind = type(ast)
        method = _CONVERTERS.get(kind)
        if method is None:
            raise TypeError(f"unexpected PromQL node {kind.__name__}")
        nodes = self.nodes
        place = len(nodes)
        nodes.append(None)  # type: ignore[arg-type]  # this node's, filled in below
        made = method(self, ast)
        nodes[place] = made
        for child in made.children():
            child.parent = made
        return made

    def _scalar(self, made: _N) -> _N:
        """Mark a node whose value is a scalar (a number, or an operation on numbers)."""
        made.scalar = True
        return made

    def vector_selector(self, ast: pp.VectorSelector) -> Selector:
        # Each attribute read copies that part of the parser's tree: read each once.
        found = ast.matchers
        matchers = tuple(Matcher(m.name, _MATCH_OPS[str(m.op)], m.value) for m in found.matchers)
        for group in found.or_matchers:
            matchers += tuple(Matcher(m.name, _MATCH_OPS[str(m.op)], m.value) for m in group)
        offset = ast.offset
        name = ast.name
        if name is None:
            # Prometheus 3's quoted name, `{"gen_ai.client.token.usage"}`, is the selector's
            # metric name: the parser keeps it as a __name__ matcher, as it does
            # `{__name__="..."}`, which stays nameless (a name written as a matcher).
            name = next((m.value for m in matchers if m.label == "__name__" and m.op == "="
                         and m.value and not METRIC_NAME.match(m.value)), None)
        return Selector(name, matchers, offset=_seconds(offset) if offset is not None else None)

    def matrix_selector(self, ast: pp.MatrixSelector) -> Selector:
        selector = self.vector_selector(ast.vector_selector)
        duration = ast.range
        selector.range = _seconds(duration)
        selector.range_variable = self._variable(duration) if self.substitution.replaced else None
        return selector

    def _variable(self, duration: timedelta) -> str | None:
        occurrence = self.substitution.variable_at(f"{duration // _ONE_MS}ms")
        return occurrence.name if occurrence else None

    def call(self, ast: pp.Call) -> Call:
        function = ast.func
        made = Call(function.name, [self.node(a) for a in ast.args],
                    returns_scalar=function.return_type == pp.ValueType.Scalar)
        return self._scalar(made) if made.returns_scalar else made

    def aggregate(self, ast: pp.AggregateExpr) -> Aggregate:
        modifier = ast.modifier
        grouping: str | None = None
        labels: tuple[str, ...] = ()
        if modifier is not None:
            grouping = "by" if modifier.type == pp.AggModifierType.By else "without"
            labels = tuple(modifier.labels)
        param = self.node(ast.param) if ast.param is not None else None
        return Aggregate(str(ast.op), grouping, labels, self.node(ast.expr), param)

    def binary(self, ast: pp.BinaryExpr) -> Binary:
        made = Binary(str(ast.op), self.node(ast.lhs), self.node(ast.rhs))
        modifier = ast.modifier
        if modifier is not None:
            made.bool = bool(modifier.return_bool)
            matching = modifier.matching
            if matching is not None:
                made.matching = ("on" if matching.type == pp.LabelModifierType.Include
                                 else "ignoring")
                made.matching_labels = tuple(matching.labels)
            card = modifier.card
            if card == pp.VectorMatchCardinality.ManyToOne:
                made.group = "left"
            elif card == pp.VectorMatchCardinality.OneToMany:
                made.group = "right"
            if made.group:
                made.group_labels = tuple(modifier.group_labels or ())
        return self._scalar(made) if made.lhs.scalar and made.rhs.scalar else made

    def subquery(self, ast: pp.SubqueryExpr) -> Subquery:
        step, duration = ast.step, ast.range
        if duration is None:  # the grammar requires one: `expr[range:step]`
            raise TypeError("PromQL subquery without a range")
        return Subquery(self.node(ast.expr), _seconds(duration),
                        _seconds(step) if step is not None else None)

    def unary(self, ast: pp.UnaryExpr) -> Unary:
        made = Unary(self.node(ast.expr))
        return self._scalar(made) if made.expr.scalar else made

    def number(self, ast: pp.NumberLiteral) -> Number:
        return Number(ast.val)

    def string(self, ast: pp.StringLiteral) -> String:
        return String(ast.val)


# Each method takes its own kind of parser node, which the lookup by type guarantees.
_CONVERTERS: dict[type[pp.Expr], Callable[[_Converter, Any], Node]] = {
    pp.VectorSelector: _Converter.vector_selector,
    pp.MatrixSelector: _Converter.matrix_selector,
    pp.Call: _Converter.call,
    pp.AggregateExpr: _Converter.aggregate,
    pp.BinaryExpr: _Converter.binary,
    pp.SubqueryExpr: _Converter.subquery,
    pp.UnaryExpr: _Converter.unary,
    pp.NumberLiteral: _Converter.number,
    pp.StringLiteral: _Converter.string,
}
_MATCH_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~",
              "MatchOp.NotRe": "!~"}


def _seconds(duration: timedelta) -> float:
    return duration.total_seconds()


def is_scalar(node: Node) -> bool:
    return node.scalar
