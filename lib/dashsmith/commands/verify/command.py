"""`dashsmith verify`: the dashboards and alerts against a live Prometheus; `dashsmith demo`:
the real stack with synthetic traffic, in the foreground."""

from __future__ import annotations

import signal
import time

import click

from dashsmith.checks import suppress
from dashsmith.commands import problem_formats as report
from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    build_or_fail,
    duration_option,
    fail,
    load_project,
)
from dashsmith.commands.verify.checks import verify as run_checks
from dashsmith.commands.verify.queries import TimeRange
from dashsmith.commands.verify.workload import FAULTS
from dashsmith.model import durations
from dashsmith.model.problems import DeclarationError, Problem, Severity
from dashsmith.prometheus.api import Prometheus, Unreachable

_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING}


@click.command()
@click.option("--prometheus", "url", required=True, envvar="PROMETHEUS_URL", show_envvar=True,
              help="Prometheus base URL, e.g. http://127.0.0.1:9090.")
@click.option("--range", "range_", default="1h", show_default=True,
              callback=lambda ctx, param, value: duration_option(value),
              help="Time range the dashboards are looked at over (Grafana's $__range).")
@click.option("--scrape-interval", callback=lambda ctx, param, value: duration_option(value),
              help="The data source's scrape interval, from which $__rate_interval follows "
                   "(default: the scrape_interval setting).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="As lint's: github writes workflow-command annotations.")
@click.option("--fail-on", type=click.Choice(sorted(_FAIL_ON)), default="error",
              show_default=True, help="Lowest severity that makes the exit status 1.")
@click.option("-v", "--verbose", count=True,
              help="List the info findings too (the text format counts them in one line).")
@click.pass_context
def verify(ctx: click.Context, url: str, range_: str, scrape_interval: str | None, fmt: str,
           fail_on: str, verbose: int) -> None:
    """Evaluate every panel query and rule expression on a live Prometheus: report queries that
    show nothing (and the selector or operation to blame), catalog types the live metadata
    contradicts, catalog metrics nothing reads, and alerts that can never fire.

    lint's suppressions apply ([dashsmith.lint] in setup.cfg, `# dashsmith: disable=...`
    comments); one of a verify finding that suppresses nothing is reported. In the text
    format, info findings (catalog metrics nothing reads) are counted in one line; -v lists
    them.
    """
    project = load_project(ctx)
    build = build_or_fail(project)
    time_range = TimeRange(end=time.time(), range=durations.parse(range_),
                           scrape_interval=durations.parse(
                               scrape_interval or project.settings.scrape_interval))
    prometheus = Prometheus(url)
    try:
        found = run_checks(project.estate, build, prometheus, time_range)
    except Unreachable as error:
        fail(f"cannot query Prometheus: {error}")
    malformed: list[Problem] = []  # lint reports those (lint/config); verify leaves them out
    suppressions = suppress.of_project(project.settings, malformed)
    problems = [project.relative(p) for p in suppress.apply(found, suppressions, "verify")]
    problems.sort(key=lambda p: (p.source.file, p.source.line, -p.severity, p.rule))
    if fmt == "json":
        click.echo(report.as_json(problems))
    elif fmt == "github":
        for line in report.github(problems):
            click.echo(line)
    else:
        shown, counted = problems, []
        if not verbose:
            shown = [p for p in problems if p.severity is not Severity.INFO]
            counted = [p for p in problems if p.severity is Severity.INFO]
        for line in report.text(shown):
            click.echo(line)
        if counted:
            click.echo(_info_line(counted))
        click.echo(f"verify: {report.summary(problems)} against {url}", err=True)
    if any(p.severity >= _FAIL_ON[fail_on] for p in problems):
        ctx.exit(EXIT_PROBLEMS)


def _info_line(problems: list[Problem]) -> str:
    """One line for the info findings: how many of each rule (-v lists them)."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.rule] = counts.get(problem.rule, 0) + 1
    each = ", ".join(f"{rule} {count}" for rule, count in sorted(counts.items()))
    return f"info: {len(problems)} finding(s) not listed ({each}); -v lists them"


@click.command()
@click.option("--scrape-interval", default="1s", show_default=True,
              callback=lambda ctx, param, value: duration_option(value),
              help="Prometheus's scrape and rule evaluation interval.")
@click.option("--max-for", default="30s", show_default=True,
              callback=lambda ctx, param, value: duration_option(value),
              help="Cap every alert's 'for' (as `build --max-for`) so faults fire while you watch.")
@click.option("--scrape", "scrape", multiple=True, metavar="JOB=HOST:PORT",
              callback=lambda ctx, param, value: _targets(value),
              help="Also scrape this target under this job (repeatable): your application on "
                   "its own port, e.g. tradingagents=127.0.0.1:8001 (default: setup.cfg's "
                   "[dashsmith.demo] scrape).")
@click.option("--port", "ports", multiple=True, metavar="[NAME=]PORT",
              callback=lambda ctx, param, value: _ports(value),
              help="Listen on this port instead of a free one (repeatable): a bare port is "
                   "Prometheus's (e.g. 9090), NAME=PORT another's (alertmanager, exporter, node, "
                   "postgres, postgres_exporter).")
def demo(scrape_interval, max_for, scrape, ports):
    """Run the real stack (Prometheus with the compiled rules, Alertmanager, node_exporter,
    PostgreSQL and postgres_exporter, the synthetic exporter) in the foreground until Ctrl-C."""
    from dashsmith.commands.verify.stack import Stack, StackError

    project = load_project(click.get_current_context())
    scrape = scrape or _configured_targets(project.settings)
    stack = Stack(project, scrape_interval=scrape_interval, max_for=max_for, scrape=scrape,
                  fixed_ports=ports)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        click.echo("starting the stack ...", err=True)
        stack.start()
        click.echo(f"Prometheus:    {stack.prometheus_url}  "
                   f"(alerts: {stack.prometheus_url}/alerts)")
        click.echo(f"Alertmanager:  {stack.alertmanager_url}")
        click.echo(f"Workload:      {stack.exporter_url}/metrics")
        for job, targets in scrape.items():
            click.echo(f"Also scraped:  job {job}: {', '.join(targets)}")
        click.echo(f"Verify:        dashsmith verify --prometheus {stack.prometheus_url} "
                   f"--scrape-interval {scrape_interval} --range 5m")
        # No Grafana runs here: the dashboards' numbers are watched as preview draws them.
        click.echo(f"Dashboards:    dashsmith preview --prometheus {stack.prometheus_url} "
                   "--range 5m  (PNGs in previews/; run again to refresh)")
        click.echo("Faults (switch with curl -X POST <workload>/fault/<name>; 'normal' ends it):")
        for fault in FAULTS.values():
            click.echo(f"  {fault.name:<20} {fault.description}")
        click.echo("Ctrl-C stops the stack.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopping ...", err=True)
    except (StackError, DeclarationError, OSError) as error:
        fail(f"the stack did not start: {error}")
    finally:
        stack.stop()


def _targets(values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    from dashsmith.commands.verify.stack import parse_targets

    try:
        return parse_targets(values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scrape") from None


def _ports(values: tuple[str, ...]) -> dict[str, int]:
    from dashsmith.commands.verify.stack import parse_ports

    try:
        return parse_ports(values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--port") from None


DEMO_SECTION = "dashsmith.demo"


def _configured_targets(settings) -> dict[str, tuple[str, ...]]:
    """setup.cfg's [dashsmith.demo] scrape: JOB=HOST:PORT entries, one a line or several
    separated by spaces (what --scrape gives for one run)."""
    from dashsmith.commands.verify.stack import parse_targets

    section = settings.sections.get(DEMO_SECTION) or {}
    unknown = sorted(set(section) - {"scrape"})
    if unknown:
        where = settings.key_source(DEMO_SECTION, unknown[0]).relative_to(settings.root)
        fail(f"{where}: unknown setting(s) in [{DEMO_SECTION}]: {', '.join(unknown)} "
             "(known: scrape)")
    try:
        return parse_targets(section.get("scrape", "").split())
    except ValueError as error:
        where = settings.key_source(DEMO_SECTION, "scrape").relative_to(settings.root)
        fail(f"{where}: [{DEMO_SECTION}] scrape: {error}")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
