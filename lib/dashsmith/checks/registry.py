"""Every rule, by id: each module of checks/rules/ holds one, named after its id. This is every
id a dashsmith command reports (lint's rules, what build refuses, verify's, SLO and deploy
findings), so `dashsmith lint --explain` and suppressions know each one."""

from __future__ import annotations

import importlib
import pkgutil

from dashsmith.checks import rules as _rules_package
from dashsmith.checks.rule import Rule


def module_name(rule_id: str) -> str:
    """The module of checks/rules/ that holds a rule: alert/for → alert_for."""
    return rule_id.replace("/", "_").replace("-", "_")


def _discover() -> list[Rule]:
    found = []
    for info in sorted(pkgutil.iter_modules(_rules_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_rules_package.__name__}.{info.name}")
        classes = [value for value in vars(module).values()
                   if isinstance(value, type) and issubclass(value, Rule)
                   and value.__module__ == module.__name__]
        if len(classes) != 1 or module_name(classes[0].id) != info.name:
            raise ImportError(f"{module.__name__} must hold one rule whose id it is named "
                              f"after; it holds {[c.id for c in classes]}")
        found.append(classes[0]())
    return found


ALL: list[Rule] = _discover()
BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL}
BY_FORMER_ID: dict[str, Rule] = {former: rule for rule in ALL for former in rule.former_ids}


class UnknownRule(KeyError):
    pass


def get(rule_id: str) -> Rule:
    """The rule of this id; UnknownRule if no rule has it."""
    try:
        return BY_ID[rule_id]
    except KeyError:
        raise UnknownRule(rule_id) from None


def named(rule_id: str) -> Rule | None:
    """The rule a user means by `rule_id`: its id, or an id it had before a rename."""
    return BY_ID.get(rule_id) or BY_FORMER_ID.get(rule_id)
