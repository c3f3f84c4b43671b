"""dashsmith lint: offline checks of PromQL, alert rules and dashboards, with findings that
point at the Python line that declared the thing (or the line in a JSON/YAML file).

  lint_project(project)      the declared estate: what build refuses (validate), every lint
                             rule (the alert unit tests' coverage and the routing's among them);
                             after suppressions
  lint_paths(paths, project) Grafana dashboard JSON and Prometheus rule files, also ones
                             dashsmith did not write

With tools=True they also run `promtool check rules` (and `amtool check-config` on the
routing). The rules live below the commands, in dashsmith.checks (one file each, used by build
too); the PromQL analysis they share is dashsmith.promql.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable

from dashsmith import promql
from dashsmith.checks import registry, suppress
from dashsmith.checks.context import PROMETHEUS, Context
from dashsmith.checks.rules import alert_severity, promql_version
from dashsmith.checks.rules.file_format import FileFormat
from dashsmith.checks.subjects import RuleDoc, declared_rule_files
from dashsmith.compiler.gc_pause import no_cycle_collection
from dashsmith.linter import inputs as reading, runner
from dashsmith.model.problems import DeclarationError, Problem, Severity
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source

__all__ = ["lint_paths", "lint_project"]


def lint_project(project, *, tools: bool = False) -> list[Problem]:
    """Every offline finding for the declared estate, after suppressions (sorted by place).
    With tools=True, also promtool's findings on the compiled rule files and amtool's on the
    compiled routing (raises promtool.PromtoolMissing or amtool.AmtoolMissing if a tool is
    required and not installed)."""
    with no_cycle_collection():
        return _lint_project(project, tools)


def _lint_project(project, tools: bool) -> list[Problem]:
    inputs = reading.declared(project)
    settings = project.settings
    catalog = inputs.estate.catalog if inputs.estate else None
    context = Context(catalog, settings.scrape_interval, _records(inputs.rules), project.root,
                      _severities(settings), promql_version.of(settings))
    compiled = {rule_file.name: rule_file.data for rule_file in inputs.rule_files}
    suite = None
    if inputs.estate is not None:
        from dashsmith.linter import alert_tests  # the declared estate's: lint of files has none

        suite = alert_tests.load(settings, inputs.rules, compiled, inputs.problems)
    problems = runner.run(inputs, context, registry.ALL, suite)
    if tools and inputs.estate is not None:
        problems += _amtool(inputs.estate, problems)
    if tools:
        problems = _with_promtool(problems, list(compiled.items()), inputs.rules,
                                  context.prometheus)
    suppressions = suppress.of_project(settings, problems)  # a malformed one is a finding
    return _sorted(suppress.apply(problems, suppressions, "lint"))


def lint_paths(paths: list[str], project=None, *, tools: bool = False,
               workers: int | None = None) -> list[Problem]:
    """Findings in dashboard JSON and rule YAML files (and directories of them). With a
    project, its catalog, recording rules, scrape interval and suppressions apply. A Python
    module given (dashboards/ai.py) is linted as the declarations it holds: the project's
    findings in it. The files are checked by `workers` processes (by default as many as
    there are CPUs and work for them: runner.workers_for); the findings are the same."""
    modules = _modules(paths)
    with no_cycle_collection():
        problems = _lint_paths([p for p in paths if not p.endswith(".py")], project, tools,
                               workers) if len(modules) < len(paths) or not paths else []
    if not modules:
        return problems
    if project is None:
        return _sorted(problems + [FileFormat().module_outside_project(Source(path, 1))
                                   for path in modules])
    wanted = {os.path.abspath(path) for path in modules}
    declared = [p for p in lint_project(project, tools=tools)
                if os.path.abspath(p.source.file) in wanted]
    return _sorted(problems + declared)


def _catalog_and_rules(project):
    """What lint of files needs of the declarations, the catalog and the recording rules: the
    estate without its dashboards, unless the whole estate is loaded already (importing the
    dashboards, and grafanalib with them, is most of a project's load)."""
    if "estate" in vars(project):  # Project.estate, a cached property, was read
        return project.estate
    from dashsmith.compiler.discover import load_estate

    return load_estate(project.settings, dashboards=False)


def _modules(paths: list[str]) -> list[str]:
    """The Python modules among `paths` (given by name, or in a directory given)."""
    found = []
    for path in paths:
        if path.endswith(".py") and not os.path.isdir(path):
            found.append(path)
        elif os.path.isdir(path):
            for directory, subdirs, names in os.walk(path):
                subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "__")))
                found += [os.path.join(directory, n) for n in sorted(names) if n.endswith(".py")
                          and n != "__init__.py"]
    return found


def _lint_paths(paths: list[str], project, tools: bool, workers: int | None) -> list[Problem]:
    inputs = reading.from_paths(paths)
    catalog, records, root, severities = None, _records(inputs.rules), None, None
    interval = Settings.scrape_interval  # the default of [dashsmith], without a project
    version = PROMETHEUS
    if project is not None:
        interval, root = project.settings.scrape_interval, project.root
        severities, version = _severities(project.settings), promql_version.of(project.settings)
        try:
            estate = _catalog_and_rules(project)
        except DeclarationError:
            estate = None
        if estate is not None:
            catalog = estate.catalog
            records += _records(rule for rule_file in declared_rule_files(estate)
                                for rule in rule_file.rules)
    rules = runner.rules_for(inputs)
    if workers is None:
        workers = runner.workers_for(runner.work_of(inputs))
    problems = runner.run(inputs, Context(catalog, interval, records, root, severities, version),
                          rules, workers=workers)
    rule_paths = sorted({rule_file.name for rule_file in inputs.rule_files})
    if tools:
        # A manifest's rules are checked as the rule file its spec is.
        checked = [(rule_file.name, (rule_file.promtool_text or _plain(rule_file.data))
                    if rule_file.manifest else None) for rule_file in inputs.rule_files]
        problems = _with_promtool(problems, checked, inputs.rules, version)
    suppressions = suppress.project(project.settings, problems) if project else []
    for suppression in suppressions:
        suppression.used.update(suppression.rules)  # other files may need it: never "unused"
    suppressions += suppress.comments(rule_paths, problems)
    return _sorted(suppress.apply(problems, suppressions, "lint"))


def _plain(data):
    """Data read from YAML (with its positions) as plain dicts and lists, to be written out."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


def _severities(settings) -> tuple[str, ...]:
    return alert_severity.allowed(settings.sections.get(suppress.SECTION) or {})


def _records(rules) -> list:
    return [rule for rule in rules if not rule.is_alert]


def _amtool(estate, problems: list[Problem]) -> list[Problem]:
    """amtool's findings on the compiled routing; none while the routing has errors of its own
    (amtool would only refuse the same mistake again)."""
    from dashsmith.linter import amtool  # lint --no-tools of files needs no tool

    path = amtool.find()
    if path is None or any(p.rule.startswith("routing/") and p.severity is Severity.ERROR
                           for p in problems):
        return []
    return amtool.check_config(path, estate)


# What Prometheus itself refuses, which lint reports too: promtool's finding about the same
# rule is the same problem, reported once (lint's, at the character it is about).
_REFUSED_BY_PROMETHEUS = frozenset({"promql/syntax", "promql/empty", "rule/format", "rule/expr",
                                    "rule/kind", "alert/for", "file/parse", "file/format",
                                    "promql/version"})


def _with_promtool(problems: list[Problem], files, rules, target: int) -> list[Problem]:
    """promtool's findings that lint has not made itself. A promtool older than the
    Prometheus the rules target (Debian's 2.42 for rules written for 3) refuses the newer
    syntax: such a refusal, on a rule whose expression lint's parser (of the newer PromQL)
    read, is set aside, and that it was is said once."""
    from dashsmith.linter import promtool  # lint --no-tools needs no tool

    path = promtool.find()
    if path is None or not files:
        return problems
    rule_at = _RuleAt(rules)
    reported = {rule_at(p.source) for p in problems
                if p.severity is Severity.ERROR and p.rule in _REFUSED_BY_PROMETHEUS}
    found = [(problem, rule_at(problem.source))
             for problem in promtool.check_rules(path, files, rules)]
    found = [(problem, place) for problem, place in found if place not in reported]
    # Asked only when promtool refused syntax (a second promtool process, for its version).
    refusals = [p for p, _ in found if promtool.SYNTAX_REFUSAL.search(p.message)]
    version = promtool.major_version(path) if refusals else None
    readable: set[tuple[str, int]] = set()
    if version is not None and version < target:
        readable = {rule_at(rule.source) for rule in rules
                    if promql.parse(rule.expr, grafana=False).error is None}
    older = version is not None and version < target
    # a newer group field is no rule's: it is set aside wherever it is
    set_aside = [p for p, place in found if p in refusals and (
        place in readable or (older and promtool.NEWER_GROUP_FIELD.search(p.message)))]
    problems += [p for p, _ in found if p not in set_aside]
    if set_aside and version is not None:
        problems.append(promtool.older_than_target(set_aside[0], version))
    return problems


class _RuleAt:
    """The rule (its file and first line) a source falls in; the file's start before its first
    rule."""

    def __init__(self, rules: Iterable[RuleDoc]) -> None:
        self.starts: dict[str, list[int]] = {}
        for rule in rules:
            self.starts.setdefault(os.path.abspath(rule.source.file), []).append(rule.source.line)
        for lines in self.starts.values():
            lines.sort()

    def __call__(self, source) -> tuple[str, int]:
        file = os.path.abspath(source.file)
        lines = self.starts.get(file, [])
        index = bisect.bisect_right(lines, source.line) - 1
        return file, lines[index] if index >= 0 else 0


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.source.file, p.source.line, p.source.column,
                                           p.rule, p.message))
