"""`dashsmith deploy`: build, lint, then either deploy through Grafana's HTTP API (GRAFANA_URL
set) or write the file-provisioning tree (not set); or apply a saved plan (--plan FILE). Exit
status: 0 everything applied; 1 drift left alone, a partial failure (the report names what was
and was not applied) or a saved plan refused (nothing was written); 2 could not start (nothing
was written)."""

from __future__ import annotations

import gc
import os
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import click

from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    build_or_fail,
    fail,
    load_project,
    report_declaration_error,
)
from dashsmith.commands.deploy import (
    alerting,
    existing_folders,
    live,
    notifications,
    plan_file,
    preconditions,
    prometheus_rules,
    provisioning,
    report,
    rules_delivery,
)
from dashsmith.commands.deploy.apply import apply
from dashsmith.commands.deploy.config import (
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    ConfigError,
    DeploySettings,
    deploy_settings,
)
from dashsmith.commands.deploy.desired import desired_state, hash_dashboards
from dashsmith.commands.deploy.plan import CONTACT_POINT, Plan, PlanOptions, make_plan
from dashsmith.compiler.output import OutputError, check_replaceable, replace_tree
from dashsmith.grafana.connection import GrafanaUnavailable, connect, connection_options, explain
from dashsmith.grafana.permissions import DEPLOY, DEPLOY_REQUIREMENTS, read_permissions
from dashsmith.grafana.server import ServerInfo, detect
from dashsmith.model.problems import DeclarationError, Severity

DEFAULT_MAX_DELETES = 5
READS_PER_WRITE = 2


@dataclass(frozen=True)
class Options:
    dry_run: bool
    json: bool
    force: bool
    prune: bool
    max_deletes: int
    concurrency: int
    grafana_alerts: bool
    prometheus_url: str | None
    verbose: int
    plan_out: str | None = None  # save the plan here
    plan_file: str | None = None  # apply the plan saved here
    force_v2: tuple[str, ...] = ()  # v2 dashboards --force may overwrite with their v1 code
    yes: bool = False  # apply without asking, even on a terminal

    @property
    def read_concurrency(self) -> int:
        # Grafana serves a read without its database's write lock (one writer on SQLite),
        # so reads may run wider than the writes --concurrency protects it from.
        return READS_PER_WRITE * self.concurrency


@click.command()
@connection_options
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the plan and the outcome.")
@click.option("--force", is_flag=True,
              help="Overwrite (or with --prune delete) dashboards edited in Grafana since "
                   "dashsmith deployed them, and take over ones it did not deploy.")
@click.option("--force-v2", "force_v2", metavar="UID", multiple=True,
              help="With --force: also overwrite dashboard UID, which was turned into a dynamic "
                   "dashboard (schema v2) in Grafana, with the code's v1 dashboard; the plan "
                   "names what of its v2 layout is lost (tabs, rows, conditional rendering). "
                   "Repeat for several.")
@click.option("--prune", is_flag=True,
              help="Delete dashboards and rule groups dashsmith deployed that are no longer in "
                   "the code (never anything without dashsmith's marker).")
@click.option("--max-deletes", type=click.IntRange(min=0), default=DEFAULT_MAX_DELETES,
              show_default=True, help="Refuse to run (before any write) if it would delete more.")
@click.option("--concurrency", type=click.IntRange(1, MAX_CONCURRENCY),
              help=f"Writes in flight at once (reads, which cost Grafana far less, twice as many). "
                   f"Default: [dashsmith.deploy] concurrency in setup.cfg, else "
                   f"{DEFAULT_CONCURRENCY}.")
@click.option("--grafana-alerts", is_flag=True,
              help="Deploy the alerts as Grafana-managed rule groups (Prometheus keeps the "
                   "recording rules).")
@click.option("--prometheus-url", envvar="PROMETHEUS_URL", metavar="URL",
              help="Reload this Prometheus after writing the rule files and check they loaded "
                   "(default: $PROMETHEUS_URL).")
@click.option("-v", "--verbose", count=True,
              help="-v: list unchanged and applied items, show diffs; -vv: every HTTP request.")
@click.option("--plan-out", metavar="FILE",
              help="Also save the plan to FILE, for deploy --plan FILE (with --dry-run: only "
                   "save it).")
@click.option("-y", "--yes", is_flag=True,
              help="Apply without asking. On a terminal deploy shows the plan and asks first; "
                   "it never asks when stdin is not a terminal, under CI (CI set), with "
                   "--dry-run, --format json or a saved plan (--plan).")
@click.option("--plan", "plan_file", metavar="FILE",
              help="Apply the plan saved in FILE exactly (no build, no new plan), if nothing "
                   "it writes changed in Grafana since it was made.")
@click.pass_context
def deploy(ctx, connection, dry_run, output_format, force, force_v2, prune, max_deletes,
           concurrency, grafana_alerts, prometheus_url, verbose, plan_out, plan_file, yes):
    """Deploy the dashboards (and alert rules) to Grafana, or write them for file provisioning.

    With GRAFANA_URL (or --url) set: plan, print, apply. Credentials come from GRAFANA_TOKEN,
    --token-file, or GRAFANA_USER and GRAFANA_PASSWORD. Without it: write the build tree for
    Grafana's file provisioning and say how to mount it.
    """
    project = load_project(ctx)
    settings = _settings(project)
    options = Options(dry_run, output_format == "json", force, prune, max_deletes,
                      concurrency or settings.concurrency, grafana_alerts, prometheus_url, verbose,
                      plan_out, plan_file, tuple(force_v2), yes)
    with _secrets_hidden(connection, verbose):
        sys.exit(_run(project, settings, connection, options))


@contextmanager
def _secrets_hidden(connection, verbose: int):
    """An unexpected exception is reported (with its traceback at -vv) with every secret
    replaced by '***', and exits 2."""
    try:
        yield
    except Exception as error:  # click's own exceptions derive from it too: re-raised here
        if isinstance(error, (click.ClickException, click.exceptions.Exit, click.Abort)):
            raise
        text = traceback.format_exc() if verbose >= 2 else f"{type(error).__name__}: {error}"
        if connection is not None:
            text = connection.redact(text)
        fail(f"deploy stopped by an unexpected error: {text.strip()}")


def _run(project, settings: DeploySettings, connection, options: Options) -> int:
    _check_plan_options(connection, options)
    delivery = _rules_delivery(project, settings, connection, options)
    if options.plan_file:
        return _deploy_saved(connection, settings, options.plan_file, delivery, options)
    _check_outputs(project, settings)
    build = _checked_build(project)
    rule_files = prometheus_rules.rule_files(build, options.grafana_alerts)
    if connection is None:
        return _provision(project, build, rule_files, delivery, options)
    # The build (thousands of objects per dashboard) stays as it is from here on: frozen, it
    # is not walked again and again by Python's cycle collector while requests are in flight.
    gc.freeze()
    try:
        return _deploy(project, connection, build, settings, rule_files, delivery, options)
    finally:
        gc.unfreeze()


def _check_plan_options(connection, options: Options) -> None:
    if options.force_v2 and not options.force:
        fail("--force-v2 confirms what --force overwrites: give --force too")
    if not (options.plan_out or options.plan_file):
        return
    if connection is None:
        fail("a plan is Grafana's: set GRAFANA_URL (or --url) for --plan-out and --plan")
    if options.plan_file and options.plan_out:
        fail("--plan applies a saved plan as it is; --plan-out saves a new one: give one")
    if options.plan_file and (options.force or options.prune or options.grafana_alerts
                              or options.force_v2):
        fail("--force, --prune and --grafana-alerts shape a plan: give them to the deploy "
             "that saves it (--plan-out); --plan applies it as it was made")


def _settings(project) -> DeploySettings:
    try:
        return deploy_settings(project.settings)
    except ConfigError as error:
        fail(str(error))


def _check_outputs(project, settings: DeploySettings) -> None:
    """Before anything is written: each directory deploy replaces may be replaced."""
    try:
        check_replaceable(project.settings.path("out"))
    except OutputError as error:
        fail(str(error))


def _rules_delivery(project, settings: DeploySettings, connection,
                    options: Options) -> rules_delivery.Delivery:
    """Where the rules go: refused before anything is written if nowhere (rules_delivery)."""
    try:
        return rules_delivery.delivery(settings, project.settings.path("out"),
                                       prometheus_url=options.prometheus_url,
                                       grafana_alerts=options.grafana_alerts,
                                       through_grafana=connection is not None,
                                       force=options.force, prune=options.prune,
                                       concurrency=options.concurrency)
    except rules_delivery.Undelivered as error:
        fail(f"{error}; nothing was written")


def _plan_rules(delivery: rules_delivery.Delivery, rule_files) -> list:
    try:
        return rules_delivery.plan(delivery, rule_files)
    except rules_delivery.Undelivered as error:
        fail(f"{error}; nothing was changed")


def _checked_build(project):
    """The build, after lint: any error stops the deploy before anything is written."""
    build = build_or_fail(project)
    from dashsmith.linter.engine import lint_project
    errors = [p for p in lint_project(project) if p.severity is Severity.ERROR]
    if errors:
        for problem in errors:
            click.echo(str(project.relative(problem)), err=True)
        fail(f"lint found {len(errors)} error(s); nothing was deployed")
    return build


# --- without Grafana -------------------------------------------------------------------------

def _provision(project, build, rule_files, delivery: rules_delivery.Delivery,
               options: Options) -> int:
    if options.grafana_alerts:
        fail("--grafana-alerts deploys through Grafana's API: set GRAFANA_URL (or --url)")
    out = project.settings.path("out")
    written = {"out": os.path.relpath(out), "dashboards": len(build.dashboards),
               "rule_files": len(rule_files), "written": not options.dry_run}
    rule_changes = _plan_rules(delivery, rule_files)
    _echo(options, rules_delivery.plan_lines(delivery, rule_changes,
                                             verbose=options.verbose >= 1))
    if options.dry_run:
        _echo(options, [f"dry run: would write {len(build.dashboards)} dashboards and "
                        f"{len(rule_files)} rule files into {written['out']}/"])
        _emit_json(options, provisioning=written)
        return 0
    _write_local(build, rule_files, out)
    _echo(options, [f"wrote {len(build.dashboards)} dashboards and {len(rule_files)} rule files "
                    f"into {written['out']}/provisioning/"])
    delivered = _deliver_rules(delivery, rule_changes, rule_files, options)
    _echo(options, provisioning.instructions(out, project.root))
    _emit_json(options, provisioning=written, **_rules_json(delivered))
    return 0 if delivered.ok else EXIT_PROBLEMS


def _write_local(build, rule_files, out: str) -> None:
    try:
        replace_tree(out, prometheus_rules.build_tree(build, rule_files))
    except OutputError as error:
        fail(str(error))


def _deliver_rules(delivery: rules_delivery.Delivery, rule_changes, rule_files,
                   options: Options) -> rules_delivery.Delivered:
    delivered = rules_delivery.deliver(delivery, rule_changes, rule_files)
    if options.json:
        return delivered
    for line in delivered.lines:
        click.echo(line, err=not delivered.ok)
    return delivered


def _rules_json(delivered: rules_delivery.Delivered | None) -> dict:
    if delivered is None:
        return {}
    return {"rules": delivered.json(),
            "prometheus": None if delivered.reloaded is None else {"reloaded": delivered.reloaded}}


# --- through the API -------------------------------------------------------------------------
# Terraform's phases: pre-flight, read what Grafana holds, plan (a value, without I/O), check the
# plan, print it, apply it, report. A saved plan (--plan FILE) skips the build and the planning:
# it is checked against what Grafana holds now instead.

def _deploy(project, connection, build, settings: DeploySettings, rule_files,
            delivery: rules_delivery.Delivery, options: Options) -> int:
    # the code's hashes, computed while Grafana is asked what it is and what it holds
    hashes = hash_dashboards(build.dashboards)
    grafana, server = _preflight(connection, options)
    datasource_uid = _datasource_uid(server, project.settings.datasource, connection)
    desired, secrets = _desired(project, build, settings, datasource_uid, server, options,
                                hashes)
    desired, current = _read_live(grafana, connection, server, desired, settings, options)
    plan = make_plan(current, desired, _plan_options(settings, connection, options))
    rule_changes = _plan_rules(delivery, rule_files)
    plan = rules_delivery.with_rules(plan, rule_changes)
    compared = {} if options.json else report.semantic_changes(
        plan, build.dashboards, desired, current, project.root)
    _print_plan(connection, server, plan, options, compared)
    _echo(options, rules_delivery.plan_lines(delivery, rule_changes,
                                             verbose=options.verbose >= 1))
    _check(server, plan, options)
    if options.plan_out:
        _save(plan, options.plan_out, options)
    if options.dry_run:
        return _dry_run(server, plan, options)
    _confirm(plan, options)
    _write_local(build, rule_files, project.settings.path("out"))
    result = _apply(grafana, rules_delivery.without_rules(plan), secrets, options)
    delivered = _deliver_rules(delivery, rule_changes, rule_files, options)
    return _report(server, plan, result, delivered, options)


def _deploy_saved(connection, settings: DeploySettings, path: str,
                  delivery: rules_delivery.Delivery, options: Options) -> int:
    plan = _load(path, connection, settings)
    try:  # the rules' preconditions are the engine's (or the rules directory's), not Grafana's
        delivery, rule_changes, rule_files = rules_delivery.saved(delivery, plan)
    except rules_delivery.Undelivered as error:
        fail(f"{path}: {error}; nothing was changed", EXIT_PROBLEMS)
    grafana, server = _preflight(connection, options)
    secrets = _saved_secrets(plan)
    _check_unchanged_since(grafana, connection, rules_delivery.without_rules(plan), options)
    _print_plan(connection, server, plan, options)
    _echo(options, rules_delivery.plan_lines(delivery, rule_changes,
                                             verbose=options.verbose >= 1))
    _check(server, plan, options)
    if options.dry_run:
        return _dry_run(server, plan, options)
    result = _apply(grafana, rules_delivery.without_rules(plan), secrets, options)
    delivered = _deliver_rules(delivery, rule_changes, rule_files, options)
    return _report(server, plan, result, delivered, options)


# --- pre-flight and the desired state --------------------------------------------------------

def _connect(connection, options: Options):
    log = (lambda line: click.echo(line, err=True)) if options.verbose >= 2 else None
    try:
        return connect(connection, pool_size=options.read_concurrency, log=log)
    except GrafanaUnavailable as error:
        fail(str(error))


def _preflight(connection, options: Options) -> tuple:
    """(the client, what Grafana this is): connected, detected, and the credentials checked
    for what this deploy needs, all before any write."""
    grafana = _connect(connection, options)
    try:
        server = detect(grafana, connection)
    except GrafanaUnavailable as error:
        fail(str(error))
    _check_permissions(grafana, connection, options)
    return grafana, server


def _check_permissions(grafana, connection, options: Options) -> None:
    """Stops (exit 2) when Grafana lists the caller's permissions and one this deploy needs is
    not among them: a token that cannot write is named here, not by a dozen refused saves.
    Where Grafana does not list them (permissions.py), the writes themselves will tell."""
    permissions = read_permissions(grafana, connection)
    wanted = {DEPLOY, "deploy --prune" if options.prune else "",
              "deploy --grafana-alerts" if options.grafana_alerts else ""}
    missing = [str(grant.requirement) for grant in permissions.grants(DEPLOY_REQUIREMENTS)
               if grant.granted is False and (grant.requirement.needed_for in wanted
                                              or (options.force and "--force" in
                                                  grant.requirement.needed_for))]
    if missing:
        fail(connection.redact(
            f"the credentials for Grafana at {connection.url} may not "
            f"{'; '.join(missing)} (from {permissions.source}); nothing was changed"))


def _datasource_uid(server: ServerInfo, name: str, connection) -> str:
    """The data source's uid, from the settings Grafana's frontend boots with (ServerInfo read
    them): they list every data source the account may query (GET /api/datasources/name/:name
    needs datasources:read, which only Admins have, and deploying dashboards needs an Editor)."""
    uid = server.datasource_uid(name)
    if not uid:
        fail(f"Grafana at {connection.url} has no data source named '{name}' (setting "
             "'datasource') that this account can query")
    return uid


def _desired(project, build, settings: DeploySettings, datasource_uid: str, server: ServerInfo,
             options: Options, hashes=None):
    """(the desired state, the secret behind each placeholder in its contact points);
    `hashes`: hash_dashboards(build.dashboards), started already."""
    groups, extra_folders = _alert_groups(project, build, settings, datasource_uid, server,
                                          options)
    routing, secrets = _routing(project, options)
    return desired_state(build.dashboards, groups, extra_folders, routing, hashes), secrets


def _alert_groups(project, build, settings: DeploySettings, datasource_uid: str,
                  server: ServerInfo, options: Options):
    """(groups, extra folders) for desired_state: empty without --grafana-alerts."""
    if not options.grafana_alerts:
        return [], []
    keep_firing_for = server.supports_keep_firing_for
    groups, problems = alerting.rule_groups(project.estate, build.rule_files, datasource_uid,
                                            settings.grafana_alerts_folder,
                                            project=settings.project,
                                            editable=settings.disable_provenance,
                                            keep_firing_for=keep_firing_for)
    if problems:
        report_declaration_error(project, DeclarationError(problems))
    dropped = [] if keep_firing_for else alerting.dropped_keep_firing_for(build.rule_files)
    if dropped:
        click.echo(f"dashsmith: {server.describe().split(' · ')[0]} has no keep_firing_for "
                   f"(it came in 12.0): {', '.join(dropped)} will stop firing as soon as the "
                   "condition clears", err=True)
    return groups, [settings.grafana_alerts_folder]


def _routing(project, options: Options):
    """(the routing Grafana should hold, its secrets) with --grafana-alerts; every secret is
    read now, before any write."""
    routing = project.estate.routing if options.grafana_alerts else None
    if routing is None:
        return None, {}
    try:
        return notifications.desired_routing(routing)
    except notifications.RoutingUnavailable as error:
        fail(f"{error}; nothing was changed")


# --- what Grafana holds, and the plan --------------------------------------------------------

def _read_live(grafana, connection, server: ServerInfo, desired, settings: DeploySettings,
               options: Options):
    """(the desired state on Grafana's existing folders, what Grafana holds)."""
    try:
        desired, renames, listed_folders = existing_folders.reuse(grafana, desired, server)
        if renames and not options.json:
            for derived, existing in sorted(renames.items()):
                click.echo(f"folder {derived}: using the existing folder {existing} "
                           "(same title path)")
        with report.progress("reading Grafana", live.reads_needed(desired),
                             not options.json) as advance:
            current = live.read(grafana, desired, project=settings.project,
                                grafana_alerts=options.grafana_alerts,
                                concurrency=options.read_concurrency, done=advance,
                                server=server, listed_folders=listed_folders)
    except Exception as error:  # noqa: BLE001 - any failure to read means we cannot plan
        _cannot_read(connection, error)
    return desired, current


def _cannot_read(connection, error: Exception) -> NoReturn:
    fail(connection.redact(f"cannot read the current state of Grafana at {connection.url}: "
                           f"{explain(error, connection)}; nothing was changed"))


def _plan_options(settings: DeploySettings, connection, options: Options) -> PlanOptions:
    return PlanOptions(settings.project, connection.url, connection.org_id, options.force,
                       options.prune, settings.disable_provenance, options.force_v2,
                       settings.ui_edits)


def _print_plan(connection, server: ServerInfo, plan: Plan, options: Options,
                compared: dict | None = None) -> None:
    if options.json:
        return
    saved = f" — the plan in {options.plan_file}" if options.plan_file else ""
    click.echo(f"Grafana {connection.url}{saved}" + (" — dry run, nothing will be written"
                                                    if options.dry_run else ""))
    click.echo(server.describe())
    _echo(options, report.plan_text(plan, verbose=options.verbose >= 1,
                                    diffs=options.dry_run or options.verbose >= 1,
                                    compared=compared, raw_diffs=options.verbose >= 2))


def _check(server: ServerInfo, plan: Plan, options: Options) -> None:
    """The plan's own safety limits: refused as a whole before any write."""
    refusals = plan.refusals(options.max_deletes)
    if refusals:
        _emit_json(options, server=server.as_json(),
                   plan=report.plan_json(plan, options.max_deletes))
        fail("; ".join(refusals) + "; nothing was changed")


def _confirm(plan: Plan, options: Options) -> None:
    """On a terminal, the plan just printed is applied only when the person says so, as
    `terraform apply` asks. Not asked: --yes, stdin not a terminal (a pipe, a script), CI set
    (every CI service sets it), JSON output (for a program), or nothing to write."""
    under_ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    if options.yes or options.json or not plan.writes or under_ci or not sys.stdin.isatty():
        return
    if not click.confirm("Apply these changes?", default=False):
        fail("apply cancelled; nothing was changed", EXIT_PROBLEMS)


def _dry_run(server: ServerInfo, plan: Plan, options: Options) -> int:
    _emit_json(options, server=server.as_json(), plan=report.plan_json(plan, options.max_deletes))
    return EXIT_PROBLEMS if plan.left_alone else 0


# --- saved plans -----------------------------------------------------------------------------

def _save(plan: Plan, path: str, options: Options) -> None:
    try:
        plan_file.save(plan, path)
    except plan_file.PlanFileError as error:
        fail(f"{error}; nothing was changed")
    _echo(options, [f"plan saved to {path} (deploy --plan {path} applies it)"])


def _load(path: str, connection, settings: DeploySettings) -> Plan:
    try:
        return plan_file.load(path, project=settings.project, grafana=connection.url,
                              org_id=connection.org_id)
    except plan_file.PlanFileError as error:
        fail(f"{error}; nothing was changed", EXIT_PROBLEMS)


def _saved_secrets(plan: Plan) -> dict[str, str]:
    """The secrets of the plan's contact points, read from the environment (or their files)
    now: a plan file holds none."""
    try:
        return notifications.secret_values(c.payload or {} for c in plan.of(CONTACT_POINT)
                                           if c.writes and c.operation != "delete")
    except notifications.RoutingUnavailable as error:
        fail(f"{error}; nothing was changed")


def _check_unchanged_since(grafana, connection, plan: Plan, options: Options) -> None:
    """Every item the plan writes is still as the plan saw it in Grafana; otherwise the plan
    is refused as a whole (a new one shows what changed)."""
    try:
        now = preconditions.read(grafana, plan, concurrency=options.read_concurrency)
    except Exception as error:  # noqa: BLE001 - any failure to read means we cannot check
        _cannot_read(connection, error)
    changed = plan.changed_since(now)
    if changed:
        fail(f"{options.plan_file}: Grafana changed since the plan was made; nothing was "
             "changed (deploy --plan-out makes a new plan):\n"
             + "\n".join(f"    {line}" for line in changed), EXIT_PROBLEMS)


# --- apply and report ------------------------------------------------------------------------

def _apply(grafana, plan: Plan, secrets: dict[str, str], options: Options):
    with report.progress("deploying", len(plan.writes), not options.json) as advance:
        result = apply(grafana, plan, secrets=secrets, concurrency=options.concurrency,
                       done=advance)
    _echo(options, report.result_text(result, verbose=options.verbose >= 1))
    return result


def _report(server: ServerInfo, plan: Plan, result,
            delivered: rules_delivery.Delivered | None, options: Options) -> int:
    _emit_json(options, server=server.as_json(), plan=report.plan_json(plan, options.max_deletes),
               result=report.result_json(result), routing=report.routing_json(result),
               **_rules_json(delivered))
    return 0 if result.ok and (delivered is None or delivered.ok) else EXIT_PROBLEMS


def _echo(options: Options, lines: list[str]) -> None:
    if not options.json:
        for line in lines:
            click.echo(line)


def _emit_json(options: Options, **sections) -> None:
    if options.json:
        click.echo(report.dumps({k: v for k, v in sections.items() if v is not None}))
