"""Grafana template variables inside queries: `$var`, `${var}`, `${var:format}`, `[[var]]`.

PromQL parsers do not know them, so a query is parsed after each variable is replaced by a
stand-in: lint uses sentinels that map back to the variable in messages, verify uses the real
values. `substitute()` does the replacing and keeps the map.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_VARIABLE = re.compile(
    r"\$\{(?P<braced>\w+)(?::(?P<braced_format>[\w:]+))?\}"
    r"|\[\[(?P<bracketed>\w+)(?::(?P<bracketed_format>\w+))?\]\]"
    r"|\$(?P<plain>\w+)"
)

# Built-ins that stand for a duration, and those that stand for a number.
DURATION_BUILTINS = ("__rate_interval", "__interval", "__range", "__auto")
NUMBER_BUILTINS = ("__interval_ms", "__range_ms", "__range_s", "__from", "__to")


@dataclass(slots=True, unsafe_hash=True)
class Occurrence:
    """One variable reference: where it stands and how it was written. Slotted, not frozen: a
    dashboard's queries hold thousands (the corpus's 307 dashboards 22,000), and a frozen
    dataclass sets each field through object.__setattr__ (4x slower to make). Never changed
    once made."""

    name: str
    format: str | None  # the variable's :format
    start: int
    end: int
    text: str  # as written, e.g. '${job:regex}'
    in_quotes: bool
    after_bracket: bool  # inside [...] or after 'offset': a duration

    @property
    def kind(self) -> str:
        """'duration', 'number', 'string' (inside quotes) or 'name' (anything else)."""
        if self.in_quotes:
            return "string"
        if self.name in DURATION_BUILTINS or self.after_bracket:
            return "duration"
        if self.name in NUMBER_BUILTINS:
            return "number"
        return "name"


def find(expr: str) -> list[Occurrence]:
    found = []
    quotes = _Quotes(expr)
    for match in _VARIABLE.finditer(expr):
        name = match.group("braced") or match.group("bracketed") or match.group("plain")
        fmt = match.group("braced_format") or match.group("bracketed_format")
        start = match.start()
        found.append(Occurrence(name, fmt, start, match.end(), match.group(0),
                                quotes.open_at(start), _expects_duration(expr, start)))
    return found


_QUOTING = re.compile(r"[\\\"'`#]")


class _Quotes:
    """Whether an offset of `expr` is inside a string literal, read once from left to right
    (offsets asked in increasing order): a long query with many variables costs one pass."""

    def __init__(self, expr: str):
        self.expr = expr
        self.position = 0
        self.quote: str | None = None

    def open_at(self, offset: int) -> bool:
        expr, quote, position = self.expr, self.quote, self.position
        while True:
            match = _QUOTING.search(expr, position, offset)
            if match is None:
                break
            char, position = match.group(), match.end()
            if char == "\\":
                if quote in ('"', "'"):
                    position += 1  # the escaped character
            elif char == "#":
                if quote is None:  # a comment, to the end of its line: its quotes open nothing
                    newline = expr.find("\n", position)
                    position = len(expr) if newline < 0 else newline
            elif quote is None:
                quote = char
            elif char == quote:
                quote = None
        # An escape at the end of the part read skips a character beyond it.
        self.quote, self.position = quote, max(position, offset)
        return quote is not None


def _expects_duration(expr: str, start: int) -> bool:
    """After `offset`, or inside [...]: read backwards from `start` (no copy of what is
    before it: a long query has many variables)."""
    end = start
    while end > 0 and expr[end - 1].isspace():
        end -= 1
    if expr.endswith("offset", 0, end) and (end == 6 or not _WORD.match(expr[end - 7])):
        return True
    return expr.rfind("[", 0, end) > expr.rfind("]", 0, end)


_WORD = re.compile(r"\w")


@dataclass
class Substitution:
    original: str
    text: str
    replaced: list[tuple[int, int, Occurrence]]  # (start, end) in text, occurrence

    def original_offset(self, offset: int) -> int:
        """An offset in `text` mapped back to `original` (parsers report substituted offsets)."""
        shift = 0
        for start, end, occurrence in self.replaced:
            if offset < start:
                break
            if offset < end:
                return occurrence.start
            shift += (occurrence.end - occurrence.start) - (end - start)
        return offset + shift

    def restore(self, message: str) -> str:
        """A message about `text` with every stand-in put back as the variable was written."""
        for start, end, occurrence in sorted(self.replaced, key=lambda r: r[1] - r[0],
                                             reverse=True):
            message = message.replace(self.text[start:end], occurrence.text)
        return message

    def variable_at(self, value: str) -> Occurrence | None:
        """The occurrence a stand-in value came from, if `value` is one."""
        for start, end, occurrence in self.replaced:
            if self.text[start:end] == value:
                return occurrence
        return None


def substitute(expr: str, value: Callable[[Occurrence], str]) -> Substitution:
    parts, replaced, position, length = [], [], 0, 0
    for occurrence in find(expr):
        literal = expr[position: occurrence.start]
        parts.append(literal)
        length += len(literal)
        stand_in = value(occurrence)
        parts.append(stand_in)
        replaced.append((length, length + len(stand_in), occurrence))
        length += len(stand_in)
        position = occurrence.end
    parts.append(expr[position:])
    return Substitution(expr, "".join(parts), replaced)


class Sentinels:
    """Stand-ins that parse in their place and are unique, so they map back to the variable:
    durations are distinct odd millisecond counts (below 2**32 ms, the parser's limit), names
    and strings carry the variable name."""

    def __init__(self) -> None:
        self._durations: dict[str, str] = {}

    def __call__(self, occurrence: Occurrence) -> str:
        kind = occurrence.kind
        if kind == "duration":
            return self.duration(occurrence.name)
        if kind == "number":
            return str(7_000_000_001 + len(self._durations))
        if kind == "string":
            return f"__var_{occurrence.name}__"
        return f"__var_{occurrence.name}__"

    def duration(self, name: str) -> str:
        if name not in self._durations:
            self._durations[name] = f"{3_141_592_653 + 2 * len(self._durations)}ms"
        return self._durations[name]


def with_sentinels(expr: str) -> Substitution:
    return substitute(expr, Sentinels())
