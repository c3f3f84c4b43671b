"""What makes the declarations impossible to build: the structural rules (dashsmith.checks)
run on the Python declarations, and the dashboards the renderer cannot lay out. build refuses
on any of these; lint reports them under the same ids, which are the ids the same mistakes have
in the files lint reads. For rules, that is whatever would make Prometheus refuse to load the
rule file (apart from PromQL and template syntax, which lint checks)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dashsmith.checks import registry
from dashsmith.checks.context import Context
from dashsmith.checks.rules import promql_version
from dashsmith.checks.rules.dashboard_layout import DashboardLayout
from dashsmith.checks.rules.panel_options import PanelOptions
from dashsmith.checks.subjects import RuleFileDoc, declared_rule_files
from dashsmith.compiler.estate import Estate
from dashsmith.compiler.render import CompiledDashboard, PanelRefused, render_dashboard
from dashsmith.model.dashboard import Dashboard
from dashsmith.model.problems import Problem

STRUCTURAL = [rule for rule in registry.ALL if rule.structural]


def problems(estate: Estate) -> list[Problem]:
    return check(estate)[0]


def check(estate: Estate) -> tuple[list[Problem], list[RuleFileDoc]]:
    """The structural problems of the declarations, sorted by place, and each module's rule
    file as build compiles it (lint goes on to check its rules)."""
    settings = estate.settings
    context = Context(estate.catalog, settings.scrape_interval, root=settings.root,
                      prometheus=promql_version.of(settings))
    rule_files = declared_rule_files(estate)
    found: list[Problem] = []
    for rule in STRUCTURAL:
        found.extend(rule.declared(estate, context))
        for rule_file in rule_files:
            found.extend(rule.rule_file(rule_file, context))
    return sorted(found, key=lambda p: (p.source, p.rule)), rule_files


def rendered(dashboards: Iterable[Dashboard], problems: list[Problem]
             ) -> Iterator[CompiledDashboard]:
    """Each dashboard as the renderer lays it out, one at a time (build keeps them, lint
    checks each and lets it go). One the renderer cannot render is left out and is a finding
    in `problems` instead: panel/options where grafanalib refuses a panel's options,
    dashboard/layout for any other failure, unless `problems` already says why its layout is
    wrong."""
    laid_out_wrong = {p.source for p in problems if p.rule == DashboardLayout.id}
    for dashboard in dashboards:
        try:
            compiled = render_dashboard(dashboard)
        except PanelRefused as refusal:
            problem = PanelOptions().refused(refusal)
            if problem not in problems:  # a panel object shared by two dashboards: once
                problems.append(problem)
            continue
        except Exception as error:  # noqa: BLE001 - any failure of the renderer is a finding
            if dashboard.source not in laid_out_wrong:
                problems.append(DashboardLayout().cannot_render(dashboard, error))
            continue
        yield compiled
