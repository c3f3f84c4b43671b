"""The dashsmith command line: routes each subcommand to the module that defines it. Exit
status: 0 done, 1 problems found, 2 could not run (commandline.py, which the commands share).

What `--help` shows about the commands lives here, with the routing, in two tables: a
one-line summary per command (the list `dashsmith --help` prints, read without importing any
command) and its Examples (added to each command's own `--help`, as kubectl's), so that no
command module carries a copy. The global `--color` and NO_COLOR (no-color.org) decide
whether anything is coloured, for every command at once."""

from __future__ import annotations

import importlib
import os
import sys
import threading
from typing import Any

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

# Whole sentences that fit the command list (click cuts a docstring's first one at 45 columns).
SUMMARIES = {
    "build": "Compile the dashboards to JSON and the alerts to rule files.",
    "lint": "Check PromQL, alert rules and dashboards.",
    "test": "Run the alert unit tests, then route every alert.",
    "deploy": "Deploy to Grafana (plan, ask, apply) or write provisioning.",
    "doctor": "Check the Grafana you deploy to and what the token may do.",
    "verify": "Evaluate every query and rule on a live Prometheus.",
    "demo": "Run Prometheus with the rules and exporters; verify them.",
    "diff": "What changes, panel by panel and rule by rule.",
    "preview": "Draw each dashboard (PNG and SVG), with live data if asked.",
    "import": "Turn Grafana dashboards into Python declarations.",
    "instrument": "Write the application's metrics module from the catalog.",
    "bridge": "Export LLM traces, cost and scores to Prometheus.",
}

# kubectl's Examples: what a first run of each command looks like. Each line is a command
# as typed, then why (`dashsmith COMMAND --help` prints them under its options).
EXAMPLES = {
    "build": [
        ("dashsmith build", "compile into build/ (stops on any problem)"),
        ("dashsmith build --out /tmp/out", "somewhere else"),
    ],
    "lint": [
        ("dashsmith lint", "the declared dashboards and alerts"),
        ("dashsmith lint exported.json rules/", "Grafana JSON or rule files, no project needed"),
        ("dashsmith lint --format github", "annotate a pull request's lines"),
        ("dashsmith lint --explain promql/rate-interval", "one rule, with an example"),
    ],
    "test": [
        ("dashsmith test", "promtool test rules on alerts/tests/, then the routing"),
        ("dashsmith test --run 'error ratio'", "only the test groups whose name matches"),
        ("dashsmith test -v --junit report.xml", "the routing table, and JUnit XML for CI"),
    ],
    "deploy": [
        ("GRAFANA_URL=http://localhost:3000 GRAFANA_TOKEN=glsa_... dashsmith deploy --dry-run",
         "the plan; nothing written"),
        ("dashsmith deploy", "show the plan, ask, apply"),
        ("dashsmith deploy --yes", "apply without asking (CI never asks)"),
        ("dashsmith deploy --plan-out plan.json --dry-run", "save the plan for review"),
        ("dashsmith deploy --plan plan.json", "apply exactly the reviewed plan"),
        ("dashsmith deploy", "without GRAFANA_URL: write the file-provisioning tree"),
    ],
    "doctor": [
        ("GRAFANA_URL=http://localhost:3000 GRAFANA_TOKEN=glsa_... dashsmith doctor",
         "what this Grafana is and what the token may do"),
        ("dashsmith doctor --probe", "also create and delete a scratch dashboard"),
    ],
    "verify": [
        ("dashsmith verify --prometheus http://localhost:9090",
         "every query and rule on live data"),
        ("dashsmith verify --prometheus http://localhost:9090 --range 1h -v",
         "the last hour; list the info findings too"),
    ],
    "demo": [
        ("dashsmith demo", "Prometheus, the exporters and verify, on this machine"),
        ("dashsmith demo --scrape app=localhost:8000", "also scrape your application"),
    ],
    "diff": [
        ("dashsmith diff", "against the merge base with the default branch"),
        ("dashsmith diff --base origin/main --format markdown",
         "a pull-request comment"),
        ("dashsmith diff --live", "against what Grafana holds (GRAFANA_URL)"),
    ],
    "preview": [
        ("dashsmith preview", "each dashboard's layout into build/previews/"),
        ("dashsmith preview --prometheus http://localhost:9090 --dashboard ai-llm",
         "one dashboard, with data"),
    ],
    "import": [
        ("dashsmith import exported.json", "a dashboard exported from Grafana"),
        ("dashsmith import --uid ai-llm --dry-run", "from Grafana (GRAFANA_URL); write nothing"),
        ("dashsmith import --uid ai-llm --force", "keep an edit made in Grafana"),
    ],
    "instrument": [
        ("dashsmith instrument", "write the metrics module"),
        ("dashsmith instrument --check", "exit 1 if it is out of date (CI)"),
    ],
    "bridge": [
        ("LANGFUSE_PUBLIC_KEY=... LANGFUSE_SECRET_KEY=... dashsmith bridge langfuse",
         "serve /metrics on :9464"),
        ("dashsmith bridge langsmith --port 9465", "LangSmith, on another port"),
    ],
}

COLOR_CHOICES = {"auto": None, "always": True, "never": False}


def examples(name: str) -> str:
    """The Examples section of `name`'s --help ('\\b' keeps click from rewrapping it)."""
    lines = [f"  $ {command}\n      {why}" for command, why in EXAMPLES.get(name, [])]
    return "Examples:\n\n\b\n" + "\n".join(lines) if lines else ""


# Set in the context's meta by a command (lint) whose process may end without the interpreter's
# teardown: see LazyGroup.main (commandline.EXIT_WITHOUT_TEARDOWN, the commands' name for it).
EXIT_WITHOUT_TEARDOWN = "dashsmith.exit_without_teardown"


class LazyGroup(click.Group):
    _meta: dict = {}

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main; when it runs for this process's own command line (no `args` given:
        the console script, `python -m dashsmith`; CliRunner always passes them), has one
        thread, and the command asked for it, the process ends once its output is flushed,
        without the interpreter's teardown: freeing every object lint made one by one (the
        read files, the parsed expressions) took ~35 ms of a 0.27 s lint of the corpus's
        rule files, for memory the exit gives back anyway. mypy ends the same way (its
        --fast-exit, on by default)."""
        if (args[0] if args else kwargs.get("args")) is not None:
            return super().main(*args, **kwargs)
        try:
            return super().main(*args, **kwargs)
        except SystemExit as done:
            if not self._meta.get(EXIT_WITHOUT_TEARDOWN) or threading.active_count() != 1:
                raise
            if done.code is not None and not isinstance(done.code, int):
                raise  # a message to print: the ordinary exit prints it
            code = done.code or 0
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except OSError:  # a closed pipe: the ordinary exit reports it
                raise done from None
            os._exit(code)

    def invoke(self, ctx: click.Context) -> Any:
        self._meta = ctx.meta  # shared by the subcommand's context
        return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[name].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        if command.epilog is None and name in EXAMPLES:
            command.epilog = examples(name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SUMMARIES: whole sentences, and no command imported."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUMMARIES.get(name, ""))
                                for name in self.list_commands(ctx)])


def _color(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--color wins; without it (auto), NO_COLOR set to anything but '' turns colour off, and
    click colours only a terminal."""
    choice = value or "auto"
    color = COLOR_CHOICES[choice]
    if color is None and os.environ.get("NO_COLOR"):
        color = False
    ctx.color = color
    return choice


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Run `dashsmith COMMAND --help` for a command's options and examples.")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, exists=True),
              help="Project directory (default: the nearest one with a [dashsmith] setup.cfg).")
@click.option("--color", type=click.Choice(list(COLOR_CHOICES)), default=None,
              callback=_color, is_eager=True, expose_value=False, metavar="auto|always|never",
              help="Colour the output: auto (a terminal, unless NO_COLOR is set), always or "
                   "never.  [default: auto]")
@click.version_option(package_name="dashsmith")
@click.pass_context
def main(ctx: click.Context, project_dir: str | None) -> None:
    """Grafana dashboards and Prometheus alert rules, declared in Python."""
    ctx.obj = project_dir  # commandline.load_project finds the project from it
