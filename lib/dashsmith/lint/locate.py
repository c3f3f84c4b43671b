"""JSON and YAML read with the line each object starts on, for files dashsmith did not write:
findings in them point at a line (best effort) instead of the Python that declared them.

Objects come back as `Located` dicts: ordinary dicts with `.line` (from 1) and, for YAML,
`.value_lines` (key → (line, column, block)) giving where each scalar value starts.
"""

from __future__ import annotations

import bisect
import json
import re
import json.decoder
import json.scanner

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FormatError(Exception):
    """The file does not parse; `line` is where the parser stopped (from 1)."""

    def __init__(self, message: str, line: int = 1, column: int = 0):
        super().__init__(message)
        self.line = line
        self.column = column


class Located(dict):
    line = 1
    value_lines: dict = {}


class _Lines:
    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def load_json(text: str):
    lines = _Lines(text)
    decoder = _LocatingDecoder(lines)
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise FormatError("invalid JSON: nested too deeply") from None


class _LocatingDecoder(json.JSONDecoder):
    """The standard decoder with its pure-Python scanner, told to note where objects start."""

    def __init__(self, lines: _Lines):
        super().__init__(object_pairs_hook=Located)

        def parse_object(s_and_end, *args, **kwargs):
            start = s_and_end[1] - 1
            obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
            obj.line = lines.line(start)
            return obj, end

        self.parse_object = parse_object
        self.scan_once = json.scanner.py_make_scanner(self)


def load_yaml(text: str):
    """YAML with positions, built from the parser's events (much faster than PyYAML's composer
    and constructor, which resolve every scalar in Python). Duplicate keys are an error, as in
    Prometheus; anchors and aliases work; only the first document is read."""
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


class _Builder:
    """Plain data from parser events; mappings become `Located` with their lines."""

    def __init__(self):
        self.anchors = {}
        self.stack: list[list] = []  # [container, pending key or _NO_KEY]

    def build(self, events):
        result, done = None, False
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._add(_scalar(event), event)
            elif kind is yaml.MappingStartEvent:
                mapping = Located()
                mapping.line = event.start_mark.line + 1
                mapping.value_lines = {}
                self._open(mapping, event)
            elif kind is yaml.SequenceStartEvent:
                self._open([], event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                container, key, start = self.stack.pop()
                if key is not _NO_KEY:
                    raise FormatError("invalid YAML: a key has no value", start.line + 1)
                self._add(container, start, opened=True)
            elif kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    raise FormatError(f"invalid YAML: unknown alias '{event.anchor}'",
                                      event.start_mark.line + 1)
                self._add(self.anchors[event.anchor], event)
            elif kind is yaml.DocumentEndEvent:
                done = True
            elif kind is yaml.DocumentStartEvent and done:
                raise FormatError("invalid YAML: expected one document, found more",
                                  event.start_mark.line + 1)
            if not self.stack and kind not in (yaml.StreamStartEvent, yaml.DocumentStartEvent,
                                               yaml.DocumentEndEvent, yaml.StreamEndEvent):
                result = self.result
        return result

    def _open(self, container, event):
        if getattr(event, "anchor", None):
            self.anchors[event.anchor] = container
        self.stack.append([container, _NO_KEY, event.start_mark])

    def _add(self, value, event, opened=False):
        mark = event if opened else event.start_mark
        if not opened and getattr(event, "anchor", None):
            self.anchors[event.anchor] = value
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
        elif top[1] is _NO_KEY:
            if not isinstance(value, (str, int, float, bool)) or value is None:
                raise FormatError("invalid YAML: a key must be a plain value", mark.line + 1)
            if value in container:
                raise FormatError(f"invalid YAML: key '{value}' appears twice", mark.line + 1,
                                  mark.column + 1)
            top[1] = value
        else:
            key, top[1] = top[1], _NO_KEY
            container[key] = value
            style = getattr(event, "style", None) if not opened else None
            block = style in ("|", ">")
            container.value_lines[key] = (mark.line + 1 + block,
                                          mark.column + 1 + (style in ("'", '"')), block)


_NO_KEY = object()


def _scalar(event):
    """A scalar typed as YAML 1.1's core schema would: plain null, bool, int and float."""
    value = event.value
    if event.style or not event.implicit[0] or event.tag not in (None, "!"):
        return value
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
