"""Read what lint checks into subjects: the declared estate (rendered by the core) or Grafana
dashboard JSON and Prometheus rule files given as paths. Problems met while reading (a file
that does not parse, a rule that is neither alert nor record) are findings like any other."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator

from .. import validate
from ..estate import Estate, RuleFile
from ..problems import DeclarationError, Problem
from ..render import render_dashboard, render_rule_file
from ..rules import Alert, Record, RuleGroup
from ..source import Source
from . import locate
from .rules import structure
from .subjects import DashboardDoc, RuleDoc

RULE_FILE_SUFFIXES = (".yml", ".yaml")


@dataclass
class Inputs:
    dashboards: Iterator[DashboardDoc]  # one at a time: an estate can be large
    rules: list[RuleDoc]
    problems: list[Problem] = field(default_factory=list)
    rule_files: dict[str, dict] = field(default_factory=dict)  # compiled, by module name
    rule_paths: list[str] = field(default_factory=list)  # rule files given as paths
    estate: Estate | None = None


# --- the declared estate ---------------------------------------------------------------------

def declared(project) -> Inputs:
    try:
        estate = project.estate
    except DeclarationError as error:
        return Inputs(iter(()), [], list(error.problems))
    problems = validate.problems(estate)
    rules, rule_files = declared_rules(estate)
    return Inputs(_declared_dashboards(estate, problems), rules, problems, rule_files,
                  estate=estate)


def _declared_dashboards(estate: Estate, problems: list[Problem]) -> Iterator[DashboardDoc]:
    reported = {p.source for p in problems if p.rule == structure.DashboardLayout.id}
    for dashboard in estate.dashboards:
        try:
            compiled = render_dashboard(dashboard)
        except DeclarationError as error:  # what build reports, as build reports it
            problems.extend(p for p in error.problems if p not in problems)
            continue
        except Exception as error:  # a declaration the renderer cannot handle is reported
            if dashboard.source in reported:
                continue  # validate said why
            problems.append(structure.DashboardLayout().problem(
                f"dashboard '{dashboard.uid}' cannot be rendered: {type(error).__name__}: "
                f"{error}", dashboard.source))
            continue
        yield DashboardDoc(
            compiled.json, compiled.source, False,
            panel_source=lambda panel, c=compiled: c.panel_sources.get(panel.get("id"), c.source),
            target_source=lambda panel, target, c=compiled: c.target_sources.get(
                (panel.get("id"), target.get("refId")), c.panel_sources.get(panel.get("id"),
                                                                            c.source)),
            variable_source=lambda variable, c=compiled: c.variable_sources.get(
                variable.get("name"), c.source),
        )


def declared_rules(estate: Estate) -> tuple[list[RuleDoc], dict[str, dict]]:
    """Rules as compiled into rule files; rules validate rejects are left out (it reports them)."""
    docs, compiled = [], {}
    for rule_file in sorted(estate.rule_files, key=lambda rf: rf.name):
        groups = [RuleGroup(g.name, [r for r in g.rules if _buildable(r)], g.interval, g.source)
                  for g in rule_file.groups]
        data = render_rule_file(RuleFile(rule_file.name, groups, rule_file.source),
                                estate.settings)
        compiled[rule_file.name] = data
        for group, group_data in zip(groups, data["groups"]):
            for rule, rule_data in zip(group.rules, group_data["rules"]):
                docs.append(RuleDoc(rule_data, group.name, rule_file.name, rule.source,
                                    rule.source, external=False))
    return docs, compiled


def _buildable(rule) -> bool:
    return isinstance(rule, (Alert, Record)) and bool((rule.expr or "").strip())


# --- files given as paths -------------------------------------------------------------------

def from_paths(paths: list[str]) -> Inputs:
    problems: list[Problem] = []
    dashboards: list[DashboardDoc] = []
    rules: list[RuleDoc] = []
    rule_paths: list[str] = []
    for path, explicit in _files(paths):
        if path.endswith(".json"):
            doc = _dashboard_file(path, explicit, problems)
            if doc is not None:
                dashboards.append(doc)
        else:
            found = _rule_file(path, explicit, problems)
            if found is not None:
                rules.extend(found)
                rule_paths.append(path)
    return Inputs(iter(dashboards), rules, problems, rule_paths=rule_paths)


def _files(paths: list[str]):
    """(path, given explicitly) for each file to read; directories are searched for
    dashboards (*.json) and rule files (*.yml, *.yaml)."""
    for path in paths:
        if not os.path.isdir(path):
            yield path, True
            continue
        for directory, subdirs, files in os.walk(path):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith((".json",) + RULE_FILE_SUFFIXES):
                    yield os.path.join(directory, name), False


def _read(path: str, problems: list[Problem]):
    """(data, text) of a file; None if it cannot be read or parsed (a finding says why)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        problems.append(structure.FileParse().problem(f"cannot read: {error}", Source(path, 1)))
        return None
    try:
        data = locate.load_json(text) if path.endswith(".json") else locate.load_yaml(text)
    except locate.FormatError as error:
        problems.append(structure.FileParse().problem(str(error),
                                                      Source(path, error.line, error.column)))
        return None
    return data, text


def _dashboard_file(path: str, explicit: bool, problems: list[Problem]) -> DashboardDoc | None:
    read = _read(path, problems)
    if read is None:
        return None
    data, text = read
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data = data["dashboard"]  # the HTTP API's envelope
    if not isinstance(data, dict) or not isinstance(data.get("panels", []), list):
        if explicit:
            problems.append(structure.FileFormat().problem(
                "not a Grafana dashboard: expected a JSON object with 'panels'",
                Source(path, locate.line_of(data))))
        return None

    def at(obj) -> Source:
        return Source(path, locate.line_of(obj, 1))

    def expr_start(target) -> Source | None:
        found = locate.json_string_start(text, target, "expr")
        return Source(path, *found) if found else None

    return DashboardDoc(data, at(data), True, panel_source=at,
                        target_source=lambda panel, target: at(target), variable_source=at,
                        expr_start=expr_start)


def _rule_file(path: str, explicit: bool, problems: list[Problem]) -> list[RuleDoc] | None:
    read = _read(path, problems)
    if read is None:
        return None
    data, text = read
    if not isinstance(data, dict) or "groups" not in data:
        if explicit:
            problems.append(structure.RuleFormat().problem(
                "not a Prometheus rule file: expected a mapping with 'groups'",
                Source(path, locate.line_of(data))))
        return None
    return list(_rule_docs(path, data, text.splitlines(), problems))


def _rule_docs(path: str, data: dict, lines: list[str], problems) -> Iterator[RuleDoc]:
    form = structure.RuleFormat()
    groups = data.get("groups")
    if not isinstance(groups, list):
        problems.append(form.problem("'groups' must be a list of groups",
                                     Source(path, data.line)))
        return
    names: dict[str, int] = {}
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("rules", []), list):
            problems.append(form.problem("a group must be a mapping with 'name' and a list "
                                         "'rules'", Source(path, locate.line_of(group))))
            continue
        name = group.get("name")
        if not isinstance(name, str) or not name:
            problems.append(form.problem("group has no name", Source(path, group.line)))
            name = ""
        elif name in names:
            problems.append(form.problem(f"group '{name}' is repeated (first on line "
                                         f"{names[name]})", Source(path, group.line)))
        names.setdefault(name, group.line)
        for index, rule in enumerate(group.get("rules") or [], start=1):
            doc = _rule_doc(path, name, index, rule, lines, problems)
            if doc is not None:
                yield doc


def _rule_doc(path, group: str, index: int, rule, lines, problems) -> RuleDoc | None:
    source = Source(path, locate.line_of(rule))
    if not isinstance(rule, dict):
        problems.append(structure.RuleFormat().problem(
            f"rule #{index} of group '{group}' is not a mapping", source))
        return None
    if ("alert" in rule) == ("record" in rule):
        keys = "both 'alert' and 'record'" if "alert" in rule else "neither 'alert' nor 'record'"
        problems.append(structure.RuleKind().problem(
            f"rule #{index} of group '{group}' has {keys}", source))
        return None
    if not str(rule.get("expr") or "").strip():
        problems.append(structure.RuleExpr().problem("rule has no expression", source))
        return None
    line, column, block = locate.value_position(rule, "expr") or (source.line, 0, False)
    if block and line <= len(lines):  # columns count from the block's indentation
        column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
    return RuleDoc(rule, group, path, source, Source(path, line, column), external=True,
                   expr_follows_lines=block)
