"""Every lint rule, by id. One class per rule; its docstring is its documentation
(`dashsmith lint --explain RULE`)."""

from __future__ import annotations

from . import alerts, catalog, dashboards, meta, promql, routing, structure, tests
from ..rule import Rule

_MODULES = (structure, promql, catalog, alerts, dashboards, tests, routing, meta)


def _classes() -> list[type[Rule]]:
    found = []
    for module in _MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value.id \
                    and value.__module__ == module.__name__:
                found.append(value)
    return found


ALL: list[Rule] = [cls() for cls in _classes()]
BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL}
assert len(BY_ID) == len(ALL), "two rules share an id"
