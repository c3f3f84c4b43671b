"""Prometheus alerting and recording rules, declared in Python and compiled to rule files."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashsmith.model.source import Source, caller


@dataclass
class Alert:
    """An alerting rule. `summary` is one static sentence; `description` may use
    `{{ $value }}` and `{{ $labels.x }}`. `runbook` is the anchor of the alert's section in the
    runbook document (default: the alert name in lower case, as a Markdown heading gives it)."""

    name: str
    expr: str
    for_: str | None = None
    severity: str | None = None
    summary: str | None = None
    description: str | None = None
    runbook: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    keep_firing_for: str | None = None
    # The receivers the routing must deliver this alert to, in order; `dashsmith test` asserts it.
    expect_receivers: list[str] | None = field(default=None, compare=False)
    source: Source = field(default_factory=caller, compare=False)

    @property
    def runbook_anchor(self) -> str:
        return self.runbook or self.name.lower()


@dataclass
class Record:
    """A recording rule: `record` names the new series, e.g. 'ai:error_ratio:rate5m'."""

    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)
    source: Source = field(default_factory=caller, compare=False)


@dataclass
class RuleGroup:
    """A group of rules evaluated together. Rules may also be given as dicts in Prometheus's
    own rule format (`{"alert": ..., "expr": ..., "for": ...}`)."""

    name: str
    rules: list
    interval: str | None = None
    source: Source = field(default_factory=caller, compare=False)


# The fields of a rule in Prometheus's rule format (rulefmt.RuleNode), by kind: its YAML
# decoder refuses a file with any other.
RULE_FIELDS = {
    "alert": ("alert", "expr", "for", "keep_firing_for", "labels", "annotations"),
    "record": ("record", "expr", "labels"),
}


def rule_from_dict(data: dict, source: Source) -> Alert | Record | None:
    """A Prometheus-format rule dict as an Alert or Record; None if it is neither, or has a
    field Prometheus does not know (`annotation:`): kept as the dict, the rule-format check
    names the field rather than the model dropping it."""
    kind = "alert" if "alert" in data else "record"
    if any(key not in RULE_FIELDS[kind] for key in data):
        return None
    if "alert" in data and "record" not in data:
        annotations = dict(data.get("annotations") or {})
        labels = dict(data.get("labels") or {})
        return Alert(
            name=data["alert"], expr=data.get("expr", ""), for_=data.get("for"),
            severity=labels.pop("severity", None),
            summary=annotations.pop("summary", None),
            description=annotations.pop("description", None),
            runbook=_anchor(annotations.pop("runbook_url", None)),
            labels=labels, annotations=annotations,
            keep_firing_for=data.get("keep_firing_for"), source=source,
        )
    if "record" in data and "alert" not in data:
        return Record(data["record"], data.get("expr", ""), dict(data.get("labels") or {}), source)
    return None


def _anchor(url: str | None) -> str | None:
    if url and "#" in url:
        return url.rsplit("#", 1)[1]
    return None
