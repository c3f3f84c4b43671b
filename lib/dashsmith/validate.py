"""What makes the declarations impossible to build: the structural rules (dashsmith.checks)
run on the Python declarations. build refuses on any of these; lint reports them under the
same ids, which are the ids the same mistakes have in the files lint reads. For rules, that is
whatever would make Prometheus refuse to load the rule file (apart from PromQL and template
syntax, which lint checks)."""

from __future__ import annotations

from .checks import registry
from .checks.context import Context
from .checks.subjects import RuleFileDoc, declared_rule_files
from .estate import Estate
from .problems import Problem

STRUCTURAL = [rule for rule in registry.ALL if rule.structural]


def problems(estate: Estate) -> list[Problem]:
    return check(estate)[0]


def check(estate: Estate) -> tuple[list[Problem], list[RuleFileDoc]]:
    """The structural problems of the declarations, sorted by place, and each module's rule
    file as build compiles it (lint goes on to check its rules)."""
    settings = estate.settings
    context = Context(estate.catalog, settings.scrape_interval, root=settings.root)
    rule_files = declared_rule_files(estate)
    found: list[Problem] = []
    for rule in STRUCTURAL:
        found.extend(rule.declared(estate, context))
        for rule_file in rule_files:
            found.extend(rule.rule_file(rule_file, context))
    return sorted(found, key=lambda p: (p.source, p.rule)), rule_files
