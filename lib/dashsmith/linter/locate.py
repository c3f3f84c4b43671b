"""JSON and YAML read with the line each object starts on, for files dashsmith did not write:
findings in them point at a line (best effort) instead of the Python that declared them.

Objects come back as `Located` dicts: ordinary dicts with `.line` (from 1); for YAML,
`value_position(mapping, key)` says where a value starts.
"""

from __future__ import annotations

import json
import json.decoder
import re

import yaml

from dashsmith.checks.rules.file_parse import FileParse

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FormatError(Exception):
    """The file does not parse; `line` is where the parser stopped (from 1)."""

    def __init__(self, message: str, line: int = 1, column: int = 0):
        super().__init__(message)
        self.line = line
        self.column = column


def read(path: str, problems: list):
    """(data, text) of a JSON file (by its name) or a YAML file; None if it cannot be read or
    does not parse (a file/parse finding in `problems` says why)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        problems.append(FileParse().unreadable(path, error))
        return None
    try:
        data = load_json(text) if path.endswith(".json") else load_yaml(text)
    except FormatError as error:
        problems.append(FileParse().unparsable(path, str(error), error.line, error.column))
        return None
    return data, text


class Located(dict):
    line = 1
    offset = 0  # JSON: where the object starts in the text
    value_lines: dict = {}


def load_json(text: str):
    """JSON through the standard library's C decoder, each object a `Located` with the line and
    offset it starts at: the objects' starts are found first (one regular expression that
    steps from brace to brace over everything else, strings included), then matched to the
    objects in the order the decoder finishes them, which is the order their closing braces
    come in. On the corpus's 307 dashboards (14 MB) this reads JSON in about 2.5 times
    json.loads' time (a scan of each string token in Python took 5.5 times)."""
    try:
        starts = iter(_object_starts(text))
    except IndexError:  # invalid JSON: the decoder below says where
        starts = iter(())

    def located(pairs):
        obj = Located(pairs)
        start = next(starts, None)
        if start is not None:
            obj.offset, obj.line = start
        return obj

    try:
        return json.loads(text, object_pairs_hook=located)
    except json.JSONDecodeError as error:
        raise FormatError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply") from None


# From where the last match ended to the next brace outside a string (group 3): strings
# (escapes included) and runs of other characters are taken whole, atomically, so that the
# engine never backtracks into them. Atomic as `(?=(X))\1` (a lookahead's match is never
# retried): possessive quantifiers would be faster (~130 against ~190 ms for the corpus's 307
# dashboards) but Python's re has them only from 3.11, and dashsmith runs on 3.10.
_TO_BRACE = re.compile(r'(?:"(?=([^"\\]*(?:\\.[^"\\]*)*))\1"|(?=([^"{}]+))\2)*([{}])',
                       re.DOTALL)


def _object_starts(text: str) -> list[tuple[int, int]]:
    """(offset, line) of each JSON object's `{`, in the order the objects close. Each match
    starts where the last ended (never searched for: after the last brace, a search would try
    every position to the end)."""
    found: list[tuple[int, int]] = []
    opened: list[tuple[int, int]] = []
    match, count = _TO_BRACE.match, text.count
    position, line, counted = 0, 1, 0
    while (found_brace := match(text, position)) is not None:
        brace = found_brace.start(3)
        position = brace + 1
        if text[brace] == "{":
            line += count("\n", counted, brace)
            counted = brace
            opened.append((brace, line))
        else:
            found.append(opened.pop())
    return found


class LineCounter:
    """The line of an offset of one text, counting on from the offset asked before (a
    dashboard's targets are asked about in the order they are written): no index of every
    line is kept for a file already read."""

    def __init__(self, text: str):
        self.text = text
        self.offset, self.number = 0, 1

    def line_and_column(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:
            self.offset, self.number = 0, 1
        self.number += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.number, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


def json_string_start(text: str, obj, key: str, lines: LineCounter | None = None
                      ) -> tuple[int, int] | None:
    """(line, column) where the JSON string value of obj[key] starts, just after its quote."""
    pattern = re.compile(rf'"{re.escape(key)}"\s*:\s*"')
    for match in pattern.finditer(text, getattr(obj, "offset", 0)):
        try:
            # typeshed omits json.decoder.scanstring, which the module defines at runtime
            value = json.decoder.scanstring(text, match.end())[0]  # type: ignore[attr-defined]
        except ValueError:
            continue
        if value == obj.get(key):
            return (lines or LineCounter(text)).line_and_column(match.end())
    return None


def load_yaml(text: str):
    """YAML with positions, built from the parser's events (much faster than PyYAML's composer
    and constructor, which resolve every scalar in Python). Duplicate keys are an error, as in
    Prometheus; anchors and aliases work. A stream of several documents (`---` between
    Kubernetes manifests) comes back as `Documents`, whose reader says whether it takes them."""
    loader = _Loader(text)
    try:
        return _Builder().build(iter(loader.get_event, None))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise FormatError(f"invalid YAML: {error.problem or error}", line,
                          mark.column + 1 if mark else 0) from None
    except yaml.YAMLError as error:
        raise FormatError(f"invalid YAML: {error}") from None
    finally:
        loader.dispose()


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {word: value for value, words in ((True, "yes Yes YES true True TRUE on On ON"),
                                           (False, "no No NO false False FALSE off Off OFF"))
          for word in words.split()}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*|0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$"
                    r"|^\.(?:nan|NaN|NAN)$")
_NUMERIC_START = frozenset("0123456789+-.")


class Documents(list):
    """The documents of a YAML stream that holds more than one, in order."""


class _Builder:
    """Plain data from parser events; mappings become `Located` with their lines."""

    def __init__(self) -> None:
        self.anchors: dict[str, object] = {}
        self.stack: list[list] = []  # [container, pending key or _NO_KEY, start mark]
        self.result: object = None
        self.documents: list[object] = []

    def build(self, events):
        scalar, mapping_start, sequence_start = (yaml.ScalarEvent, yaml.MappingStartEvent,
                                                 yaml.SequenceStartEvent)
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        for event in events:
            kind = type(event)
            if kind is scalar:
                value = event.value
                if not event.style and event.implicit[0] and event.tag in (None, "!"):
                    value = _typed(value)
                self._add(value, event.start_mark, event.style, event.anchor)
            elif kind is mapping_start:
                mapping = Located()
                mapping.line = event.start_mark.line + 1
                mapping.value_lines = {}
                self._open(mapping, event)
            elif kind is sequence_start:
                self._open([], event)
            elif kind in ends:
                container, key, start, merged = self.stack.pop()
                if key is not _NO_KEY:
                    raise FormatError("invalid YAML: a key has no value", start.line + 1)
                _merge(container, merged, start)
                self._add(container, start, None, None)
            elif kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    raise FormatError(f"invalid YAML: unknown alias '{event.anchor}'",
                                      event.start_mark.line + 1)
                self._add(self.anchors[event.anchor], event.start_mark, None, None)
            elif kind is yaml.DocumentEndEvent:
                self.documents.append(self.result)
                self.result = None
        if len(self.documents) > 1:
            return Documents(self.documents)
        return self.documents[0] if self.documents else None

    def _open(self, container, event):
        if event.anchor:
            self.anchors[event.anchor] = container
        self.stack.append([container, _NO_KEY, event.start_mark, []])

    def _add(self, value, mark, style, anchor):
        if anchor:
            self.anchors[anchor] = value
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
        elif top[1] is _NO_KEY:
            if value == "<<" and not style:  # a merge key, expanded when the mapping ends
                top[1] = _MERGE
                return
            if not isinstance(value, (str, int, float, bool)) or value is None:
                raise FormatError("invalid YAML: a key must be a plain value", mark.line + 1)
            if value in container:
                raise FormatError(f"invalid YAML: key '{value}' appears twice", mark.line + 1,
                                  mark.column + 1)
            top[1] = value
        elif top[1] is _MERGE:
            top[1] = _NO_KEY
            top[3] += value if isinstance(value, list) else [value]
        else:
            key, top[1] = top[1], _NO_KEY
            container[key] = value
            container.value_lines[key] = (mark, style)


_NO_KEY = object()
_MERGE = object()


def _merge(container: Located, merged: list, start) -> None:
    """YAML's merge key (`<<: *common`, `<<: [*a, *b]`): the merged mappings' keys that the
    mapping does not set itself, the first mapping listed winning; each at its own line."""
    for source in merged:
        if not isinstance(source, dict):
            raise FormatError("invalid YAML: '<<' merges only mappings", start.line + 1)
        lines = getattr(source, "value_lines", {})
        for key, value in source.items():
            if key not in container:
                container[key] = value
                if key in lines:
                    container.value_lines[key] = lines[key]


def _typed(value: str):
    """A plain scalar typed as YAML 1.1's core schema would: null, bool, int and float."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if value[0] not in _NUMERIC_START:
        return value
    try:
        if _INT.match(value):
            return int(value.replace("_", ""), 0)
        if _FLOAT.match(value):
            return float(value.replace("_", "").lower().replace(".inf", "inf")
                         .replace(".nan", "nan"))
    except ValueError:
        pass
    return value


def line_of(obj, default: int = 1) -> int:
    return getattr(obj, "line", default)


def value_position(mapping, key) -> tuple[int, int, bool] | None:
    """(line, column, block) where a YAML mapping's value for `key` starts; `block` for a
    literal or folded block scalar, whose text starts on the next line."""
    found = getattr(mapping, "value_lines", {}).get(key)
    if found is None:
        return None
    mark, style = found
    block = style in ("|", ">")
    return mark.line + 1 + block, mark.column + 1 + (style in ("'", '"')), block
