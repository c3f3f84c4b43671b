"""PromQL as lint and verify read it.

`parse(text)` parses with promql-parser after Grafana variables are replaced by sentinels
(`variables.with_sentinels`), and turns the parser's AST into a small tree of plain nodes that
know their parent: selectors (metric name, matchers, range), calls, aggregations with their
labels, binary operations with their matching. On that tree:

- `Expression.selectors()`: every series selector, and `Selector.around()` the calls and
  aggregations that enclose it, innermost first (what verify names as "the selector that
  matched nothing", and what lint checks counters and histograms against);
- `output_labels(node, labels_of)`: the labels a result can carry, given the labels of each
  selector (from the catalog), or None when that cannot be known;
- `dropped_by(node, label, labels_of)`: the aggregation or matching that removed a label.

Messages never show a sentinel: `Expression.restore()` puts the variables back.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import timedelta

import promql_parser as pp

from .. import durations, variables

AGGREGATIONS = frozenset({"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk",
                          "bottomk", "quantile", "count_values", "limitk", "limit_ratio"})
SET_OPERATORS = frozenset({"and", "or", "unless"})
COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
# Aggregations that keep the input series (and so their labels) rather than summarising them.
SELECTING_AGGREGATIONS = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})
_SENTINEL = re.compile(r"__var_\w+?__")
_ONE_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str  # "=", "!=", "=~" or "!~"
    value: str

    @property
    def is_regex(self) -> bool:
        return self.op in ("=~", "!~")

    @property
    def has_variable(self) -> bool:
        """The value holds a Grafana variable (a sentinel): its real value is unknown."""
        return bool(_SENTINEL.search(self.value))

    def __str__(self) -> str:
        return f'{self.label}{self.op}"{self.value}"'


@dataclass(eq=False)
class Node:
    parent: "Node | None" = field(default=None, init=False, repr=False)
    scalar = False  # a scalar result (set per node by the parser's conversion)

    def children(self) -> list["Node"]:
        return []

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        """This node and every node under it, parents before children."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


@dataclass(eq=False)
class Selector(Node):
    """`name{matchers}`, or `name{matchers}[range]` when `range` is set (seconds)."""

    name: str | None
    matchers: tuple[Matcher, ...]
    range: float | None = None
    range_variable: str | None = None  # e.g. "__rate_interval" for [$__rate_interval]
    offset: float | None = None

    def around(self) -> list["Call | Aggregate"]:
        """The calls and aggregations enclosing this selector, innermost first."""
        return [n for n in self.ancestors() if isinstance(n, (Call, Aggregate))]

    def consumer(self) -> "Node | None":
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
        text = (self.name or "") + (f"{{{inner}}}" if inner or not self.name else "")
        if self.range_variable:
            text += f"[${self.range_variable}]"
        elif self.range is not None:
            text += f"[{durations.format(self.range)}]"
        return text


@dataclass(eq=False)
class Call(Node):
    function: str
    args: list[Node]
    returns_scalar: bool = False

    def children(self):
        return list(self.args)

    def __str__(self) -> str:
        return f"{self.function}(...)"


@dataclass(eq=False)
class Aggregate(Node):
    op: str
    grouping: str | None  # "by", "without" or None
    labels: tuple[str, ...]
    expr: Node
    param: Node | None = None

    def children(self):
        return [n for n in (self.param, self.expr) if n is not None]

    def __str__(self) -> str:
        if self.grouping:
            return f"{self.op} {self.grouping} ({', '.join(self.labels)})"
        return self.op


@dataclass(eq=False)
class Binary(Node):
    op: str
    lhs: Node
    rhs: Node
    bool: bool = False
    matching: str | None = None  # "on" or "ignoring"
    matching_labels: tuple[str, ...] = ()
    group: str | None = None  # "left" or "right" (group_left / group_right)
    group_labels: tuple[str, ...] = ()

    def children(self):
        return [self.lhs, self.rhs]

    @property
    def is_filter(self) -> bool:
        """A comparison that drops series (no `bool`)."""
        return self.op in COMPARISONS and not self.bool

    def __str__(self) -> str:
        text = self.op
        if self.matching:
            text += f" {self.matching} ({', '.join(self.matching_labels)})"
        if self.group:
            text += f" group_{self.group} ({', '.join(self.group_labels)})"
        return text


@dataclass(eq=False)
class Subquery(Node):
    expr: Node
    range: float
    step: float | None = None

    def children(self):
        return [self.expr]


@dataclass(eq=False)
class Unary(Node):
    expr: Node

    def children(self):
        return [self.expr]


@dataclass(eq=False)
class Number(Node):
    value: float
    scalar = True


@dataclass(eq=False)
class String(Node):
    value: str
    scalar = True


@dataclass(frozen=True)
class ParseError:
    message: str  # with the variables as written, never a sentinel
    offset: int  # in the original expression

    def position(self, text: str) -> tuple[int, int]:
        """(line, column), both from 1, of the error in `text`."""
        before = text[: self.offset]
        return before.count("\n") + 1, self.offset - (before.rfind("\n") + 1) + 1


class Expression:
    def __init__(self, text: str, substitution: variables.Substitution, root: Node | None,
                 error: ParseError | None):
        self.text = text  # as written
        self.substitution = substitution
        self.root = root
        self.error = error
        self._nodes = list(root.walk()) if root is not None else []
        self._selectors = [n for n in self._nodes if type(n) is Selector]
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
        substitution = variables.with_sentinels(text)
    else:
        substitution = variables.Substitution(text, text, [])
    try:
        ast = pp.parse(substitution.text)
    except (ValueError, TypeError, OverflowError) as error:
        message = str(error) or "invalid expression"
        offset = substitution.original_offset(error_offset(substitution.text, message))
        return Expression(text, substitution, None,
                          ParseError(substitution.restore(message), min(offset, len(text))))
    return Expression(text, substitution, _Converter(substitution).node(ast), None)


class _Converter:
    """promql-parser's AST as plain nodes, with sentinel ranges mapped back to variables."""

    def __init__(self, substitution: variables.Substitution):
        self.substitution = substitution

    def node(self, ast) -> Node:
        kind = type(ast)
        if kind is pp.ParenExpr:
            return self.node(ast.expr)
        method = _CONVERTERS.get(kind)
        if method is None:
            raise TypeError(f"unexpected PromQL node {kind.__name__}")
        made = method(self, ast)
        for child in made.children():
            child.parent = made
        return made

    def _scalar(self, made: Node) -> Node:
        """Mark a node whose value is a scalar (a number, or an operation on numbers)."""
        made.scalar = True
        return made

    def vector_selector(self, ast) -> Selector:
        # Each attribute read copies that part of the parser's tree: read each once.
        found = ast.matchers
        matchers = tuple(Matcher(m.name, _MATCH_OPS[str(m.op)], m.value) for m in found.matchers)
        for group in found.or_matchers:
            matchers += tuple(Matcher(m.name, _MATCH_OPS[str(m.op)], m.value) for m in group)
        offset = ast.offset
        return Selector(ast.name, matchers, offset=_seconds(offset) if offset is not None else None)

    def matrix_selector(self, ast) -> Selector:
        selector = self.vector_selector(ast.vector_selector)
        duration = ast.range
        selector.range = _seconds(duration)
        selector.range_variable = self._variable(duration) if self.substitution.replaced else None
        return selector

    def _variable(self, duration: timedelta) -> str | None:
        occurrence = self.substitution.variable_at(f"{duration // _ONE_MS}ms")
        return occurrence.name if occurrence else None

    def call(self, ast) -> Call:
        function = ast.func
        made = Call(function.name, [self.node(a) for a in ast.args],
                    returns_scalar=function.return_type == pp.ValueType.Scalar)
        return self._scalar(made) if made.returns_scalar else made

    def aggregate(self, ast) -> Aggregate:
        modifier = ast.modifier
        grouping, labels = None, ()
        if modifier is not None:
            grouping = "by" if modifier.type == pp.AggModifierType.By else "without"
            labels = tuple(modifier.labels)
        param = self.node(ast.param) if ast.param is not None else None
        return Aggregate(str(ast.op), grouping, labels, self.node(ast.expr), param)

    def binary(self, ast) -> Binary:
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

    def subquery(self, ast) -> Subquery:
        step = ast.step
        return Subquery(self.node(ast.expr), _seconds(ast.range),
                        _seconds(step) if step is not None else None)

    def unary(self, ast) -> Unary:
        made = Unary(self.node(ast.expr))
        return self._scalar(made) if made.expr.scalar else made

    def number(self, ast) -> Number:
        return Number(ast.val)

    def string(self, ast) -> String:
        return String(ast.val)


_CONVERTERS = {
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


# --- what labels a result can carry ---------------------------------------------------------

def is_scalar(node: Node) -> bool:
    return node.scalar


def output_labels(node: Node, labels_of, memo: dict | None = None) -> frozenset[str] | None:
    """The labels a result of `node` can carry (an upper bound), or None if unknown.
    `labels_of(selector)` gives a selector's labels, or None when it does not know them;
    `memo` (a dict kept by the caller) saves recomputing shared subtrees."""
    if memo is None:
        memo = {}
    key = id(node)
    if key in memo:
        return memo[key]
    kind = type(node)
    if kind is Selector:
        found = labels_of(node)
    elif node.scalar and kind is not Call:
        found = frozenset()
    elif kind is Unary or kind is Subquery:
        found = output_labels(node.expr, labels_of, memo)
    else:
        def output(child):
            return output_labels(child, labels_of, memo)

        combine = _COMBINE.get(kind)
        found = combine(node, output) if combine else None
    memo[key] = found
    return found


def _call_labels(call: Call, output) -> frozenset[str] | None:
    if call.returns_scalar or call.function in ("vector", "time"):
        return frozenset()
    if call.function in ("absent", "absent_over_time"):
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


def _aggregate_labels(aggregate: Aggregate, output) -> frozenset[str] | None:
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


def _binary_labels(binary: Binary, output) -> frozenset[str] | None:
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


_COMBINE = {Call: _call_labels, Aggregate: _aggregate_labels, Binary: _binary_labels}


def dropped_by(node: Node, label: str, labels_of, memo: dict | None = None) -> Node | None:
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


def available_labels(node: Node, labels_of) -> frozenset[str] | None:
    """Every label any selector under `node` has: what an aggregation could keep."""
    found: set[str] = set()
    for selector in node.walk():
        if isinstance(selector, Selector):
            labels = labels_of(selector)
            if labels is None:
                return None
            found |= labels
    return frozenset(found)


# --- where a syntax error is ----------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|`[^`]*`?)
  | (?P<duration>\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)
  | (?P<number>(?:0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][-+]?\d+)?|Inf|NaN)\b)
  | (?P<ident>[A-Za-z_:][\w:]*)
  | (?P<op>==|!=|>=|<=|=~|!~|[-+*/%^<>=,@:|])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
                       "offset", "and", "or", "unless", "atan2"})
_BINARY = frozenset({"+", "-", "*", "/", "%", "^", "==", "!=", ">=", "<=", ">", "<", "and", "or",
                     "unless", "atan2"})
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of each PromQL token, spaces left out."""
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "space"]


def error_offset(text: str, message: str) -> int:
    """Where in `text` the parser's error (which has no position) most likely is."""
    tokens = _tokens(text)
    quoted = re.search(r"'([^']*)'", message)
    if message.startswith("unexpected identifier") and quoted:
        return _operand_offset(tokens, quoted.group(1))
    if "no grouping allowed" in message:
        return next((o for _, t, o in tokens if t in ("group_left", "group_right")), 0)
    if message.startswith("bool modifier"):
        return next((o for _, t, o in tokens if t == "bool"), 0)
    if "unclosed left parenthesis" in message:
        return _unclosed(tokens, "(", len(text))
    if "inside braces" in message or "in label matching" in message:
        return _unclosed(tokens, "{", len(text))
    if "inside brackets" in message or "in brackets" in message:
        return _unclosed(tokens, "[", len(text))
    if message.startswith("unexpected right"):
        return _unmatched_close(tokens, len(text))
    if "unterminated quoted string" in message:
        return next((o for kind, t, o in tokens if kind == "string" and
                     (len(t) == 1 or t[-1] != t[0])), len(text))
    if quoted and ("function" in message or "call to" in message):
        return _name_offset(tokens, quoted.group(1), text)
    if message.startswith("illegal regex for "):
        regex = message[len("illegal regex for "):]
        return next((o for kind, t, o in tokens if kind == "string" and regex in t), 0)
    if quoted and "operation" in message:
        return _name_offset(tokens, quoted.group(1), text)
    return _misplaced_token(tokens, len(text))


def _unclosed(tokens, opening: str, end: int) -> int:
    stack = []
    for kind, token, offset in tokens:
        if kind == "open":
            stack.append((token, offset))
        elif kind == "close" and stack and stack[-1][0] == _PAIRS[token]:
            stack.pop()
    candidates = [offset for token, offset in stack if token == opening]
    return candidates[-1] if candidates else end


def _unmatched_close(tokens, end: int) -> int:
    stack = []
    for kind, token, offset in tokens:
        if kind == "open":
            stack.append(token)
        elif kind == "close":
            if not stack or stack[-1] != _PAIRS[token]:
                return offset
            stack.pop()
    return end


def _operand_offset(tokens, name: str) -> int:
    """The token `name` where it stands after a matcher operator, else its first place."""
    places = [(index, offset) for index, (_, token, offset) in enumerate(tokens) if token == name]
    for index, offset in places:
        if index and tokens[index - 1][1] in ("=", "!=", "=~", "!~"):
            return offset
    return places[0][1] if places else 0


def _name_offset(tokens, name: str, text: str) -> int:
    for index, (kind, token, offset) in enumerate(tokens):
        if token == name and index + 1 < len(tokens) and tokens[index + 1][1] == "(":
            return offset
    found = text.find(name)
    return max(found, 0)


def _misplaced_grouping(tokens, index: int) -> bool:
    """`by`/`without` that follows neither an aggregation name nor its parenthesised argument."""
    before = tokens[index - 1][1] if index else ""
    if before in AGGREGATIONS:
        return False
    if before != ")":
        return True
    depth = 0
    for position in range(index - 1, -1, -1):
        token = tokens[position][1]
        depth += token == ")"
        depth -= token == "("
        if depth == 0:
            return position == 0 or tokens[position - 1][1] not in AGGREGATIONS
    return True


def _misplaced_token(tokens, end: int) -> int:
    """A token where none of its kind can stand: two operands in a row, an operator with
    nothing after it, or a grouping after a function that is not an aggregation."""
    def ends_operand(kind, token):
        return (kind in ("string", "number", "duration") or token in (")", "}", "]")
                or (kind == "ident" and token not in _KEYWORDS))

    def starts_operand(kind, token):
        return kind in ("string", "number") or (kind == "ident" and token not in _KEYWORDS)

    for index, (kind, token, offset) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token == "=" or (token in ("by", "without") and _misplaced_grouping(tokens, index)):
            return offset
        if following is None:
            if token in _BINARY or token in ("bool", "by", "without", "offset"):
                return offset
            continue
        next_kind, next_token, next_offset = following
        if ends_operand(kind, token) and starts_operand(next_kind, next_token):
            if not (kind == "ident" and next_kind == "duration"):
                return next_offset
        if token in _BINARY and (next_token in _BINARY - {"+", "-"} or next_kind == "close"):
            return next_offset
    return 0
