"""JSON and YAML read with the line each object starts on, for files dashsmith did not write:
findings in them point at a line (best effort) instead of the Python that declared them.

Objects come back as `Located` dicts: ordinary dicts with `.line` (from 1) and, for YAML,
`.value_lines` (key → (line, column, block)) giving where each scalar value starts.
"""

from __future__ import annotations

import bisect
import json
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
    """YAML with positions. Duplicate keys are an error, as in Prometheus."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise FormatError(f"invalid YAML: {error.problem or error}", line,
                          mark.column + 1 if mark else 0) from None
    except yaml.YAMLError as error:
        raise FormatError(f"invalid YAML: {error}") from None
    except RecursionError:
        raise FormatError("invalid YAML: nested too deeply") from None
    return _Converter().convert(node) if node is not None else None


class _Converter:
    """Nodes to plain data, much faster than PyYAML's constructor, keeping the lines. Scalars are
    typed as YAML 1.1 core types would be (strings stay strings, numbers become numbers)."""

    def convert(self, node, depth: int = 0):
        if depth > 200:
            raise FormatError("invalid YAML: nested too deeply", node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, depth + 1) for item in node.value]
        return self._scalar(node)

    def _mapping(self, node, depth: int) -> Located:
        out = Located()
        out.line = node.start_mark.line + 1
        out.value_lines = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise FormatError("invalid YAML: a key must be a plain value",
                                  key_node.start_mark.line + 1)
            if key in out:
                raise FormatError(f"invalid YAML: key '{key}' appears twice",
                                  key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.convert(value_node, depth + 1)
            mark = value_node.start_mark
            block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
            quoted = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("'", '"')
            out.value_lines[key] = (mark.line + 1 + block, mark.column + 1 + quoted, block)
        return out

    def _scalar(self, node):
        tag = node.tag
        if tag == "tag:yaml.org,2002:str" or node.style:
            return node.value
        if tag == "tag:yaml.org,2002:int":
            try:
                return int(node.value.replace("_", ""), 0)
            except ValueError:
                return node.value
        if tag == "tag:yaml.org,2002:float":
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                return node.value
        if tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("yes", "true", "on", "y")
        if tag == "tag:yaml.org,2002:null":
            return None
        return node.value


def line_of(obj, default: int = 1) -> int:
    return getattr(obj, "line", default)
