"""The dashsmith command line: routes each subcommand to the module that defines it. Exit
status: 0 done, 1 problems found, 2 could not run (commandline.py, which the commands share)."""

from __future__ import annotations

import importlib

import click

# Subcommands live with the feature they drive and are imported only when used.
COMMANDS = {
    "build": "dashsmith.commands.build:build",
    "lint": "dashsmith.commands.lint:lint",
    "test": "dashsmith.commands.lint:test",
    "deploy": "dashsmith.commands.deploy.command:deploy",
    "doctor": "dashsmith.commands.doctor.command:doctor",
    "verify": "dashsmith.commands.verify.command:verify",
    "demo": "dashsmith.commands.verify.command:demo",
    "diff": "dashsmith.commands.diff.command:diff",
    "preview": "dashsmith.commands.preview:preview",
    "import": "dashsmith.commands.import_.command:import_dashboards",
    "instrument": "dashsmith.commands.instrument:instrument",
    "bridge": "dashsmith.commands.bridge:bridge",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[name].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False, exists=True),
              help="Project directory (default: the nearest one with a [dashsmith] setup.cfg).")
@click.version_option(package_name="dashsmith")
@click.pass_context
def main(ctx: click.Context, project_dir: str | None) -> None:
    """Grafana dashboards and Prometheus alert rules, declared in Python."""
    ctx.obj = project_dir  # commandline.load_project finds the project from it
