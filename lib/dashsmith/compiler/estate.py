"""The estate: everything declared in one project, as the commands see it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashsmith.model.catalog import Catalog
from dashsmith.model.dashboard import Dashboard
from dashsmith.model.rules import Alert, Record, RuleGroup
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source

if TYPE_CHECKING:
    from dashsmith.routing import Routing
    from dashsmith.slo import SLO


@dataclass
class RuleFile:
    """The rule groups one module under alerts/ declares; compiled to rules/<name>.yml."""

    name: str
    groups: list[RuleGroup]
    source: Source


@dataclass
class Estate:
    settings: Settings
    catalog: Catalog
    dashboards: list[Dashboard]
    rule_files: list[RuleFile]
    routing: Routing | None = None  # compiled to alertmanager.yml
    slos: list[SLO] = field(default_factory=list)  # already expanded into rules and dashboards

    def groups(self) -> Iterator[RuleGroup]:
        for rule_file in self.rule_files:
            yield from rule_file.groups

    def rules(self) -> Iterator[tuple[RuleGroup, Alert | Record | dict]]:
        """(group, rule) for every rule; dict rules come as declared (see validate)."""
        for group in self.groups():
            for rule in group.rules:
                yield group, rule

    def alerts(self) -> list[Alert]:
        return [rule for _, rule in self.rules() if isinstance(rule, Alert)]

    def records(self) -> list[Record]:
        return [rule for _, rule in self.rules() if isinstance(rule, Record)]
