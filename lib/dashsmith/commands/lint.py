"""`dashsmith lint` and `dashsmith test`."""

from __future__ import annotations

import os

import click

from dashsmith.checks.context import Context
from dashsmith.checks.registry import ALL, named
from dashsmith.commands import problem_formats
from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    fail,
    load_project,
    report_declaration_error,
)
from dashsmith.compiler.project import Project
from dashsmith.linter import alert_tests, amtool, promtool
from dashsmith.linter.engine import lint_paths, lint_project
from dashsmith.model.problems import DeclarationError, Problem, Severity
from dashsmith.model.settings import NoProjectError, SettingsError
from dashsmith.routing import checks as routing

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
    project = _optional_project(ctx) if paths else load_project(ctx)
    try:
        if paths:
            problems = lint_paths(list(paths), project, tools=not no_tools)
        else:
            problems = lint_project(project, tools=not no_tools)
    except (promtool.PromtoolMissing, amtool.AmtoolMissing) as error:
        fail(str(error))
    # Paths as the user reads them: from the project's root, or from here without a project.
    base = project.root if project is not None else os.getcwd()
    problems = [_relative(p, base) for p in problems]
    if output_format == "json":
        click.echo(problem_formats.as_json(problems))
    elif output_format == "github":
        for line in problem_formats.github(problems):
            click.echo(line)
    else:
        for line in problem_formats.text(problems):
            click.echo(line)
        click.echo(problem_formats.summary(problems), err=True)
    if any(p.severity >= FAIL_ON[fail_on] for p in problems):
        ctx.exit(EXIT_PROBLEMS)


@click.command()
@click.pass_context
def test(ctx):
    """Run the alert unit tests (alerts/tests/*.test.yml) with `promtool test rules`, then
    route every alert through the declared routing.

    The rules are compiled into a temporary directory and each test file is put beside them,
    so `rule_files: [ai.yml]` names the compiled alerts/ai.py. Exit 1 when a test fails or an
    alert reaches no one or other receivers than it expects.
    """
    project = load_project(ctx)
    try:
        path = promtool.find()
    except promtool.PromtoolMissing as error:
        fail(str(error))
    if path is None:
        fail("promtool is not installed (Debian package 'prometheus')")
    try:
        build = project.build()
    except DeclarationError as error:
        report_declaration_error(project, error)
    tests = alert_tests.paths(project.settings)
    if not tests:
        fail(f"no alert unit tests in {os.path.relpath(alert_tests.directory(project.settings))}"
             f" (expected <module>{alert_tests.SUFFIXES[0]})", EXIT_PROBLEMS)
    results = promtool.test_rules(path, build.rule_files, tests)
    for test_path, status, output in results:
        click.echo(f"Unit Testing: {os.path.relpath(test_path, project.root)}")
        click.echo(output or ("  SUCCESS" if status == 0 else "  FAILED"))
    failed = [test_path for test_path, status, _ in results if status != 0]
    if failed:
        click.echo(f"\n{len(failed)} of {len(results)} test file(s) failed: "
                   + ", ".join(os.path.relpath(p, project.root) for p in failed))
    estate = project.estate
    click.echo("\n".join(["", *routing.summary(estate)]))
    context = Context(estate.catalog, project.settings.scrape_interval, root=project.root)
    problems = [problem for rule in ALL if "test" in rule.commands()
                for problem in rule.declared(estate, context)]
    for problem in problems:
        click.echo(str(project.relative(problem)), err=True)
    if failed or any(p.severity is Severity.ERROR for p in problems):
        ctx.exit(EXIT_PROBLEMS)


def _explain(rule_id: str) -> str:
    if not rule_id:
        width = max(len(rule.id) for rule in ALL)
        return "\n".join(f"{rule.id:<{width}}  {rule.severity!s:<7}  {rule.summary()}"
                         for rule in sorted(ALL, key=lambda r: r.id))
    rule = named(rule_id)
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


def _relative(problem: Problem, base: str) -> Problem:
    return Problem(problem.rule, problem.severity, problem.message,
                   problem.source.relative_to(base))

