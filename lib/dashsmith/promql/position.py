"""Where in an expression a syntax error is: promql-parser's messages carry no position, so
the tokens of the text are read to find the one the message is about."""

from __future__ import annotations

import re

from dashsmith.promql.operators import AGGREGATIONS

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

_Token = tuple[str, str, int]  # (kind, text, offset)


def _tokens(text: str) -> list[_Token]:
    """(kind, text, offset) of each PromQL token, spaces left out."""
    # Every match has a group (`other` takes any character), so lastgroup is never None.
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)
            if m.lastgroup is not None and m.lastgroup != "space"]


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


def _unclosed(tokens: list[_Token], opening: str, end: int) -> int:
    stack: list[tuple[str, int]] = []
    for kind, token, offset in tokens:
        if kind == "open":
            stack.append((token, offset))
        elif kind == "close" and stack and stack[-1][0] == _PAIRS[token]:
            stack.pop()
    candidates = [offset for token, offset in stack if token == opening]
    return candidates[-1] if candidates else end


def _unmatched_close(tokens: list[_Token], end: int) -> int:
    stack: list[str] = []
    for kind, token, offset in tokens:
        if kind == "open":
            stack.append(token)
        elif kind == "close":
            if not stack or stack[-1] != _PAIRS[token]:
                return offset
            stack.pop()
    return end


def _operand_offset(tokens: list[_Token], name: str) -> int:
    """The token `name` where it stands after a matcher operator, else its first place."""
    places = [(index, offset) for index, (_, token, offset) in enumerate(tokens) if token == name]
    for index, offset in places:
        if index and tokens[index - 1][1] in ("=", "!=", "=~", "!~"):
            return offset
    return places[0][1] if places else 0


def _name_offset(tokens: list[_Token], name: str, text: str) -> int:
    for index, (_, token, offset) in enumerate(tokens):
        if token == name and index + 1 < len(tokens) and tokens[index + 1][1] == "(":
            return offset
    found = text.find(name)
    return max(found, 0)


def _misplaced_grouping(tokens: list[_Token], index: int) -> bool:
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


def _misplaced_token(tokens: list[_Token], end: int) -> int:
    """A token where none of its kind can stand: two operands in a row, an operator with
    nothing after it, `=` outside a selector's braces, or a grouping after a function that is
    not an aggregation."""
    def ends_operand(kind: str, token: str) -> bool:
        return (kind in ("string", "number", "duration") or token in (")", "}", "]")
                or (kind == "ident" and token not in _KEYWORDS))

    def starts_operand(kind: str, token: str) -> bool:
        return kind in ("string", "number") or (kind == "ident" and token not in _KEYWORDS)

    braces = 0  # inside `{...}`, `=` is a label matcher's operator
    for index, (kind, token, offset) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        braces += (token == "{") - (token == "}")
        if (token == "=" and braces <= 0) or \
                (token in ("by", "without") and _misplaced_grouping(tokens, index)):
            return offset
        if following is None:
            if token in _BINARY or token in ("bool", "by", "without", "offset"):
                return offset
            continue
        next_kind, next_token, next_offset = following
        if ends_operand(kind, token) and starts_operand(next_kind, next_token) \
                and not (kind == "ident" and next_kind == "duration"):
            return next_offset
        if token in _BINARY and (next_token in _BINARY - {"+", "-"} or next_kind == "close"):
            return next_offset
    return 0
