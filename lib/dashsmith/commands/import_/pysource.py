"""Python source for declarations, in the house style of dashboards/: one argument per line
once a call does not fit, trailing commas, `Row("Title", [` hugging its panel list, and
long strings split into adjacent literals.

A `Call` both prints and evaluates, so what is printed is exactly what was checked.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

WIDTH = 100
INDENT = "    "


@dataclass
class Call:
    name: str  # as printed, e.g. "timeseries" or "g.Template"
    function: Callable[..., Any]  # what it evaluates with
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    hug: bool = False  # print a trailing list argument as `name(..., [` ... `])`


@dataclass
class Name:
    text: str
    value: object


# A node is a Call, a Name, or a Python literal (str, number, bool, None, list, tuple, dict)
# whose items are nodes: hence `object` below, narrowed by isinstance.

def evaluate(node: object) -> Any:
    if isinstance(node, Call):
        return node.function(*map(evaluate, node.args),
                             **{k: evaluate(v) for k, v in node.kwargs.items()})
    if isinstance(node, Name):
        return node.value
    if isinstance(node, list):
        return [evaluate(item) for item in node]
    if isinstance(node, tuple):
        return tuple(evaluate(item) for item in node)
    if isinstance(node, dict):
        return {k: evaluate(v) for k, v in node.items()}
    return node


def walk(node: object) -> Iterator[object]:
    """`node` and everything inside it."""
    yield node
    inside: Iterable[object]
    if isinstance(node, Call):
        inside = [*node.args, *node.kwargs.values()]
    elif isinstance(node, (list, tuple)):
        inside = node
    elif isinstance(node, dict):
        inside = node.values()
    else:
        inside = ()
    for item in inside:
        yield from walk(item)


def source(node: object, indent: int = 0, prefix: str = "", tail: str = "",
           bare: bool = False) -> str:
    """`node` printed at `indent` levels after `prefix`, followed by `tail`. A bare position
    (a positional argument, a list item) lets a long string continue as adjacent literals."""
    pad = INDENT * indent
    flat = _flat(node)
    if flat is not None and len(pad + prefix + flat + tail) <= WIDTH:
        return pad + prefix + flat + tail
    if isinstance(node, str):
        return _long_string(node, indent, prefix, tail, bare)
    if isinstance(node, Call):
        return _call(node, indent, prefix, tail)
    if isinstance(node, (list, tuple, dict)):
        return _container(node, indent, prefix, tail)
    return pad + prefix + (flat or "") + tail


_PLAIN_TEXT = re.compile(r'[^\\"\x00-\x1f\x7f]*')


def literal(text: str) -> str:
    """A string literal: double quotes unless the text has double quotes and no single ones."""
    if _PLAIN_TEXT.fullmatch(text):  # most text: nothing to escape
        return '"' + text + '"'
    quote = "'" if '"' in text and "'" not in text else '"'
    out: list[str] = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def _flat(node: object) -> str | None:
    """One-line text of `node`, or None when it must span lines."""
    if isinstance(node, str):
        return None if "\n" in node.rstrip("\n") or node.count("\n") > 1 else literal(node)
    if isinstance(node, bool) or node is None or isinstance(node, (int, float)):
        return repr(node)
    if isinstance(node, Name):
        return node.text
    if isinstance(node, Call):
        parts = _all([_flat(a) for a in node.args]
                     + [_kwarg(k, v) for k, v in node.kwargs.items()])
        return None if parts is None else f"{node.name}({', '.join(parts)})"
    if isinstance(node, dict):
        parts = _all([_pair(k, v) for k, v in node.items()])
        return None if parts is None else "{" + ", ".join(parts) + "}"
    if isinstance(node, (list, tuple)):
        parts = _all([_flat(item) for item in node])
        if parts is None:
            return None
        if isinstance(node, tuple):
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        return "[" + ", ".join(parts) + "]"
    raise TypeError(f"cannot print {type(node).__name__}")


def _all(parts: list[str | None]) -> list[str] | None:
    """The parts, if every one is on one line (None: one is not)."""
    flat = [part for part in parts if part is not None]
    return flat if len(flat) == len(parts) else None


def _kwarg(name: str, value: object) -> str | None:
    flat = _flat(value)
    if flat is None:
        return None
    opening, closing = _keyword(name)
    return opening + flat + closing


def _keyword(name: str) -> tuple[str, str]:
    """What is printed before and after a keyword argument's value: `name=` for a name Python
    takes, else `**{"name": ` ... `}` (a JSON key carried as an argument, such as an old graph
    panel's `x-axis`, `class` or `1h`, is no identifier, and `x-axis=True` does not compile;
    Python reads identifiers in NFKC form, so `ª=` would pass the keyword `a`)."""
    if name.isidentifier() and not keyword.iskeyword(name) and \
            unicodedata.normalize("NFKC", name) == name:
        return f"{name}=", ""
    return f"**{{{literal(name)}: ", "}"


def _pair(key: object, value: object) -> str | None:
    flat = _flat(value)
    return None if flat is None else f"{_key(key)}: {flat}"


def _key(key: object) -> str | None:
    """A dict key: always one literal, even a string with line breaks."""
    return literal(key) if isinstance(key, str) else _flat(key)


def _call(node: Call, indent: int, prefix: str, tail: str) -> str:
    pad = INDENT * indent
    if node.hug and node.args and isinstance(node.args[-1], list):
        head = _all([_flat(a) for a in node.args[:-1]])
        after = _all([_kwarg(k, v) for k, v in node.kwargs.items()])
        if head is not None and after is not None:
            opening = f"{pad}{prefix}{node.name}({''.join(h + ', ' for h in head)}["
            closing = "]" + "".join(", " + a for a in after) + ")" + tail
            if len(opening) <= WIDTH and len(pad + closing) <= WIDTH:
                items = [source(item, indent + 1, tail=",", bare=True) for item in node.args[-1]]
                return "\n".join([opening, *items, pad + closing])
    lines = [f"{pad}{prefix}{node.name}("]
    lines += [source(arg, indent + 1, tail=",", bare=True) for arg in node.args]
    for key, value in node.kwargs.items():
        opening, closing = _keyword(key)
        lines.append(source(value, indent + 1, prefix=opening, tail=closing + ","))
    lines.append(pad + ")" + tail)
    return "\n".join(lines)


_BRACKETS: dict[type, tuple[str, str]] = {dict: ("{", "}"), list: ("[", "]"), tuple: ("(", ")")}


def _container(node: list | tuple | dict, indent: int, prefix: str, tail: str) -> str:
    pad = INDENT * indent
    opening, closing = _BRACKETS[type(node)]
    lines = [pad + prefix + opening]
    if isinstance(node, dict):
        lines += [source(value, indent + 1, prefix=f"{_key(key)}: ", tail=",")
                  for key, value in node.items()]
    else:
        lines += [source(item, indent + 1, tail=",", bare=True) for item in node]
    lines.append(pad + closing + tail)
    return "\n".join(lines)


def _long_string(text: str, indent: int, prefix: str, tail: str, bare: bool) -> str:
    triple = _triple_quoted(text)
    if triple is not None:  # lines of a query as they were written: one readable string
        return INDENT * indent + prefix + triple + tail
    if bare and not prefix:
        pad = INDENT * indent
        parts = split_string(text, WIDTH - len(pad) - len(tail))
        lines = [pad + literal(part) for part in parts]
        lines[-1] += tail
        return "\n".join(lines)
    pad = INDENT * indent
    inner = _long_string(text, indent + 1, "", "", True)
    if "\n" not in inner:  # one literal that is simply long
        return pad + prefix + inner.strip() + tail
    return f"{pad}{prefix}(\n{inner}\n{pad}){tail}"


def _triple_quoted(text: str) -> str | None:
    """A text of several lines as one triple-quoted literal (raw when it has backslashes, as
    PromQL regexes do), or None when that cannot write it exactly."""
    if "\n" not in text.rstrip("\n") or '"""' in text or text.endswith('"') or \
            any(ord(c) < 32 and c != "\n" or ord(c) == 127 for c in text):
        return None
    if "\\" in text:
        if text.endswith("\\"):
            return None
        return 'r"""' + text + '"""'
    return '"""' + text + '"""'


def split_string(text: str, width: int) -> list[str]:
    """Pieces of `text` whose literals fit in `width`: a piece ends after each newline, and
    long lines break after a space. Joined, the pieces are `text` again."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        pieces += _split_line(line, width)
    return pieces or [""]


def _split_line(line: str, width: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in _words(line):
        if current and len(literal(current + word)) > width:
            out.append(current)
            current = ""
        current += word
    if current:
        out.append(current)
    return out


def _words(line: str) -> list[str]:
    """The line cut after each run of spaces, so every word keeps its trailing spaces; never
    inside braces, brackets or quotes, so that a PromQL selector (`x{a="1", b="2"}`), range or
    string stays in one piece."""
    words: list[str] = []
    current = ""
    depth = 0
    quote = ""
    for index, char in enumerate(line):
        current += char
        if quote:
            if char == quote and line[index - 1] != "\\":
                quote = ""
            continue
        if char in "\"'`":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth = max(0, depth - 1)
        elif char == " " and depth == 0 and \
                (index + 1 == len(line) or line[index + 1] != " "):
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return words
