"""Where a character of a string's value was written: the line and column, in the file, of a
Python string literal's character (escapes, f-string fields, implicit concatenation,
triple quotes), and likewise of a JSON string or a quoted YAML scalar.

The expression lint checks may differ from the literal's value by whitespace only (a rule
expression is dedented and stripped), so the two are aligned on their non-space characters;
an f-string's replacement field stands for whatever text it produced.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Callable
from typing import NamedTuple


class Piece(NamedTuple):
    char: str | None  # None: an f-string replacement field
    line: int
    column: int  # from 1


_START = re.compile(r"""([rRbBuUfF]{0,2})('''|\"\"\"|'|")""")
_ESCAPE = re.compile(r"""\\(?:\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}"""
                     r"""|[0-7]{1,3}|[\\'"abfnrtv/])""")
_SPACE_BETWEEN = " \t\r\n\\\f"


def python_pieces(segment: str, line: int, column: int) -> list[Piece] | None:
    """The value of the string literal(s) in `segment`, which starts at (line, column), one
    piece per character; None if it is not a string literal."""
    at = _Positions(segment, line, column)
    pieces: list[Piece] = []
    i = 0
    while i < len(segment):
        if segment[i] in _SPACE_BETWEEN:
            i += 1
        elif segment[i] == "#":
            i = _end_of_line(segment, i)
        else:
            start = _START.match(segment, i)
            if start is None:
                return None
            prefix = start.group(1).lower()
            end = _body(segment, start.end(), start.group(2), "r" in prefix, "f" in prefix, at,
                        pieces)
            if end is None:
                return None
            i = end
    return pieces


def quoted_pieces(text: str, line: int, column: int, quote: str) -> list[Piece]:
    """A JSON string, or a single- or double-quoted YAML scalar on one line, whose value
    starts at `column` of `text` (the line); YAML doubles a single quote to escape it."""
    at = _Positions(text, line, 1)
    pieces: list[Piece] = []
    i = column - 1
    while i < len(text) and text[i] != quote:
        if quote == "'" and text.startswith("''", i):
            pieces.append(Piece("'", *at(i)))
            i += 2
        elif quote == '"' and text[i] == "\\":
            i = _escape(text, i, at, pieces)
        else:
            pieces.append(Piece(text[i], *at(i)))
            i += 1
    return pieces


_JSON_ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|.)')
_JSON_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def quoted_columns(text: str, column: int, quote: str) -> tuple[str, list[int]]:
    """quoted_pieces' value and each of its characters' columns, read a run of plain
    characters at a time: what lint asks of every JSON query it reports on. Escapes are
    read as JSON's; where YAML's differ, the value differs and the caller reads pieces."""
    value: list[str] = []
    columns: list[int] = []
    i = column - 1
    end = text.find(quote, i)
    if quote == "'":
        while end >= 0 and text.startswith("''", end):
            value.append(text[i:end + 1])
            columns += range(i + 1, end + 2)
            i = end + 2
            end = text.find(quote, i)
        end = len(text) if end < 0 else end
        value.append(text[i:end])
        columns += range(i + 1, end + 1)
        return "".join(value), columns
    for escape in _JSON_ESCAPE.finditer(text, i):
        if 0 <= end < escape.start():
            break
        value.append(text[i:escape.start()])
        columns += range(i + 1, escape.start() + 1)
        code = escape.group()[1:]
        value.append(chr(int(code[1:], 16)) if len(code) == 5 else _JSON_CHARS.get(code, code))
        columns.append(escape.start() + 1)
        i = escape.end()
        end = text.find(quote, i)
    end = len(text) if end < 0 else end
    value.append(text[i:end])
    columns += range(i + 1, end + 1)
    return "".join(value), columns


def plain_pieces(text: str, line: int, column: int) -> list[Piece]:
    """A plain (unquoted) value starting at `column` of the line `text`."""
    return [Piece(char, line, number) for number, char in enumerate(text[column - 1:], column)]


def position(pieces: list[Piece], text: str, offset: int) -> tuple[int, int] | None:
    """(line, column) where text[offset] was written, if `text` is the pieces' value (up to
    whitespace) or a part of it; else None. An offset past the end points just after it."""
    locate = locator(pieces, text)
    return locate(offset) if locate else None


def locator(pieces: list[Piece], text: str) -> Callable[[int], tuple[int, int]] | None:
    """position() for every offset of `text`, matched against the pieces once (a site with
    many findings asks many times); None if `text` is not the pieces' value."""
    written = [p for p in pieces if p.char is None or not p.char.isspace()]
    chars = [(index, char) for index, char in enumerate(text) if not char.isspace()]
    if not chars or not written:
        return None
    subject = "".join(char for _, char in chars)
    if all(p.char is not None for p in written):
        # Every character is written out (a YAML or JSON value, a plain Python string): a
        # comparison, not a regex made for this one text (compiling one per site cost more
        # than the checks).
        literal = "".join(p.char for p in written if p.char is not None)
        match = _Span(0, len(literal)) if literal == subject else _within(written, subject)
    else:
        pattern = "".join("(.*?)" if p.char is None else re.escape(p.char) for p in written)
        match = re.fullmatch(pattern, subject, re.DOTALL) or _within(written, subject)
    if match is None:
        return None
    covering = _covering(written, match)
    indexes = [index for index, _ in chars]

    def locate(offset: int) -> tuple[int, int]:
        wanted = bisect.bisect_left(indexes, offset)
        if wanted == len(indexes):  # past the last character
            last = covering[len(chars) - 1]
            return last.line, last.column + 1
        return covering[wanted].line, covering[wanted].column

    return locate


def _within(written: list[Piece], subject: str):
    """`subject` as a part of the pieces' literal characters (a label_values selector)."""
    chars = [p.char for p in written if p.char is not None]
    if len(chars) != len(written):
        return None
    value = "".join(chars)
    start = value.find(subject)
    return _Span(start, start + len(subject)) if start >= 0 else None


class _Span(NamedTuple):
    begin: int
    finish: int

    def start(self, group: int = 0) -> int:
        return self.begin

    def end(self, group: int = 0) -> int:
        return self.finish


def _covering(written: list[Piece], match) -> list[Piece]:
    """For each character of the matched subject, the piece that wrote it."""
    covering: list[Piece] = []
    group = 0
    pieces = written[match.start():] if isinstance(match, _Span) else written
    for piece in pieces:
        if piece.char is None:
            group += 1
            covering += [piece] * (match.end(group) - match.start(group))
        else:
            covering.append(piece)
    return covering


class _Positions:
    """(line, column) of each index of a text that starts at (line, column)."""

    def __init__(self, text: str, line: int, column: int):
        self.text, self.line, self.column = text, line, column
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def __call__(self, index: int) -> tuple[int, int]:
        row = bisect.bisect_right(self.starts, index) - 1
        column = index - self.starts[row] + 1
        return self.line + row, column + (self.column - 1 if row == 0 else 0)


def _body(segment, i, quote, raw, formatted, at, pieces) -> int | None:
    """Read one literal's body from index i; the index after its closing quote."""
    while not segment.startswith(quote, i):
        if i >= len(segment):
            return None
        char = segment[i]
        if char == "\\" and raw:
            pieces += [Piece(c, *at(i + k)) for k, c in enumerate(segment[i:i + 2])]
            i += 2
        elif char == "\\":
            i = _escape(segment, i, at, pieces)
        elif formatted and segment.startswith(char * 2, i) and char in "{}":
            pieces.append(Piece(char, *at(i)))
            i += 2
        elif formatted and char == "{":
            pieces.append(Piece(None, *at(i)))
            i = _field_end(segment, i)
        else:
            pieces.append(Piece(char, *at(i)))
            i += 1
    return i + len(quote)


def _escape(text: str, i: int, at, pieces: list[Piece]) -> int:
    escape = _ESCAPE.match(text, i)
    if escape is None:  # not an escape: the backslash is itself
        pieces.append(Piece("\\", *at(i)))
        return i + 1
    sequence = escape.group()
    value = "/" if sequence == "\\/" else codecs.decode(sequence, "unicode_escape")
    pieces += [Piece(char, *at(i)) for char in value]
    return escape.end()


def _field_end(segment: str, i: int) -> int:
    """The index after an f-string replacement field that opens at i."""
    depth = 0
    while i < len(segment):
        char = segment[i]
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return i + 1
        elif char in "'\"":
            closing = segment.find(char, i + 1)
            i = closing if closing >= 0 else len(segment)
        i += 1
    return i


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end
