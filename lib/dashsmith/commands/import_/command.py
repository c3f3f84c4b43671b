"""`dashsmith import`: dashboards made in Grafana's UI become Python modules under dashboards/.

    dashsmith import exported.json ...            files (Grafana's JSON, or the API's envelope)
    dashsmith import --uid UID / --folder NAME / --all      from a live Grafana (deploy's
                                                            connection settings)

Every module is generated, run, built and compared with the original, and put through build's
checks with the project's other declarations, before anything is written; any failure writes
nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterable

import click

from dashsmith.commands.commandline import EXIT_ERROR, fail, load_project, report_declaration_error
from dashsmith.commands.import_ import buildable, codegen, live, metrics, roundtrip
from dashsmith.commands.import_.inputs import ImportFailed, Imported, read_file
from dashsmith.compiler.project import Project
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, connect, connection_options
from dashsmith.model.dashboard import Dashboard
from dashsmith.model.problems import DeclarationError
from dashsmith.model.rules import Record

DEFAULT_FOLDER = "Imported"


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--uid", "uids", multiple=True, metavar="UID",
              help="Import this dashboard from Grafana (repeatable).")
@click.option("--folder", "folders", multiple=True, metavar="NAME",
              help="Import every dashboard in this Grafana folder: its title, its path "
                   "('Parent/Child') or its uid (repeatable).")
@click.option("--all", "everything", is_flag=True,
              help="Import every dashboard in Grafana that the project does not declare yet.")
@click.option("--in-folder", metavar="PATH",
              help=f"Folder (title path) for dashboards from files that do not name one "
                   f"(default: '{DEFAULT_FOLDER}'). Dashboards from Grafana keep their folder.")
@click.option("--force", is_flag=True,
              help="Replace the module that already declares a dashboard's uid (if it declares "
                   "nothing else); with --folder/--all, also import declared dashboards again.")
@click.option("--no-metrics", is_flag=True,
              help="Do not write the catalog entries inferred for the metrics the queries read "
                   "and the catalog lacks (metrics/imported.py); only name them.")
@click.option("--dry-run", is_flag=True, help="Print the modules; write nothing.")
@click.option("--set-uid", metavar="UID",
              help="The uid the one file's dashboard is declared with (default: its own; for a "
                   "file without one, a slug of the file's name).")
@connection_options
@click.pass_context
def import_dashboards(ctx: click.Context, connection: Connection | None, files: tuple[str, ...],
                      uids: tuple[str, ...], folders: tuple[str, ...], everything: bool,
                      in_folder: str | None, force: bool, no_metrics: bool,
                      dry_run: bool, set_uid: str | None) -> None:
    """Turn Grafana dashboards into Python declarations under dashboards/."""
    project = load_project(ctx)
    if not (files or uids or folders or everything):
        raise click.UsageError("give JSON files, or --uid / --folder / --all to read Grafana")
    if set_uid is not None and (len(files) != 1 or uids or folders or everything):
        raise click.UsageError("--set-uid names the uid of one JSON file's dashboard: give "
                               "exactly one file, and no --uid / --folder / --all")
    declared = _declared(project)
    try:
        inputs = [read_file(path, set_uid) for path in files]
        if uids or folders or everything:
            found, skipped = _from_grafana(connection, uids, folders, everything,
                                           set() if force else set(declared))
            inputs += found
            for uid in skipped:
                click.echo(f"skipped {uid}: already declared at {declared[uid]} (--force "
                           "imports it again)")
        modules = _generate(inputs, in_folder, project, declared, force)
    except ImportFailed as error:
        fail(f"{error}; nothing was written")
    proposal = _metrics(project, inputs)
    writes = [(path, module.text) for path, module in modules]
    if proposal.new and not no_metrics:
        writes.append((proposal.path, proposal.text))
    if dry_run:
        for path, text in writes:
            click.echo(f"# {os.path.relpath(path, project.root)}\n{text}")
    else:
        _write(writes)
    done = "would write" if dry_run else "wrote"
    for path, module in modules:  # --dry-run says what the import says, after the modules
        _report(os.path.relpath(path, project.root), module, done)
    _next_step(project, proposal, no_metrics, done)


def _declared(project: Project) -> dict[str, str]:
    """uid → 'file:line' of every dashboard the project declares."""
    try:
        estate = project.estate
    except DeclarationError as error:
        report_declaration_error(project, error)
    return {d.uid: str(d.source.relative_to(project.root)) for d in estate.dashboards}


def _from_grafana(connection: Connection | None, uids: Iterable[str], folders: Iterable[str],
                  everything: bool, skip: set[str]) -> tuple[list[Imported], list[str]]:
    if connection is None:
        raise ImportFailed("--uid, --folder and --all read Grafana: set GRAFANA_URL or --url")
    try:
        grafana = connect(connection)
        return live.fetch(grafana, connection, uids=list(uids), folders=list(folders),
                          everything=everything, skip=skip)
    except GrafanaUnavailable as error:
        raise ImportFailed(str(error)) from None


def _generate(inputs: list[Imported], in_folder: str | None, project: Project,
              declared: dict[str, str], force: bool) -> list[tuple[str, codegen.Module]]:
    out: list[tuple[str, codegen.Module]] = []
    uids: dict[str, str] = {}  # uid → the input it came from
    paths: dict[str, str] = {}  # module path → the input it came from
    dashboards: dict[str, Dashboard] = {}  # module path → the dashboard it declares
    directory = project.settings.path("dashboards")
    for imported in inputs:
        folder = imported.folder if imported.folder is not None else in_folder or DEFAULT_FOLDER
        try:
            module = codegen.generate(imported, folder)
        except ImportFailed:
            raise
        except Exception as error:  # noqa: BLE001 - a shape of JSON the importer does not know
            raise ImportFailed(f"{imported.origin}: cannot import: {type(error).__name__}: "
                               f"{error}") from None
        path = _target(imported, module, directory, project.root, declared, force, paths)
        if module.uid in uids:
            raise ImportFailed(f"{imported.origin}: uid '{module.uid}' is also in "
                               f"{uids[module.uid]}")
        dashboard = roundtrip.declared_by(module.text, path)
        problems = roundtrip.mismatches(imported.dashboard, dashboard)
        if problems:
            raise ImportFailed(f"{imported.origin}: the generated module does not build the "
                               f"same dashboard: {'; '.join(problems[:5])} (a shape import "
                               "does not know yet)")
        uids[module.uid], paths[path] = imported.origin, imported.origin
        dashboards[path] = dashboard
        out.append((path, module))
    _refuse_what_build_refuses(project, dashboards, paths)
    return out


def _refuse_what_build_refuses(project: Project, dashboards: dict[str, Dashboard],
                               origins: dict[str, str]) -> None:
    """ImportFailed naming an input whose module the next `dashsmith build` would refuse
    (e.g. --in-folder nested deeper than Grafana allows)."""
    for path, problems in buildable.refusals(project, dashboards).items():
        found = "; ".join(str(project.relative(p)) for p in problems)
        raise ImportFailed(f"{origins[path]}: `dashsmith build` would refuse the module it "
                           f"becomes: {found}")


def _target(imported: Imported, module: codegen.Module, directory: str, root: str,
            declared: dict[str, str], force: bool, taken: dict[str, str]) -> str:
    """The module file: the one that declares this uid (replaced only with --force, and only
    if it declares nothing else), else the first free name of the title, the uid, title_2 ..."""
    where = declared.get(module.uid)
    if where:
        relative = where.split(":")[0]
        others = [uid for uid, at in declared.items() if at.split(":")[0] == relative]
        if not force or others != [module.uid]:
            hint = "; pass --force to replace that module" if others == [module.uid] else ""
            raise ImportFailed(f"{imported.origin}: uid '{module.uid}' is already declared at "
                               f"{where}{hint}")
        return os.path.join(root, relative)
    names = [module.name, codegen.module_name(module.uid)]
    names += [f"{module.name}_{number}" for number in range(2, 100)]
    for name in names:
        path = os.path.join(directory, name + ".py")
        if not os.path.exists(path) and path not in taken:
            return path
    raise ImportFailed(f"{imported.origin}: no free module name for '{module.title}'")


def _metrics(project: Project, inputs: list[Imported]) -> metrics.Proposal:
    """The catalog entries for what the imported dashboards read and the catalog lacks."""
    estate = project.estate
    records = [rule.record for rule_file in estate.rule_files for group in rule_file.groups
               for rule in group.rules if isinstance(rule, Record)]
    return metrics.propose([imported.dashboard for imported in inputs], estate.catalog, records,
                           project.settings.path("catalog"))


def _next_step(project: Project, proposal: metrics.Proposal, no_metrics: bool,
               done: str) -> None:
    where = os.path.relpath(proposal.path, project.root)
    if proposal.new:
        new = [m for m in proposal.metrics if m.name in set(proposal.new)]
        kinds = Counter(str(m.type) for m in new)
        recorded = sum(":" in m.name for m in new)
        what = ", ".join(f"{count} {kind}{'s' if count > 1 else ''}"
                         for kind, count in sorted(kinds.items()))
        outputs = "a recording rule's output" if recorded == 1 else "recording rules' outputs"
        rules = (f"; {recorded} of them {outputs} (a colon in the name), which read nothing "
                 "until the rules are in alerts/" if recorded else "")
        if no_metrics:
            click.echo(f"the queries read {len(new)} metrics the catalog lacks ({what}): "
                       f"{', '.join(proposal.new[:8])}{' ...' if len(new) > 8 else ''}; "
                       f"without --no-metrics, import infers them into {where}")
        else:
            click.echo(f"{done} {where}: {len(new)} metrics the queries read and the catalog "
                       f"lacked, inferred from the queries ({what}){rules}")
    if proposal.left_out:
        names = ", ".join(proposal.left_out[:3]) + (" ..." if len(proposal.left_out) > 3 else "")
        click.echo(f"  {len(proposal.left_out)} recording rules' outputs that "
                   "histogram_quantile() reads are not declared (a catalog entry cannot say "
                   f"they hold buckets): add their rules to alerts/ ({names})")
    for line in proposal.missing_labels[:10]:
        click.echo(f"  the catalog's {line}, which the queries read: add it there")
    if len(proposal.missing_labels) > 10:
        click.echo(f"  ... and {len(proposal.missing_labels) - 10} more metrics lacking labels")
    check = (f"check the inferred metrics in {where} (types and labels are guesses from the "
             "queries), then " if proposal.new and not no_metrics else "")
    click.echo(f"next: {check}`dashsmith lint`, then `dashsmith deploy`")


def _write(files: list[tuple[str, str]]) -> None:
    """All files or none: each is staged next to its target, then renamed into place."""
    staged: list[tuple[str, str]] = []
    try:
        for path, text in files:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".import-", suffix=".py",
                                                 dir=os.path.dirname(path))
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            staged.append((temporary, path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.remove(temporary)
        fail(f"cannot write {error.filename}: {error.strerror}", EXIT_ERROR)


def _report(path: str, module: codegen.Module, done: str = "wrote") -> None:
    click.echo(f"{done} {path}: '{module.title}' (uid {module.uid}) in folder '{module.folder}'")
    if module.carried:
        click.echo("  carried verbatim (neither the helpers nor grafanalib express them):")
        for line in module.carried:
            click.echo(f"    {line}")
    for warning in module.warnings:
        click.echo(f"  warning: {warning}")
