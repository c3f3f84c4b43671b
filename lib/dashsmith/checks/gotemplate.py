"""Go text/template, as Prometheus expands alert annotations and labels: enough of a parser to
say whether a template parses (balanced actions and blocks, known functions and variables)
and which `$labels.x` it reads. promtool checks the syntax too; this runs without it and
points at the Python line."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

# Go's built-ins and Prometheus's template functions (prometheus/template/template.go).
FUNCTIONS = frozenset({
    "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
    "le", "gt", "ge", "html", "js", "urlquery", "call",
    "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match",
    "title", "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "humanize",
    "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toTime",
    "toDuration", "now", "pathPrefix", "externalURL", "parseDuration", "stripPort",
    "stripDomain", "urlQueryEscape",
})
KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block",
                      "break", "continue", "nil", "true", "false"})
# Prometheus prepends `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}...`.
VARIABLES = frozenset({"$", "$labels", "$value", "$externalLabels", "$externalURL"})
_OPENS_BLOCK = frozenset({"if", "range", "with", "define", "block"})
# The actions nearly every annotation is made of, read without tokenizing:
# {{ $labels.x }}, {{ $value }}, {{ .Labels.x }}, {{ .Value }}, each with one `| function`.
_SIMPLE = re.compile(r"\s*(?:\$labels\.(?P<label>\w+)|\.Labels\.(?P<field>\w+)"
                     r"|(?P<value>\$value|\.Value))(?:\s*\|\s*(?P<function>\w+))?\s*")

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>"(?:\\.|[^"\\])*"|`[^`]*`|'(?:\\.|[^'\\])+')
  | (?P<badstring>["'`])
  | (?P<variable>\$\w*(?:\.\w+)*)
  | (?P<field>(?:\.\w+)+|\.)
  | (?P<ident>[A-Za-z_]\w*(?:\.\w+)*)
  | (?P<number>[-+]?\d[\w.+-]*)
  | (?P<declare>:=|=)
  | (?P<punct>[|(),])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass
class Template:
    errors: list[tuple[str, int]] = field(default_factory=list)  # (message, offset)
    labels: list[tuple[str, int]] = field(default_factory=list)  # $labels.x read: (x, offset)
    uses_value: bool = False


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Template:
    """The template's errors and the labels it reads (cached: read-only)."""
    result = Template()
    declared = set(VARIABLES)
    blocks: list[tuple[str, int]] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            break
        end = _action_end(text, start + 2)
        if end < 0:
            result.errors.append(("unclosed action: '{{' without '}}'", start))
            break
        body_start = start + 2 + (text.startswith("-", start + 2))
        body_end = end - (end > body_start and text[end - 1] == "-")
        _action(text[body_start:body_end], body_start, result, declared, blocks)
        position = end + 2
    for keyword, offset in blocks:
        result.errors.append((f"{{{{{keyword}}}}} has no matching {{{{end}}}}", offset))
    return result


_QUOTE_OR_CLOSE = re.compile(r"[\"'`]|\}\}")


def _action_end(text: str, position: int) -> int:
    """The offset of the '}}' closing an action, skipping quoted strings; -1 if none."""
    while True:
        found = _QUOTE_OR_CLOSE.search(text, position)
        if found is None:
            return -1
        if found.group() == "}}":
            return found.start()
        close = _string_end(text, found.start())
        if close < 0:
            return text.find("}}", found.start())
        position = close + 1


def _string_end(text: str, start: int) -> int:
    quote, position = text[start], start + 1
    while position < len(text):
        if text[position] == "\\" and quote != "`":
            position += 2
            continue
        if text[position] == quote:
            return position
        if text[position] == "\n" and quote != "`":
            return -1
        position += 1
    return -1


def _action(body: str, offset: int, result: Template, declared: set, blocks: list):
    # Inside {{range}} and {{with}}, dot is the element or value, not the alert: its .Labels
    # are a queried series' (`range query "..."`), which the alert's expression cannot tell.
    rebound = any(keyword in ("range", "with") for keyword, _ in blocks)
    simple = _SIMPLE.fullmatch(body)
    if simple and (simple.group("function") or "humanize") in FUNCTIONS:
        label = simple.group("label") or (None if rebound else simple.group("field"))
        if simple.group("field") and rebound:
            return
        if label:
            result.labels.append((label, offset + simple.start("label" if simple.group("label")
                                                               else "field")))
        else:
            result.uses_value = True
        return
    stripped = body.strip()
    if stripped.startswith("/*"):
        if not stripped.endswith("*/"):
            result.errors.append(("unclosed comment", offset))
        return
    tokens = [(m.lastgroup, m.group(), offset + m.start()) for m in _TOKEN.finditer(body)
              if m.lastgroup != "space"]
    if not tokens:
        result.errors.append(("empty action: '{{ }}' holds nothing", offset))
        return
    first_kind, first, first_offset = tokens[0]
    if first in _OPENS_BLOCK:
        blocks.append((first, first_offset))
    elif first == "end":
        if not blocks:
            result.errors.append(("unexpected {{end}}", first_offset))
        else:
            blocks.pop()
    elif first == "else" and not blocks:
        result.errors.append(("unexpected {{else}}", first_offset))
    assigned = next((i for i, (_, token, _) in enumerate(tokens) if token == ":="), -1)
    depth = 0
    for index, (kind, token, at) in enumerate(tokens):
        if kind == "variable" and index < assigned:  # `$x :=`, `range $i, $e :=`
            declared.add(token.partition(".")[0])
            continue
        if kind == "badstring":
            result.errors.append(("unterminated quoted string", at))
        elif kind == "other":
            result.errors.append((f"unexpected {token!r} in action", at))
        elif kind == "variable":
            _variable(token, at, result, declared)
        elif kind == "field" and not rebound:
            _field(token, at, result)
        elif kind == "ident" and token.split(".")[0] not in KEYWORDS | FUNCTIONS:
            result.errors.append((f"function {token.split('.')[0]!r} not defined", at))
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                result.errors.append(("unexpected ')' in action", at))
                depth = 0
        if token == "index" and index + 2 < len(tokens) and tokens[index + 1][1] == "$labels" \
                and tokens[index + 2][0] == "string":
            result.labels.append((tokens[index + 2][1][1:-1], tokens[index + 2][2]))
    if depth > 0:
        result.errors.append(("unclosed '(' in action", offset))


def _variable(token: str, at: int, result: Template, declared: set):
    name, _, path = token.partition(".")
    if name not in declared:
        result.errors.append((f"undefined variable {name!r}", at))
        return
    if name == "$value":
        result.uses_value = True
    if name == "$labels" and path:
        if "." in path:
            _dotted(path, token, at, result)
            return
        result.labels.append((path, at + len("$labels.")))


def _field(token: str, at: int, result: Template):
    parts = token.split(".")[1:]
    if parts[:1] == ["Value"]:
        result.uses_value = True
    if parts[:1] == ["Labels"] and len(parts) > 2:
        _dotted(".".join(parts[1:]), token, at, result)
    elif parts[:1] == ["Labels"] and len(parts) > 1:
        result.labels.append((parts[1], at + len(".Labels.")))


def _dotted(label: str, token: str, at: int, result: Template):
    """`$labels.service.name`: Go reads field `name` of the string `$labels.service`, which
    fails when the alert is sent. A label name with dots (OpenTelemetry's, Prometheus 3) is
    read with index."""
    holder = token[: len(token) - len(label) - 1]
    result.errors.append((f"{token} reads a field of the label '{label.split('.')[0]}', a "
                          f"string: read a label whose name has dots with "
                          f"{{{{ index {holder} \"{label}\" }}}}", at))
