"""Label matchers as Alertmanager reads them: `name op "value"` with op one of = != =~ !~.

A missing label matches as the empty string, and regular expressions are anchored at both ends,
as in Alertmanager (pkg/labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dashsmith.promql.names import LABEL_NAME

OPERATORS = ("=~", "!~", "!=", "=")  # longest first, for parsing
_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$', re.S)


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str

    def __post_init__(self):
        if not LABEL_NAME.match(self.name):
            raise ValueError(f"invalid label name {self.name!r} in a matcher")
        if self.op not in OPERATORS:
            raise ValueError(f"invalid matcher operator {self.op!r} (use = != =~ !~)")
        if self.op in ("=~", "!~"):
            try:
                re.compile(self.value)
            except re.error as error:
                raise ValueError(f"invalid regular expression {self.value!r}: {error}") from None

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.name, "")
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        found = _anchored(self.value).match(value) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op}"{escaped}"'


_ANCHORED: dict[str, re.Pattern] = {}


def _anchored(pattern: str) -> re.Pattern:
    if pattern not in _ANCHORED:
        _ANCHORED[pattern] = re.compile(f"(?:{pattern})\\Z", re.S)
    return _ANCHORED[pattern]


def parse(text: str) -> Matcher:
    """One matcher in Alertmanager's syntax: `severity="critical"`, `team=~ai|app`."""
    match = _MATCHER.match(text)
    if not match:
        raise ValueError(f"not a matcher: {text!r} (write e.g. severity=\"critical\")")
    name, op, value = match.groups()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = _unquote(value[1:-1], text)
    return Matcher(name, op, value)


def _unquote(body: str, text: str) -> str:
    out, i = [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append({"n": "\n", "t": "\t"}.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        if char == '"':
            raise ValueError(f"unescaped quote in matcher {text!r}")
        out.append(char)
        i += 1
    return "".join(out)


def matchers(spec) -> tuple[Matcher, ...]:
    """Matchers from a declaration: a dict (label equals value), a matcher string, a Matcher, or
    a list of these. All of them must match."""
    if spec is None:
        return ()
    if isinstance(spec, (str, Matcher, Mapping)):
        spec = [spec]
    out: list[Matcher] = []
    for item in spec:
        if isinstance(item, Matcher):
            out.append(item)
        elif isinstance(item, str):
            out.append(parse(item))
        elif isinstance(item, Mapping):
            out.extend(Matcher(str(k), "=", str(v)) for k, v in item.items())
        else:
            raise TypeError("a matcher is a string, a dict or a Matcher, not "
                            f"{type(item).__name__}")
    return tuple(out)


def all_match(found: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in found)


def alertnames(names: Iterable[str]) -> Matcher:
    """`alertname=~"A|B|C"`: the alerts named, in a stable order."""
    unique = sorted(set(names))
    if not unique:
        raise ValueError("alertnames() needs at least one alert name")
    return Matcher("alertname", "=~", "|".join(re.escape(n) for n in unique))


def alerts_of(*declarations) -> Matcher:
    """`alertname=~"..."` matching every alert of the given rule groups and SLOs: routes and
    inhibitions follow the alerts of a module as they are added or renamed."""
    from dashsmith.model.rules import Alert, RuleGroup
    from dashsmith.slo.declaration import SLO
    names = []
    for item in declarations:
        if isinstance(item, RuleGroup):
            names += [r.name for r in item.rules if isinstance(r, Alert)]
            names += [r["alert"] for r in item.rules if isinstance(r, dict) and "alert" in r]
        elif isinstance(item, SLO):
            names += [item.page_alert, item.ticket_alert]
        else:
            raise TypeError(f"alerts_of() takes rule groups and SLOs, not {type(item).__name__}")
    return alertnames(names)
