"""`dashsmith lint` and `dashsmith test`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import click
import yaml

from dashsmith.checks import registry
from dashsmith.checks.context import Context
from dashsmith.commands import problem_formats
from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    EXIT_WITHOUT_TEARDOWN,
    build_or_fail,
    fail,
    load_project,
)
from dashsmith.compiler.project import Project
from dashsmith.linter.engine import lint_paths, lint_project
from dashsmith.model.problems import Problem, Severity
from dashsmith.model.settings import NoProjectError, SettingsError
from dashsmith.model.source import Source

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="github: workflow commands that annotate the pull request's lines.")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="error",
              show_default=True, help="Exit 1 when a finding is at least this severe.")
@click.option("--explain", metavar="RULE", is_flag=False, flag_value="", default=None,
              help="Explain a rule, with an example; alone, list every rule.")
@click.option("--no-tools", is_flag=True,
              help="Skip `promtool check rules` and `amtool check-config` (run when installed).")
@click.pass_context
def lint(ctx, paths, output_format, fail_on, explain, no_tools):
    """Check PromQL, alert rules and dashboards.

    With no PATH, lints the declared estate; a PATH may be a Grafana dashboard JSON file, a
    Prometheus rule file, or a directory of them. Exit 0 clean, 1 findings, 2 could not run.
    """
    if explain is not None:
        click.echo(_explain(explain))
        return
    ctx.meta[EXIT_WITHOUT_TEARDOWN] = True  # what lint made is only freed by the exit
    project = _optional_project(ctx) if paths else load_project(ctx)
    missing: tuple[type[Exception], ...] = ()  # what stops lint: a tool required, not there
    if not no_tools:  # imported only then: lint --no-tools starts faster without them
        from dashsmith.linter import amtool, promtool

        missing = (promtool.PromtoolMissing, amtool.AmtoolMissing)
    try:
        if paths:
            problems = lint_paths(list(paths), project, tools=not no_tools)
        else:
            problems = lint_project(project, tools=not no_tools)
    except missing as error:
        fail(str(error))
    # Paths as the user reads them: from the project's root, or from here without a project.
    base = project.root if project is not None else os.getcwd()
    problems = _relative(problems, base)
    # Each format's lines written at once (a click.echo per line costs ~4 ms for 800).
    if output_format == "json":
        click.echo(problem_formats.as_json(problems))
    elif output_format == "github":
        if problems:
            click.echo("\n".join(problem_formats.github(problems)))
    else:
        if problems:
            click.echo("\n".join(problem_formats.text(problems)))
        click.echo(problem_formats.summary(problems), err=True)
    if any(p.severity >= FAIL_ON[fail_on] for p in problems):
        ctx.exit(EXIT_PROBLEMS)


@click.command()
@click.option("--run", "run", metavar="REGEX",
              help="Only the test groups whose name matches REGEX (searched, as promtool's "
                   "--run); files with none are skipped.")
@click.option("--junit", "junit", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also write the results as JUnit XML to FILE (one test case per test group, "
                   "and the routing), for CI test reports.")
@click.option("-v", "--verbose", count=True,
              help="Also list every alert with the receivers it reaches.")
@click.pass_context
def test(ctx, run, junit, verbose):
    """Run the alert unit tests (alerts/tests/*.test.yml) with `promtool test rules`, then
    route every alert through the declared routing.

    The rules are compiled into a temporary directory and each test file is put beside them,
    so `rule_files: [ai.yml]` names the compiled alerts/ai.py. One line per test file, then
    the failures in full and a summary, last, where a terminal leaves them in view. Exit 1
    when a test fails or an alert reaches no one or other receivers than it expects.
    """
    # Imported here: `dashsmith lint` (this module's other command) needs neither.
    import tempfile

    from dashsmith.linter import alert_tests, promtool
    from dashsmith.routing import checks as routing

    pattern = _pattern(run)
    project = load_project(ctx)
    try:
        path = promtool.find()
    except promtool.PromtoolMissing as error:
        fail(str(error))
    if path is None:
        fail("promtool is not installed (Debian package 'prometheus')")
    build = build_or_fail(project)
    tests = alert_tests.paths(project.settings)
    if not tests:
        fail(f"no alert unit tests in {os.path.relpath(alert_tests.directory(project.settings))}"
             f" (expected <module>{alert_tests.SUFFIXES[0]})", EXIT_PROBLEMS)
    with tempfile.TemporaryDirectory(prefix="dashsmith-test-run-") as scratch:
        selected = [_select(test_path, pattern, scratch) for test_path in tests]
        chosen = [s for s in selected if s.groups or s.unreadable]
        if not chosen:
            fail(f"no test group matches --run {run!r}", EXIT_PROBLEMS)
        runnable = [s for s in chosen if s.problem is None]
        ran = dict(zip([s.path for s in runnable],
                       promtool.test_rules(path, build.rule_files,
                                           [s.run_path for s in runnable]), strict=True))
    # A file that is not YAML is its parse error, at its line, as lint reports it (promtool
    # is not run on it).
    results = [_outcome(s, *(ran[s.path][1:] if s.problem is None
                             else (EXIT_PROBLEMS, str(project.relative(s.problem)))),
                        os.path.relpath(s.path, project.root)) for s in chosen]
    for result in results:
        click.echo(result.line())
    skipped = len(selected) - len(chosen)
    estate = project.estate
    routed = routing.summary(estate)
    if verbose:
        click.echo("\n".join(["", *routed]))
    context = Context(estate.catalog, project.settings.scrape_interval, root=project.root)
    problems = [project.relative(problem) for rule in registry.ALL if "test" in rule.commands()
                for problem in rule.declared(estate, context)]
    for problem in problems:
        click.echo(str(problem), err=True)
    failed = [r for r in results if not r.passed]
    for result in failed:
        click.echo(f"\nFAILED {result.name}")
        click.echo(result.output or "  (promtool said nothing)")
    routing_failed = any(p.severity is Severity.ERROR for p in problems)
    if junit:
        _write_junit(junit, results, problems)
    click.echo("\n" + _summary(results, skipped) + "; " + routed[0]
               + ("" if verbose or estate.routing is None else " (-v lists them)")
               + (f"; {len(problems)} routing finding(s) above" if problems else ""))
    if failed or routing_failed:
        ctx.exit(EXIT_PROBLEMS)


def _pattern(run: str | None) -> re.Pattern[str] | None:
    if run is None:
        return None
    try:
        return re.compile(run)
    except re.error as error:
        raise click.BadParameter(f"not a regular expression: {error}",
                                 param_hint="--run") from None


def _write_junit(path: str, results: list[_FileResult], problems: list[Problem]) -> None:
    try:
        _junit(path, results, problems)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


def _explain(rule_id: str) -> str:
    if not rule_id:
        width = max(len(rule.id) for rule in registry.ALL)
        return "\n".join(f"{rule.id:<{width}}  {rule.severity!s:<7}  {rule.summary()}"
                         for rule in sorted(registry.ALL, key=lambda r: r.id))
    rule = registry.named(rule_id)
    if rule is None:
        fail(f"no rule '{rule_id}'; `dashsmith lint --explain` lists them")
    renamed = ""
    if rule.id != rule_id:
        renamed = (f"'{rule_id}' is deprecated: it is this rule's former id, which suppressions "
                   f"still accept; write '{rule.id}'.\n\n")
    if rule.structural:
        kind = " (structural: build refuses it)"
    elif "lint" not in rule.commands():
        kind = f" (reported by {' and '.join(f'dashsmith {c}' for c in rule.commands())})"
    else:
        kind = ""
    return f"{renamed}{rule.id} ({rule.severity}){kind}\n\n{rule.explanation()}"


def _optional_project(ctx) -> Project | None:
    """The project around the current directory; None where there is none (lint of loose
    files), but a project whose setup.cfg is wrong stops lint (exit 2)."""
    try:
        return Project.find(ctx.find_root().obj)
    except NoProjectError:
        return None
    except SettingsError as error:
        fail(str(error))


def _relative(problems: list[Problem], base: str) -> list[Problem]:
    """The problems with their files relative to `base` (Source.relative_to), each file's path
    made once: a file can hold hundreds of findings, and each relpath asks for the cwd."""
    paths: dict[str, str] = {}
    found = []
    for problem in problems:
        source = problem.source
        path = paths.get(source.file)
        if path is None:
            path = paths[source.file] = source.relative_to(base).file
        found.append(Problem(problem.rule, problem.severity, problem.message,
                             source if path == source.file else
                             Source(path, source.line, source.column)))
    return found



# --- dashsmith test: the test files, their groups and what promtool said of them ---------------

@dataclass
class _Selected:
    """A test file and the test groups of it that run (`run_path`: the file promtool reads,
    a copy holding only the groups --run chose)."""

    path: str
    run_path: str
    groups: list[str]  # names of the groups that run
    unreadable: bool = False  # not YAML promtool's format can be read from
    problem: Problem | None = None  # why, when it is not YAML at all (file/parse, at the slip)


@dataclass
class _FileResult:
    name: str  # the file as the user reads it
    groups: list[str]
    status: int
    output: str
    failed: list[str] = field(default_factory=list)  # groups promtool names in a failure
    unreadable: bool = False
    details: dict[str, str] = field(default_factory=dict)  # failed group → its failure

    @property
    def passed(self) -> bool:
        return self.status == 0

    def line(self) -> str:
        counted = f"{len(self.groups)} group{'' if len(self.groups) == 1 else 's'}"
        if self.passed:
            return f"{self.name}: ok ({counted})"
        if self.unreadable or not self.failed:
            return f"{self.name}: FAILED (the file could not be run)"
        return f"{self.name}: FAILED ({len(self.failed)} of {counted})"


def _select(path: str, pattern: re.Pattern[str] | None, scratch: str) -> _Selected:
    """The groups of the test file at `path` that run: all, or those whose name `pattern`
    finds (then written, alone, to a copy under `scratch` with the same name)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        # Read as lint reads it, for the one finding that says where (file/parse).
        from dashsmith.linter import locate

        problems: list[Problem] = []
        locate.read(path, problems)
        return _Selected(path, path, [], unreadable=True,
                         problem=problems[0] if problems else None)
    tests = data.get("tests") if isinstance(data, dict) else None
    if not isinstance(tests, list):
        return _Selected(path, path, [], unreadable=True)
    names = [_group_name(group, index) for index, group in enumerate(tests)]
    if pattern is None:
        return _Selected(path, path, names)
    kept = [(group, name) for group, name in zip(tests, names, strict=True)
            if pattern.search(name)]
    copy = os.path.join(scratch, os.path.basename(path))
    with open(copy, "w", encoding="utf-8") as handle:
        yaml.safe_dump({**data, "tests": [group for group, _ in kept]}, handle, sort_keys=False)
    return _Selected(path, copy, [name for _, name in kept])


def _group_name(group: object, index: int) -> str:
    name = group.get("name") if isinstance(group, dict) else None
    return str(name) if name else f"(group {index + 1}, unnamed)"


# promtool names the group of each failure: "    name: <the group's name>,"
_FAILED_GROUP = re.compile(r"^\s*name: (.*),\s*$")


def _outcome(selected: _Selected, status: int, output: str, name: str) -> _FileResult:
    """What promtool said of one file, with each failed group's part of it."""
    details: dict[str, list[str]] = {}
    group = None
    for line in output.splitlines() if status != 0 else []:
        found = _FAILED_GROUP.match(line)
        if found:
            group = found.group(1)
        if group is not None:
            details.setdefault(group, []).append(line)
    return _FileResult(name, selected.groups, status, output, list(details),
                       selected.unreadable, {g: "\n".join(lines) for g, lines in details.items()})


def _summary(results: list[_FileResult], skipped: int) -> str:
    """'1 failed, 4 passed (5 test files, 73 groups; 1 group failed)'"""
    failed = sum(1 for r in results if not r.passed)
    groups = sum(len(r.groups) for r in results)
    failed_groups = sum(len(r.failed) for r in results)
    text = ", ".join(part for part in (f"{failed} failed" if failed else "",
                                       f"{len(results) - failed} passed") if part)
    text += f" ({len(results)} test file{'' if len(results) == 1 else 's'}, {groups} groups"
    if failed_groups:
        text += f"; {failed_groups} group{'' if failed_groups == 1 else 's'} failed"
    if skipped:
        text += f"; {skipped} file{'' if skipped == 1 else 's'} with no group --run chose"
    return text + ")"


def _junit(path: str, results: list[_FileResult], problems: list[Problem]) -> None:
    """JUnit XML as CI test reports read it: a test suite per test file with a test case per
    group (a file promtool could not run: one case, an error), and one for the routing."""
    import xml.etree.ElementTree as ET  # only for --junit

    root = ET.Element("testsuites", name="dashsmith test")
    for result in results:
        suite = ET.SubElement(root, "testsuite", name=result.name)
        if result.passed or result.failed:
            cases = [(group, group in result.failed) for group in result.groups]
            cases += [(group, True) for group in result.failed if group not in result.groups]
            for group, failed in cases:
                case = ET.SubElement(suite, "testcase", classname=result.name, name=group)
                if failed:
                    ET.SubElement(case, "failure", message="promtool test rules failed").text = \
                        result.details.get(group, result.output)
            suite.set("tests", str(len(cases)))
            suite.set("failures", str(sum(1 for _, failed in cases if failed)))
            suite.set("errors", "0")
        else:
            case = ET.SubElement(suite, "testcase", classname=result.name, name=result.name)
            ET.SubElement(case, "error", message="promtool could not run the file").text = \
                result.output
            suite.set("tests", "1")
            suite.set("failures", "0")
            suite.set("errors", "1")
    suite = ET.SubElement(root, "testsuite", name="routing", tests="1", errors="0")
    case = ET.SubElement(suite, "testcase", classname="routing", name="every alert reaches "
                         "the receivers it expects")
    errors = [p for p in problems if p.severity is Severity.ERROR]
    suite.set("failures", "1" if errors else "0")
    if errors:
        ET.SubElement(case, "failure", message=f"{len(errors)} routing error(s)").text = \
            "\n".join(str(p) for p in errors)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
