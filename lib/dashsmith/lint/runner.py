"""Run the rules over what was read: each dashboard and its queries, each rule and its
expression, the alert unit tests. Dashboards pass one at a time, so a large estate is never
held in memory at once."""

from __future__ import annotations

from ..problems import Problem
from .context import Context
from .inputs import Inputs
from .rule import HOOKS, Rule
from .subjects import dashboard_sites, rule_site


def run(inputs: Inputs, context: Context, rules: list[Rule], suite=None) -> list[Problem]:
    problems: list[Problem] = []
    hooked = {hook: [rule for rule in rules if hook in rule.hooks()] for hook in HOOKS}
    by_kind = {kind: [rule for rule in hooked["query"] if kind in rule.sites]
               for kind in ("panel", "variable", "rule")}
    errors_by_kind = {kind: [rule for rule in kind_rules if rule.query_errors]
                      for kind, kind_rules in by_kind.items()}

    def check(site):
        chosen = by_kind if site.expression.error is None else errors_by_kind
        for rule in chosen[site.kind]:
            problems.extend(rule.query(site, context))

    for doc in inputs.dashboards:
        for rule in hooked["dashboard"]:
            problems.extend(rule.dashboard(doc, context))
        for site in dashboard_sites(doc):
            check(site)
    for rule_doc in inputs.rules:
        for rule in hooked["rule"]:
            problems.extend(rule.rule(rule_doc, context))
        check(rule_site(rule_doc))
    if suite is not None:
        for rule in hooked["alert_tests"]:
            problems.extend(rule.alert_tests(suite, context))
    # Read after the dashboards went by: rendering one can add a problem.
    return list(inputs.problems) + problems
