"""What every command shares with the person who runs it: the exit statuses, the project of
this invocation, and how a command gives up. Exit status: 0 done, 1 problems found, 2 could not
run.

Every command in dashsmith.commands imports this; cli.py, which only routes to them, does not,
and nothing here imports a command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

import click

from dashsmith import preview
from dashsmith.compiler.project import Project
from dashsmith.model import durations
from dashsmith.model.problems import DeclarationError
from dashsmith.model.settings import SettingsError

if TYPE_CHECKING:
    from dashsmith.compiler.build import Build
    from dashsmith.preview.data import DashboardData
    from dashsmith.preview.picture import Picture

EXIT_PROBLEMS = 1
EXIT_ERROR = 2

# A command that sets this in its context's meta lets its process end without the
# interpreter's teardown once its output is written (cli.LazyGroup.main, which reads the same
# key: cli.py imports no command module).
EXIT_WITHOUT_TEARDOWN = "dashsmith.exit_without_teardown"


def load_project(ctx: click.Context) -> Project:
    """The project of this invocation (`dashsmith --project DIR`, else the nearest one with a
    [dashsmith] setup.cfg); exits 2 with a message if there is none."""
    try:
        return Project.find(ctx.find_root().obj)
    except SettingsError as error:
        fail(str(error))


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    click.echo(f"dashsmith: {message}", err=True)
    sys.exit(code)


def report_declaration_error(project: Project, error: DeclarationError) -> NoReturn:
    for problem in error.problems:
        click.echo(str(project.relative(problem)), err=True)
    fail(f"{len(error.problems)} problem(s) in the declarations; nothing was written")


def build_or_fail(project: Project) -> Build:
    """The project's build, or exit 2 listing what in the declarations stops it."""
    try:
        return project.build()
    except DeclarationError as error:
        report_declaration_error(project, error)


def duration_option(value: str | None) -> str | None:
    """A click callback: the option's value, if it is a Prometheus duration (or not given)."""
    if value is not None:
        try:
            durations.parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    return value


def write_tree(directory: str, files: dict[str, bytes]) -> None:
    """Replace `directory` with exactly `files` (compiler.output.replace_tree), or give up."""
    # Imported here: of the commands, only those that write a tree need it (and ctypes,
    # tempfile with it), and lint starts faster without.
    from dashsmith.compiler.output import OutputError, replace_tree

    try:
        replace_tree(directory, files)
    except OutputError as error:
        fail(str(error))


def renderer_or_fail() -> Callable[[dict, DashboardData | None], Picture]:
    """The dashboard renderer (dashsmith.preview), or give up saying how to install it."""
    try:
        return preview.renderer()
    except preview.MissingExtra as error:
        fail(str(error))
