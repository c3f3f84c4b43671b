"""`dashsmith doctor [--probe]`: what deploy will meet at the configured Grafana, before it
writes anything. Exit status: 0 deploy can proceed; 1 it cannot (a permission or the data source
missing, named; or the probe found a problem); 2 Grafana cannot be reached or used."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from grafana_client.api import GrafanaApi

from dashsmith.commands.commandline import EXIT_ERROR, EXIT_PROBLEMS
from dashsmith.commands.doctor import probe as probing
from dashsmith.compiler.project import Project
from dashsmith.grafana import permissions as permissions_module
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, connect, connection_options
from dashsmith.grafana.permissions import Grant, Permissions, read_permissions
from dashsmith.grafana.server import ServerInfo, detect
from dashsmith.model.settings import SettingsError

# connection_options, typed: it replaces the connection options by `connection`
_with_connection: Callable[[Callable[..., None]], Callable[..., None]] = connection_options


@dataclass
class Findings:
    """Everything doctor learnt, for the text and the JSON output."""

    connection: Connection
    info: ServerInfo | None = None
    permissions: Permissions | None = None
    grants: list[Grant] = field(default_factory=list)
    datasource: str | None = None  # the name checked, None when there is none to check
    datasource_uid: str | None = None
    probe: probing.ProbeResult | None = None
    probe_skipped: str = ""
    error: str = ""  # why Grafana cannot be used (exit 2)

    @property
    def missing(self) -> list[str]:
        """What deploy needs and the credentials lack, one phrase each."""
        out = [str(g.requirement) for g in self.grants
               if g.requirement.required and g.granted is False]
        if self.datasource is not None and self.datasource_uid is None:
            out.append(f"the data source '{self.datasource}' (a data source this account can "
                       "query, listed in /api/frontend/settings)")
        if self.probe is not None and self.probe.failure_kind == probing.REFUSED:
            out.append(self.probe.failure)
        return out

    @property
    def exit_code(self) -> int:
        if self.error or (self.probe is not None
                          and self.probe.failure_kind == probing.UNREACHABLE):
            return EXIT_ERROR
        probe_trouble = self.probe is not None and bool(
            self.probe.failure or self.probe.cleanup_errors)
        return EXIT_PROBLEMS if self.missing or probe_trouble else 0


@click.command()
@_with_connection
@click.option("--probe", is_flag=True,
              help="Also create a scratch folder and dashboard to measure this Grafana's "
                   "conflict status, version behaviour and search lag; both are deleted.")
@click.option("--datasource", metavar="NAME",
              help="The data source to look for (default: the project's 'datasource' setting).")
@click.option("--search-wait", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="--probe: seconds to wait for the scratch dashboard to show in search.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the findings.")
@click.pass_context
def doctor(ctx: click.Context, connection: Connection | None, probe: bool,
           datasource: str | None, search_wait: float, output_format: str) -> None:
    """Check the configured Grafana (GRAFANA_URL, GRAFANA_TOKEN...) before a deploy.

    Prints the Grafana version and the API path deploy will use, and whether the credentials
    may create folders and dashboards and query the data source, read from Grafana's list of the
    caller's permissions: nothing is written. With --probe, a scratch folder and dashboard show
    how this Grafana answers a stale save, an identical save and a search, then are deleted.
    """
    if connection is None:
        _emit_unusable(output_format, None, "no Grafana URL: set GRAFANA_URL or pass --url")
        return
    findings = Findings(connection, datasource=datasource or _project_datasource(ctx))
    try:
        grafana = connect(connection)
        findings.info = detect(grafana, connection)
    except GrafanaUnavailable as error:
        findings.error = str(error)
    else:
        _check(grafana, findings, probe, search_wait)
    if output_format == "json":
        click.echo(json.dumps(_as_json(findings), indent=2))
    else:
        _print_text(findings)
    ctx.exit(findings.exit_code)


def _project_datasource(ctx: click.Context) -> str | None:
    """The project's data source name, if doctor runs in a project (it need not)."""
    try:
        return Project.find(ctx.find_root().obj).settings.datasource
    except SettingsError:
        return None


def _check(grafana: GrafanaApi, findings: Findings, probe: bool, search_wait: float) -> None:
    info = findings.info
    assert info is not None
    findings.permissions = read_permissions(grafana, findings.connection)
    findings.grants = findings.permissions.grants(permissions_module.DEPLOY_REQUIREMENTS)
    if findings.datasource is not None:
        findings.datasource_uid = info.datasource_uid(findings.datasource)
    if not probe:
        return
    if findings.missing:
        findings.probe_skipped = "skipped: deploy cannot proceed, so nothing was written"
        return
    findings.probe = probing.run(grafana, findings.connection, info, search_wait=search_wait)


# --- output --------------------------------------------------------------------------------

def _print_text(findings: Findings) -> None:
    connection = findings.connection
    click.echo(f"Grafana at {connection.url}, as {connection.credential_source}")
    if findings.error:
        click.echo(f"dashsmith: {findings.error}", err=True)
        return
    info = findings.info
    assert info is not None
    for line in _server_lines(info):
        click.echo(f"  {line}")
    permissions = findings.permissions
    assert permissions is not None
    click.echo(f"permissions (from {permissions.source}):" if permissions.verified
               else f"permissions: not verified: {permissions.source}; `dashsmith doctor "
                    "--probe` tries the writes")
    for grant in findings.grants:
        click.echo(f"  {_grant_line(grant)}")
    if findings.datasource is None:
        click.echo("  -          data source: none to look for (pass --datasource NAME, or run "
                   "in a project)")
    elif findings.datasource_uid:
        click.echo(f"  ok         query the data source '{findings.datasource}' "
                   f"(uid {findings.datasource_uid})")
    else:
        click.echo(f"  MISSING    query the data source '{findings.datasource}': not among the "
                   "data sources this account can query")
    if findings.probe is not None:
        click.echo("probe (a scratch folder and dashboard):")
        for line in findings.probe.lines(info):
            click.echo(f"  {line}")
    elif findings.probe_skipped:
        click.echo(f"probe: {findings.probe_skipped}")
    _print_verdict(findings)


def _server_lines(info: ServerInfo) -> list[str]:
    lines = [info.describe()]
    apis = "; ".join(f"{group} {', '.join(versions)}"
                     for group, versions in info.served.items())
    lines.append(f"/apis serves: {apis}" if apis else
                 "/apis serves neither dashboards nor folders: deploy uses the legacy /api")
    if info.edition:
        lines.append(f"edition: {info.edition}")
    if info.namespace_source != "frontend settings":
        lines.append(f"namespace {info.namespace} derived from the org id (Grafana did not say; "
                     "wrong on Grafana Cloud)")
    if info.dashboard_v2_version:
        lines.append(f"dynamic dashboards (schema v2): served through "
                     f"dashboard.grafana.app/{info.dashboard_v2_version}")
    status = info.stale_save_status
    lines.append(f"a stale legacy save should answer {status} (from the version; --probe "
                 "measures it)" if status else "a stale legacy save answers 412 or 409 "
                                               "(version hidden; --probe measures it)")
    lines.append("search: eventually consistent (a new dashboard can be missing for a while)"
                 if info.search_eventually_consistent else "search: consistent after a save")
    lines.append("alert rules keep keep_firing_for" if info.supports_keep_firing_for else
                 "alert rules: this Grafana drops keep_firing_for (it came in 12.0)")
    return lines


def _grant_line(grant: Grant) -> str:
    requirement = grant.requirement
    if grant.granted is None:
        state = "unverified"
    elif grant.granted:
        state = "ok"
    else:
        state = "MISSING" if requirement.required else "missing"
    text = f"{state:<10} {requirement}"
    if grant.limited_to:
        text += f", only in {', '.join(grant.limited_to)}"
    if not requirement.required:
        text += f": for {requirement.needed_for}"
    return text


def _print_verdict(findings: Findings) -> None:
    missing = findings.missing
    probe = findings.probe
    if missing:
        click.echo(f"deploy cannot proceed: {'; '.join(missing)}")
    elif probe is not None and probe.failure:
        click.echo(f"deploy may not proceed: the probe stopped ({probe.failure})")
    elif probe is not None and probe.cleanup_errors:
        click.echo("deploy can proceed, but the probe left scratch objects behind (above)")
    else:
        unverified = findings.permissions is not None and not findings.permissions.verified
        click.echo("deploy can proceed" + (" (permissions unverified)"
                                           if unverified and probe is None else ""))


def _as_json(findings: Findings) -> dict[str, Any]:
    connection = findings.connection
    out: dict[str, Any] = {"url": connection.url, "credentials": connection.credential_source}
    if findings.error:
        return {**out, "error": findings.error, "exit": findings.exit_code}
    info, permissions = findings.info, findings.permissions
    assert info is not None and permissions is not None
    return {
        **out,
        "grafana": info.as_json(),
        "permissions": {"verified": permissions.verified, "source": permissions.source,
                        "grants": [grant.as_json() for grant in findings.grants]},
        "datasource": None if findings.datasource is None else {
            "name": findings.datasource, "uid": findings.datasource_uid,
            "found": findings.datasource_uid is not None},
        "probe": findings.probe.as_json() if findings.probe else None,
        "probe_skipped": findings.probe_skipped or None,
        "missing": findings.missing,
        "exit": findings.exit_code,
    }


def _emit_unusable(output_format: str, connection: Connection | None, message: str) -> None:
    if output_format == "json":
        click.echo(json.dumps({"url": connection.url if connection else None, "error": message,
                               "exit": EXIT_ERROR}, indent=2))
    click.echo(f"dashsmith: {message}", err=True)
    raise SystemExit(EXIT_ERROR)
