"""Structural checks that make an estate impossible to build: build refuses on any of these,
and lint reports them with the same rule ids."""

from __future__ import annotations

import re

from .dashboard import Row
from .estate import Estate
from .problems import Problem, Severity
from .rules import Alert, Record

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_FOLDER_DEPTH = 4


def problems(estate: Estate) -> list[Problem]:
    found: list[Problem] = []
    found += _metric_problems(estate)
    found += _dashboard_problems(estate)
    found += _rule_problems(estate)
    return sorted(found, key=lambda p: (p.source, p.rule))


def _error(rule: str, message: str, source) -> Problem:
    return Problem(rule, Severity.ERROR, message, source)


def _metric_problems(estate: Estate) -> list[Problem]:
    found, seen = [], {}
    for metric in estate.catalog.declared:
        if metric.name in seen:
            found.append(_error("catalog/duplicate", f"metric '{metric.name}' is declared twice "
                                f"(first at {seen[metric.name]})", metric.source))
        seen.setdefault(metric.name, metric.source)
    return found


def _dashboard_problems(estate: Estate) -> list[Problem]:
    found, uids = [], {}
    for dashboard in estate.dashboards:
        if not UID_PATTERN.match(dashboard.uid or "") or dashboard.uid == "general":
            found.append(_error("dashboard/uid", f"dashboard uid '{dashboard.uid}' is invalid: use "
                                "1-40 characters of A-Z a-z 0-9 _ - (and not 'general')",
                                dashboard.source))
        elif dashboard.uid in uids:
            found.append(_error("dashboard/duplicate-uid", f"dashboard uid '{dashboard.uid}' is "
                                f"also used at {uids[dashboard.uid]}", dashboard.source))
        uids.setdefault(dashboard.uid, dashboard.source)
        if not (dashboard.title or "").strip():
            found.append(_error("dashboard/title", "dashboard has no title", dashboard.source))
        if len([p for p in dashboard.folder.split("/") if p]) > MAX_FOLDER_DEPTH:
            found.append(_error("dashboard/folder", f"folder '{dashboard.folder}' is nested deeper "
                                f"than Grafana allows ({MAX_FOLDER_DEPTH})", dashboard.source))
        found += _panel_problems(dashboard)
    return found


def _panel_problems(dashboard) -> list[Problem]:
    found = []
    for item in dashboard.rows:
        if not isinstance(item, Row) and not hasattr(item, "queries"):
            found.append(_error("dashboard/layout", f"rows must be Row(...) or panels, not "
                                f"{type(item).__name__}", dashboard.source))
    for panel in dashboard.panels():
        if not hasattr(panel, "queries"):
            found.append(_error("dashboard/layout", f"not a panel: {type(panel).__name__} (wrap "
                                "grafanalib panels in panel(...))", dashboard.source))
        elif panel.needs_queries and not panel.queries:
            found.append(_error("panel/no-targets", f"panel '{panel.title}' has no query",
                                panel.source))
    return found


def _rule_problems(estate: Estate) -> list[Problem]:
    found = []
    for group, rule in estate.rules():
        if isinstance(rule, dict):
            keys = "both 'alert' and 'record'" if {"alert", "record"} <= rule.keys() else \
                "neither 'alert' nor 'record'"
            index = group.rules.index(rule) + 1
            found.append(_error("rule/kind", f"rule #{index} of group '{group.name}' has {keys}",
                                group.source))
        elif not isinstance(rule, (Alert, Record)):
            found.append(_error("rule/kind", f"rule of group '{group.name}' is a "
                                f"{type(rule).__name__}, not Alert or Record", group.source))
        elif not (rule.expr or "").strip():
            found.append(_error("rule/expr", "rule has no expression", rule.source))
    return found
