"""Read what lint checks into subjects: the declared estate (rendered by the core, checked by
validate as build checks it) or Grafana dashboard JSON and Prometheus rule files given as
paths. Reading judges nothing but whether a file can be read at all (file/parse, file/format):
the rules say what is wrong with what was read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashsmith.checks.rules.file_format import FileFormat
from dashsmith.checks.rules.file_parse import FileParse
from dashsmith.checks.subjects import (
    DashboardDoc,
    GroupDoc,
    RuleDoc,
    RuleFileDoc,
    is_rule,
    is_rule_file,
)
from dashsmith.linter import locate
from dashsmith.model.problems import DeclarationError, Problem
from dashsmith.model.source import Source

if TYPE_CHECKING:
    from dashsmith.compiler.estate import Estate
    from dashsmith.compiler.render import CompiledDashboard

RULE_FILE_SUFFIXES = (".yml", ".yaml")


@dataclass
class Inputs:
    dashboards: Iterator[DashboardDoc]  # one at a time: an estate can be large
    rule_files: list[RuleFileDoc]
    problems: list[Problem] = field(default_factory=list)
    estate: Estate | None = None

    @property
    def rules(self) -> list[RuleDoc]:
        return [rule for rule_file in self.rule_files for rule in rule_file.rules]


# --- the declared estate ---------------------------------------------------------------------

def declared(project) -> Inputs:
    # Imported here: build's checks and renderer are for declarations; lint of files given as
    # paths (rule files above all) starts faster without them.
    from dashsmith.compiler import validate

    try:
        estate = project.estate
    except DeclarationError as error:
        return Inputs(iter(()), [], list(error.problems))
    problems, rule_files = validate.check(estate)
    return Inputs(_declared_dashboards(estate, problems), rule_files, problems, estate=estate)


def _declared_dashboards(estate: Estate, problems: list[Problem]) -> Iterator[DashboardDoc]:
    from dashsmith.compiler import validate

    for compiled in validate.rendered(estate.dashboards, problems):
        yield _declared_dashboard(compiled)


def _declared_dashboard(c: CompiledDashboard) -> DashboardDoc:
    # The source maps never hold a None key, so a missing id, refId or name finds no entry.
    def panel_source(panel: dict) -> Source:
        panel_id = panel.get("id")
        return c.source if panel_id is None else c.panel_sources.get(panel_id, c.source)

    def target_source(panel: dict, target: dict) -> Source:
        panel_id, ref_id = panel.get("id"), target.get("refId")
        if panel_id is None:
            return c.source
        fallback = c.panel_sources.get(panel_id, c.source)
        return fallback if ref_id is None else c.target_sources.get((panel_id, ref_id), fallback)

    def variable_source(variable: dict) -> Source:
        name = variable.get("name")
        return c.source if name is None else c.variable_sources.get(name, c.source)

    return DashboardDoc(c.json, c.source, False, panel_source=panel_source,
                        target_source=target_source, variable_source=variable_source)


# --- files given as paths -------------------------------------------------------------------

def from_paths(paths: list[str]) -> Inputs:
    problems: list[Problem] = []
    dashboards: list[DashboardDoc] = []
    rule_files: list[RuleFileDoc] = []
    for path, explicit in _files(paths):
        if path.endswith(".py"):
            continue  # declarations: the engine lints them as its project's
        if path.endswith(".json"):
            doc = _dashboard_file(path, explicit, problems)
            if doc is not None:
                dashboards.append(doc)
        else:
            rule_files += _rule_files(path, explicit, problems)
    return Inputs(iter(dashboards), rule_files, problems)


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
                if name.endswith((".json", *RULE_FILE_SUFFIXES)):
                    yield os.path.join(directory, name), False


def _dashboard_file(path: str, explicit: bool, problems: list[Problem]) -> DashboardDoc | None:
    read = locate.read(path, problems)
    if read is None:
        return None
    data, text = read
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data = data["dashboard"]  # the HTTP API's envelope
    if not isinstance(data, dict) or not isinstance(data.get("panels", []), list):
        if explicit:
            problems.append(FileFormat().not_a_dashboard(Source(path, locate.line_of(data))))
        return None

    def at(obj) -> Source:
        return Source(path, locate.line_of(obj, 1))

    lines = locate.LineCounter(text)

    def expr_start(target) -> Source | None:
        found = locate.json_string_start(text, target, "expr", lines)
        return Source(path, *found) if found else None

    return DashboardDoc(data, at(data), True, panel_source=at,
                        target_source=lambda panel, target: at(target), variable_source=at,
                        expr_start=expr_start)


def _rule_files(path: str, explicit: bool, problems: list[Problem]) -> list[RuleFileDoc]:
    """The rule file at `path`, or the rules of the Kubernetes PrometheusRule manifests in it
    (prometheus-operator's, which hold a rule file's groups in `spec`: one per document, or
    the items of a `kind: List`); a YAML file found in a directory that is neither is left
    alone (one given by name is rule/format's to report)."""
    read = locate.read(path, problems)
    if read is None:
        return []
    data, text = read
    documents = [d for d in data if d is not None] \
        if isinstance(data, locate.Documents) else [data]
    manifests = [m for d in documents for m in _manifests(d)]
    if manifests:  # other kinds beside them (a Deployment, a Service) are not lint's
        return [_rule_file(path, manifest["spec"], text, manifest=True)
                for manifest in manifests]
    if len(documents) > 1 and not explicit:
        return []  # Kubernetes manifests of other kinds, found in a directory
    if len(documents) > 1:
        problems.append(FileParse().unparsable(path, "invalid YAML: expected one document, "
                                               "found more", locate.line_of(documents[1]), 0))
        return []
    data = documents[0] if documents else None
    if not is_rule_file(data) and not explicit:
        return []
    return [_rule_file(path, data, text)]


def _manifests(document) -> list[dict]:
    """The PrometheusRule manifests a YAML document is or holds: `kubectl get prometheusrules
    -o yaml` writes them as the items of one `kind: List` (apiVersion v1)."""
    if _is_manifest(document):
        return [document]
    if isinstance(document, dict) and document.get("kind") == "List" \
            and isinstance(document.get("items"), list):
        return [item for item in document["items"] if _is_manifest(item)]
    return []


def _is_manifest(data) -> bool:
    """A Kubernetes PrometheusRule (monitoring.coreos.com) whose spec can hold groups."""
    return (isinstance(data, dict) and data.get("kind") == "PrometheusRule"
            and isinstance(data.get("spec"), dict))


def _rule_file(path: str, data, text: str, manifest: bool = False) -> RuleFileDoc:
    lines = text.splitlines()
    groups = data.get("groups") if isinstance(data, dict) else None
    group_docs, rules = [], []
    for group in groups if isinstance(groups, list) else ():
        source = Source(path, locate.line_of(group))
        entries = group.get("rules") if isinstance(group, dict) else None
        entries = [(entry, Source(path, locate.line_of(entry, source.line)))
                   for entry in (entries if isinstance(entries, list) else ())]
        group_docs.append(GroupDoc(group, source, entries))
        rules += [_rule_doc(path, group.get("name"), entry, source, lines)
                  for entry, source in entries if is_rule(entry)]
    return RuleFileDoc(path, data, Source(path, locate.line_of(data)), True, group_docs, rules,
                       manifest=manifest,
                       promtool_text=_spec_text(lines, data) if manifest else None)


def _spec_text(lines: list[str], spec) -> str | None:
    """A manifest's spec as a rule file on the manifest's own lines (the others blank), so
    that promtool's line numbers are the manifest's; None for a spec written in flow style."""
    start = locate.line_of(spec) - 1  # the spec's first key
    if not 0 <= start < len(lines):
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if line.startswith(("---", "...")) or (
                stripped and not stripped.startswith("#")
                and len(line) - len(line.lstrip()) < indent):
            break
        end += 1
    # A comment or blank line may sit left of the spec's indentation (`# recording rules` at
    # column 0 between `groups:` and `- name:`): cut at the indentation it would become YAML
    # content ("cording rules"); kept as an empty line, the line numbers stay the manifest's.
    block = [line[indent:] if line[:indent].isspace() or not indent
             else "" for line in lines[start:end]]
    if not block[0][:1].isalpha():  # `spec: {groups: ...}` is not a block to cut out
        return None
    return "\n" * start + "\n".join(block) + "\n"


def _rule_doc(path: str, group, rule: dict, source: Source, lines: list[str]) -> RuleDoc:
    line, column, block = locate.value_position(rule, "expr") or (source.line, 0, False)
    if block and line <= len(lines):  # columns count from the block's indentation
        column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
    name = group if isinstance(group, str) else ""
    return RuleDoc(rule, name, path, source, Source(path, line, column), external=True,
                   expr_follows_lines=block)
