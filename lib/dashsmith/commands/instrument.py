"""`dashsmith instrument [--check]`: write the application's metrics module from the catalog, or
(--check, for CI) exit 1 with a diff when the file on disk is not what the catalog makes. The
generator lives below the commands (dashsmith.instrument), where lint's checks can reach it."""

from __future__ import annotations

import os

import click

from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    fail,
    load_project,
    report_declaration_error,
)
from dashsmith.instrument.config import SECTION, ConfigError
from dashsmith.instrument.generate import InstrumentError
from dashsmith.instrument.module_file import generate
from dashsmith.model.problems import DeclarationError


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and print a unified diff "
              "if the module on disk differs from what the catalog generates (for CI).")
@click.pass_context
def instrument(ctx: click.Context, check: bool) -> None:
    """Write the application's metrics module (prometheus_client) from the catalog."""
    project = load_project(ctx)
    try:
        generated = generate(project.estate)
    except DeclarationError as error:
        report_declaration_error(project, error)
    except (ConfigError, InstrumentError) as error:
        fail(str(error))
    if generated is None:
        fail(f"setup.cfg has no [{SECTION}] section: set 'exporter' (the application's name "
             "in the catalog) and 'output' (the module's path); see docs/instrument.md")
    path = os.path.relpath(generated.settings.output)
    what = f"{generated.metrics} metrics of exporter '{generated.settings.exporter}'"
    if generated.genai:
        what += ("; the LLM calls: OpenTelemetry's GenAI instrumentation, which the module's "
                 "instrument_llm_calls() sets up (ai_metrics = otel-genai)")
    if check:
        difference = generated.diff(project.root)
        if difference:
            click.echo(difference, nl=False)
            fail(f"{path} is out of date with the catalog: run `dashsmith instrument`",
                 EXIT_PROBLEMS)
        click.echo(f"{path} is up to date ({what})")
        return
    try:
        written = generated.write()
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")
    click.echo(f"{'wrote' if written else 'unchanged:'} {path} ({what})")
