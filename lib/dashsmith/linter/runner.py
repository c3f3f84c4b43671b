"""Run the rules over what was read: the declarations as a whole, each dashboard and its
queries, each rule file, each rule and its expression, the alert unit tests. Dashboards pass
one at a time, so a large estate is never held in memory at once.

What was declared was checked as build checks it (validate): the structural rules look here
only at what was read from files, the others at everything."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from dashsmith.checks import registry
from dashsmith.checks.context import Context
from dashsmith.checks.rule import HOOKS, Rule
from dashsmith.checks.subjects import QuerySite, dashboard_sites, rule_site
from dashsmith.linter.inputs import Inputs
from dashsmith.model.problems import Problem

if TYPE_CHECKING:  # the alert unit tests are the declared estate's: lint of files needs none
    from dashsmith.linter.alert_tests import Suite


def rules_for(inputs: Inputs, suite: Suite | None = None) -> list[Rule]:
    """The rules that look at something `inputs` holds (a rule file's, a dashboard's, ...):
    only their modules are imported. Peeks at the dashboards (an iterator) to know if any."""
    hooks, sites = set(), set()
    if inputs.estate is not None:
        hooks.add("declared")
    first = next(inputs.dashboards, None)
    if first is not None:
        inputs.dashboards = itertools.chain([first], inputs.dashboards)
        hooks |= {"dashboard", "query"}
        sites |= {"panel", "variable"}
    if inputs.rule_files:
        hooks |= {"rule_file", "rule", "query"}
        sites.add("rule")
    if suite is not None:
        hooks.add("alert_tests")
    return registry.hooked(hooks, sites)


def run(inputs: Inputs, context: Context, rules: list[Rule],
        suite: Suite | None = None) -> list[Problem]:
    problems: list[Problem] = []
    hooked = {hook: [rule for rule in rules if hook in rule.hooks()] for hook in HOOKS}
    declared_hooked = {hook: [rule for rule in hooked[hook] if not rule.structural]
                       for hook in HOOKS}
    by_kind = {kind: [rule for rule in hooked["query"] if kind in rule.sites]
               for kind in ("panel", "variable", "rule")}
    errors_by_kind = {kind: [rule for rule in kind_rules if rule.query_errors]
                      for kind, kind_rules in by_kind.items()}

    def check(site: QuerySite) -> None:
        chosen = by_kind if site.expression.error is None else errors_by_kind
        for rule in chosen[site.kind]:
            problems.extend(rule.query(site, context))

    if inputs.estate is not None:
        for rule in declared_hooked["declared"]:
            problems.extend(rule.declared(inputs.estate, context))
    for doc in inputs.dashboards:
        for rule in (hooked if doc.external else declared_hooked)["dashboard"]:
            problems.extend(rule.dashboard(doc, context))
        for site in dashboard_sites(doc):
            check(site)
    for rule_file in inputs.rule_files:
        for rule in (hooked if rule_file.external else declared_hooked)["rule_file"]:
            problems.extend(rule.rule_file(rule_file, context))
        for rule_doc in rule_file.rules:
            for rule in (hooked if rule_doc.external else declared_hooked)["rule"]:
                problems.extend(rule.rule(rule_doc, context))
            check(rule_site(rule_doc))
    if suite is not None:
        for rule in hooked["alert_tests"]:
            problems.extend(rule.alert_tests(suite, context))
    # Read after the dashboards went by: rendering one can add a problem.
    return list(inputs.problems) + problems
