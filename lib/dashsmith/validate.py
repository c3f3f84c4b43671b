"""Structural checks that make an estate impossible to build: build refuses on any of these,
and lint reports them with the same rule ids. For rules, that is whatever would make
Prometheus refuse to load the rule file (apart from PromQL and template syntax, which lint
checks)."""

from __future__ import annotations

import re

from . import durations
from .dashboard import Row
from .estate import Estate
from .problems import Problem, Severity
from .promql.names import LABEL_NAME, METRIC_NAME
from .rules import Alert, Record
from .source import Source

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_FOLDER_DEPTH = 4
NOT_A_DURATION = f"is not a Prometheus duration ({durations.EXAMPLES})"


def problems(estate: Estate) -> list[Problem]:
    found: list[Problem] = []
    found += _metric_problems(estate)
    found += _dashboard_problems(estate)
    found += _rule_problems(estate)
    found += _rule_file_problems(estate)
    return sorted(found, key=lambda p: (p.source, p.rule))


def _error(rule: str, message: str, source) -> Problem:
    return Problem(rule, Severity.ERROR, message, source)


def _where(source: Source, estate: Estate) -> str:
    """A location inside a message, relative to the project like the problem's own."""
    return str(source.relative_to(estate.settings.root))


def _metric_problems(estate: Estate) -> list[Problem]:
    found, seen = [], {}
    for metric in estate.catalog.declared:
        if metric.name in seen:
            found.append(_error("catalog/duplicate", f"metric '{metric.name}' is declared twice "
                                f"(first at {_where(seen[metric.name], estate)})", metric.source))
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
                                f"also used at {_where(uids[dashboard.uid], estate)}",
                                dashboard.source))
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
        elif panel.needs_queries:
            found += [_error("panel/no-targets", f"panel '{panel.title}' has an empty query",
                             query.source)
                      for query in panel.queries
                      if not str(query.expr or "").strip() and _is_promql(panel, query)]
    return found


def _is_promql(panel, query) -> bool:
    """Whether a query is PromQL: its data source (or else its panel's) is the dashboard's,
    Prometheus or a variable. Other data sources (e.g. from an imported dashboard) have no
    `expr` to check."""
    return is_promql_datasource(query.datasource or panel.extra.get("datasource")
                                or panel.recipe.get("dataSource"))


def is_promql_datasource(datasource) -> bool:
    """Whether queries on `datasource` (a name, a {type, uid} reference, or None for the
    dashboard's) are PromQL: the default, Prometheus, or a variable."""
    if datasource is None:
        return True
    if isinstance(datasource, str):
        return datasource.startswith("$") or "prometheus" in datasource.lower() \
            or datasource in ("default", "-- Mixed --")
    if isinstance(datasource, dict):
        return datasource.get("type") in (None, "prometheus") \
            or str(datasource.get("uid") or "").startswith("$")
    return False


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
        elif isinstance(rule, Alert):
            found += _alert_format_problems(rule)
        else:
            found += _record_format_problems(rule)
    return found


def _alert_format_problems(alert: Alert) -> list[Problem]:
    if not alert.name:
        return [_error("rule/kind", "alert has no name", alert.source)]
    found = [_format(f"alert '{alert.name}': {key} {value!r} {NOT_A_DURATION}", alert.source)
             for key, value in (("for", alert.for_), ("keep_firing_for", alert.keep_firing_for))
             if value and not durations.is_duration(value)]
    found += _name_problems(f"alert '{alert.name}'", alert.labels, alert.annotations,
                            alert.source)
    return found


def _record_format_problems(record: Record) -> list[Problem]:
    found = []
    if not METRIC_NAME.match(str(record.record or "")):
        found.append(_format(f"record {record.record!r} is not a valid metric name (use "
                             "letters, digits, _ and :, e.g. 'job:errors:rate5m')",
                             record.source))
    found += _name_problems(f"record '{record.record}'", record.labels, (), record.source)
    return found


def _name_problems(rule: str, labels, annotations, source: Source) -> list[Problem]:
    found = [_format(f"{rule}: label name {name!r} is invalid (use letters, digits and _, not "
                     "starting with a digit, and not __name__)", source)
             for name in labels if not LABEL_NAME.match(str(name)) or name == "__name__"]
    found += [_format(f"{rule}: annotation name {name!r} is invalid (use letters, digits and "
                      "_, not starting with a digit)", source)
              for name in annotations if not LABEL_NAME.match(str(name))]
    return found


def _rule_file_problems(estate: Estate) -> list[Problem]:
    """Group names and intervals, which Prometheus checks per rule file."""
    found = []
    for rule_file in estate.rule_files:
        seen: dict[str, Source] = {}
        for group in rule_file.groups:
            if not group.name:
                found.append(_format("rule group has no name", group.source))
            elif group.name in seen:
                found.append(_format(f"rule group '{group.name}' is declared twice in one "
                                     f"module (first at {_where(seen[group.name], estate)})",
                                     group.source))
            seen.setdefault(group.name, group.source)
            if group.interval and not durations.is_duration(group.interval):
                found.append(_format(f"rule group '{group.name}': interval "
                                     f"{group.interval!r} {NOT_A_DURATION}", group.source))
    return found


def _format(message: str, source: Source) -> Problem:
    """A rule or group Prometheus would refuse to load."""
    return _error("rule/format", message, source)
