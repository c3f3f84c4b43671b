"""The result of a comparison: a tree of entities that were added, removed or changed, each
with its changed fields. Renderers (text, markdown, json) read only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dashsmith.model.source import Source

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class FieldChange:
    """One field of an entity: `old` is None for a new field, `new` None for a dropped one.
    An added entity lists the facts worth reviewing as fields with old None."""

    field: str
    old: Any
    new: Any


@dataclass
class Diff:
    kind: str  # dashboard | row | panel | variable | query | alert | record
    name: str  # identity: a dashboard uid, panel title, variable name, refId or rule name
    status: str  # ADDED | REMOVED | CHANGED
    title: str = ""  # a dashboard's title
    summary: str = ""  # one line about an added or removed entity
    source: Source | None = None  # where it is declared (the new side, unless removed)
    fields: list[FieldChange] = field(default_factory=list)
    children: list[Diff] = field(default_factory=list)

    def to_json(self) -> dict:
        data: dict[str, object] = {"kind": self.kind, "name": self.name, "status": self.status}
        if self.title:
            data["title"] = self.title
        if self.summary:
            data["summary"] = self.summary
        if self.source:
            data["source"] = where(self.source)
        if self.fields:
            data["fields"] = [{"field": f.field, "old": f.old, "new": f.new} for f in self.fields]
        if self.children:
            data["children"] = [child.to_json() for child in self.children]
        return data


@dataclass
class Report:
    base: str  # label of the old side
    head: str  # label of the new side
    dashboards: list[Diff]
    rules: list[Diff]
    rules_compared: bool = True  # False when one side (Grafana) holds no Prometheus rules

    def __bool__(self) -> bool:
        return bool(self.dashboards or self.rules)

    def counts(self) -> dict[str, dict[str, int]]:
        """{'dashboards': {'changed': 2, ...}, 'panels': {...}, 'rules': {...}}"""
        out: dict[str, dict[str, int]] = {"dashboards": {}, "panels": {}, "rules": {}}
        for dashboard in self.dashboards:
            _count(out["dashboards"], dashboard.status)
            for child in dashboard.children:
                if child.kind == "panel":
                    _count(out["panels"], child.status)
        for rule in self.rules:
            _count(out["rules"], rule.status)
        return out

    def to_json(self) -> dict:
        return {
            "base": self.base,
            "head": self.head,
            "changed": bool(self),
            "counts": self.counts(),
            "dashboards": [d.to_json() for d in self.dashboards],
            "rules": [r.to_json() for r in self.rules] if self.rules_compared else None,
        }


def where(source: Source) -> str:
    """'file:line', as reports show a declaration."""
    return f"{source.file}:{source.line}"


def _count(counts: dict[str, int], status: str) -> None:
    counts[status] = counts.get(status, 0) + 1
