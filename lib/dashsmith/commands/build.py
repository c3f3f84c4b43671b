"""`dashsmith build`: the declarations compiled into dashboards' JSON and Prometheus rule
files."""

from __future__ import annotations

import os

import click

from dashsmith.commands.commandline import (
    duration_option,
    fail,
    load_project,
    report_declaration_error,
)
from dashsmith.compiler.output import OutputError
from dashsmith.model.problems import DeclarationError


@click.command()
@click.option("--out", type=click.Path(file_okay=False), help="Output directory (default: the "
              "'out' setting, 'build').")
@click.option("--max-for", callback=lambda ctx, param, value: duration_option(value),
              help="Cap every alert's 'for' at this duration (e.g. 30s). For end-to-end tests that "
              "must see alerts fire quickly; nothing else about the rules changes.")
@click.pass_context
def build(ctx: click.Context, out: str | None, max_for: str | None) -> None:
    """Compile dashboards to JSON and alerts to Prometheus rule files."""
    project = load_project(ctx)
    out = out or project.settings.path("out")
    try:
        result = project.build(max_for=max_for)
        from dashsmith.compiler.build import write
        write(result, out)
    except DeclarationError as error:
        report_declaration_error(project, error)
    except OutputError as error:
        fail(str(error))
    click.echo(f"built {len(result.dashboards)} dashboards and {len(result.rule_files)} rule "
               f"files into {os.path.relpath(out)}")
