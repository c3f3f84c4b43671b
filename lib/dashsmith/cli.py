"""The dashsmith command line. Exit status: 0 done, 1 problems found, 2 could not run."""

from __future__ import annotations

import importlib
import os
import sys

import click

from . import durations
from .output import OutputError
from .problems import DeclarationError
from .project import Project
from .settings import SettingsError

EXIT_PROBLEMS = 1
EXIT_ERROR = 2

# Subcommands live with the feature they drive and are imported only when used.
COMMANDS = {
    "build": "dashsmith.cli:build",
    "lint": "dashsmith.lint.command:lint",
    "test": "dashsmith.lint.command:test",
    "deploy": "dashsmith.deploy.command:deploy",
    "verify": "dashsmith.verify.command:verify",
    "demo": "dashsmith.verify.command:demo",
    "diff": "dashsmith.review.command:diff",
    "preview": "dashsmith.review.command:preview",
    "import": "dashsmith.adopt.command:import_dashboards",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False, exists=True),
              help="Project directory (default: the nearest one with a [dashsmith] setup.cfg).")
@click.version_option(package_name="dashsmith")
@click.pass_context
def main(ctx, project_dir):
    """Grafana dashboards and Prometheus alert rules, declared in Python."""
    ctx.obj = project_dir


def load_project(ctx: click.Context) -> Project:
    """The project of this invocation; exits 2 with a message if there is none."""
    try:
        return Project.find(ctx.find_root().obj)
    except SettingsError as error:
        fail(str(error))


def fail(message: str, code: int = EXIT_ERROR):
    click.echo(f"dashsmith: {message}", err=True)
    sys.exit(code)


def report_declaration_error(project: Project, error: DeclarationError):
    for problem in error.problems:
        click.echo(str(project.relative(problem)), err=True)
    fail(f"{len(error.problems)} problem(s) in the declarations; nothing was written")


def duration_option(value: str | None) -> str | None:
    if value is not None:
        try:
            durations.parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error))
    return value


@click.command()
@click.option("--out", type=click.Path(file_okay=False), help="Output directory (default: the "
              "'out' setting, 'build').")
@click.option("--max-for", callback=lambda ctx, param, value: duration_option(value),
              help="Cap every alert's 'for' at this duration (e.g. 30s). For end-to-end tests that "
              "must see alerts fire quickly; nothing else about the rules changes.")
@click.pass_context
def build(ctx, out, max_for):
    """Compile dashboards to JSON and alerts to Prometheus rule files."""
    project = load_project(ctx)
    out = out or project.settings.path("out")
    try:
        result = project.build(max_for=max_for)
        from .build import write
        write(result, out)
    except DeclarationError as error:
        report_declaration_error(project, error)
    except OutputError as error:
        fail(str(error))
    click.echo(f"built {len(result.dashboards)} dashboards and {len(result.rule_files)} rule "
               f"files into {os.path.relpath(out)}")
