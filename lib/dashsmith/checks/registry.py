"""Every rule, by id: each module of checks/rules/ holds one, named after its id. This is every
id a dashsmith command reports (lint's rules, what build refuses, verify's, SLO and deploy
findings), so `dashsmith lint --explain` and suppressions know each one.

`ALL`, `BY_ID` and `BY_FORMER_ID` import every rule module when first read. A run of lint
needs only the rules that look at what it read: `hooked(...)` imports those alone, from
`HOOKED`, a table of each checking rule's hooks (and query sites). The rule files stay the one
home of that knowledge: tests/test_lint_registry.py fails, printing the table to paste, when
the table and the rule modules disagree. Importing the ~80 rule modules (and what the
dashboard and declaration rules import) was a quarter of `dashsmith lint`'s start-up on rule
files."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from dashsmith.checks import rules as _rules_package
from dashsmith.checks.rule import Rule

# module of checks/rules/: (its rule's hooks, the query sites its `query` hook looks at).
# Rules without a hook (reported by other code) are not listed. Checked against the modules by
# tests/test_lint_registry.py.
HOOKED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    'alert_comparison': (('query',), ('rule',)),
    'alert_description': (('rule',), ()),
    'alert_for': (('rule',), ()),
    'alert_name': (('rule',), ()),
    'alert_runbook_url': (('rule',), ()),
    'alert_severity': (('rule',), ()),
    'alert_summary': (('rule',), ()),
    'alert_template': (('rule',), ()),
    'catalog_counter_rate': (('query',), ('panel', 'variable', 'rule')),
    'catalog_duplicate': (('declared',), ()),
    'catalog_gauge_rate': (('query',), ('panel', 'variable', 'rule')),
    'catalog_histogram_quantile': (('query',), ('panel', 'variable', 'rule')),
    'catalog_label_value': (('query',), ('panel', 'variable', 'rule')),
    'catalog_summary_quantile': (('query',), ('panel', 'variable', 'rule')),
    'catalog_unknown_label': (('dashboard', 'query'), ('panel', 'variable', 'rule')),
    'catalog_unknown_metric': (('query',), ('panel', 'variable', 'rule')),
    'cost_unpriced_model': (('declared',), ()),
    'dashboard_datasource': (('dashboard',), ()),
    'dashboard_duplicate_uid': (('declared', 'dashboard'), ()),
    'dashboard_folder': (('declared',), ()),
    'dashboard_layout': (('declared',), ()),
    'dashboard_overlap': (('dashboard',), ()),
    'dashboard_rate_interval': (('query',), ('panel',)),
    'dashboard_refresh': (('dashboard',), ()),
    'dashboard_title': (('declared', 'dashboard'), ()),
    'dashboard_uid': (('declared', 'dashboard'), ()),
    'instrument_stale': (('declared',), ()),
    'panel_datasource': (('dashboard',), ()),
    'panel_description': (('dashboard',), ()),
    'panel_duplicate_title': (('dashboard',), ()),
    'panel_no_targets': (('declared', 'dashboard'), ()),
    'panel_title': (('dashboard',), ()),
    'panel_unit': (('dashboard',), ()),
    'promql_histogram_le': (('query',), ('panel', 'variable', 'rule')),
    'promql_impossible': (('query',), ('panel', 'variable', 'rule')),
    'promql_range': (('query',), ('rule',)),
    'promql_regexp': (('query',), ('panel', 'variable', 'rule')),
    'promql_syntax': (('dashboard', 'query'), ('panel', 'variable')),
    'promql_version': (('query',), ('panel', 'variable', 'rule')),
    'routing_black_hole': (('declared',), ()),
    'routing_duplicate': (('declared',), ()),
    'routing_duration': (('declared',), ()),
    'routing_expected_receivers': (('declared',), ()),
    'routing_group_by': (('declared',), ()),
    'routing_inhibit': (('declared',), ()),
    'routing_missing': (('declared',), ()),
    'routing_receiver': (('declared',), ()),
    'routing_secret': (('declared',), ()),
    'routing_time_interval': (('declared',), ()),
    'routing_unused_receiver': (('declared',), ()),
    'rule_duplicate': (('rule',), ()),
    'rule_expr': (('rule_file',), ()),
    'rule_format': (('rule_file',), ()),
    'rule_kind': (('rule_file',), ()),
    'test_coverage': (('alert_tests',), ()),
    'test_rule_files': (('alert_tests',), ()),
    'test_unknown_alert': (('alert_tests',), ()),
}


def module_name(rule_id: str) -> str:
    """The module of checks/rules/ that holds a rule: alert/for → alert_for."""
    return rule_id.replace("/", "_").replace("-", "_")


_instances: dict[str, Rule] = {}


def _load(name: str) -> Rule:
    """The rule of the module `name` of checks/rules/ (one instance per run)."""
    if name not in _instances:
        module = importlib.import_module(f"{_rules_package.__name__}.{name}")
        classes = [value for value in vars(module).values()
                   if isinstance(value, type) and issubclass(value, Rule)
                   and value.__module__ == module.__name__]
        if len(classes) != 1 or module_name(classes[0].id) != name:
            raise ImportError(f"{module.__name__} must hold one rule whose id it is named "
                              f"after; it holds {[c.id for c in classes]}")
        _instances[name] = classes[0]()
    return _instances[name]


def _discover() -> list[Rule]:
    import pkgutil  # here: lint of rule files imports only the rules it runs (hooked)

    return [_load(info.name) for info in sorted(pkgutil.iter_modules(_rules_package.__path__),
                                                key=lambda m: m.name)]


def hooked(hooks: Iterable[str], sites: Iterable[str] = ()) -> list[Rule]:
    """The rules with one of `hooks`, in ALL's order; a `query` rule only if it looks at one of
    `sites`. Only their modules are imported."""
    hooks, sites = set(hooks), set(sites)
    return [_load(name) for name, (its_hooks, its_sites) in sorted(HOOKED.items())
            if any(hook in hooks and (hook != "query" or sites & set(its_sites))
                   for hook in its_hooks)]


# Made when first read (PEP 562's module __getattr__): see _every().
ALL: list[Rule]
BY_ID: dict[str, Rule]
BY_FORMER_ID: dict[str, Rule]
_every_rule: dict[str, Any] = {}


def _every() -> dict[str, Any]:
    if not _every_rule:
        every = _discover()
        _every_rule.update(ALL=every, BY_ID={rule.id: rule for rule in every},
                           BY_FORMER_ID={former: rule for rule in every
                                         for former in rule.former_ids})
    return _every_rule


def __getattr__(name: str) -> Any:
    if name not in ("ALL", "BY_ID", "BY_FORMER_ID"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _every()[name]


class UnknownRule(KeyError):
    pass


def get(rule_id: str) -> Rule:
    """The rule of this id; UnknownRule if no rule has it."""
    by_id: dict[str, Rule] = _every()["BY_ID"]
    try:
        return by_id[rule_id]
    except KeyError:
        raise UnknownRule(rule_id) from None


def named(rule_id: str) -> Rule | None:
    """The rule a user means by `rule_id`: its id, or an id it had before a rename."""
    by_id: dict[str, Rule] = _every()["BY_ID"]
    by_former_id: dict[str, Rule] = _every()["BY_FORMER_ID"]
    return by_id.get(rule_id) or by_former_id.get(rule_id)
