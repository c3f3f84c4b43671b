"""`dashsmith diff` and `dashsmith preview`.

diff: exit 0 when nothing changed, 1 when something did, 2 when it could not compare.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ..commandline import EXIT_PROBLEMS, fail, load_project, report_declaration_error
from ..grafana.connection import Connection, connection_options
from ..output import OutputError, replace_tree
from ..problems import DeclarationError
from . import gallery, render_markdown, render_text, semantic, snapshot
from .changes import ADDED, REMOVED, Report
from .snapshot import Snapshot, SnapshotError

if TYPE_CHECKING:
    from .preview import Picture
    from .preview_data import DashboardData

PREVIEW_TIMEOUT = 15.0  # seconds per query: a range query over a dashboard's whole span


@click.command()
@click.option("--base", metavar="REF",
              help="Compare with the project as committed at this git ref (e.g. origin/main). "
                   "Default: the merge base of HEAD and the default branch (origin/HEAD, main "
                   "or master), else HEAD.")
@click.option("--live", is_flag=True,
              help="Compare with the dashboards deployed in Grafana (connection as for deploy).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="markdown: for a pull-request comment.")
@click.option("--previews", "previews_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Also draw each changed dashboard before and after, as DIR/base/<uid>.png and "
                   "DIR/head/<uid>.png (and .svg), all on one page DIR/index.html; the markdown "
                   "report names them.")
@click.option("--preview-url", metavar="URL",
              help="Where DIR will be published; the markdown report links the pictures there.")
@click.option("--preview-page", metavar="URL",
              help="Where DIR/index.html (every changed dashboard's pictures on one page) will "
                   "be, e.g. its artifact URL; the markdown report links each dashboard there "
                   "(URL#uid).")
@click.option("--max-chars", type=click.IntRange(min=1000), default=render_markdown.MAX_CHARS,
              show_default=True,
              help="markdown: shorten the report to at most this many characters, saying what "
                   "it leaves out (a GitHub comment holds 65,536).")
@connection_options
@click.pass_context
def diff(ctx: click.Context, base: str | None, live: bool, fmt: str, previews_dir: str | None,
         preview_url: str | None, preview_page: str | None, max_chars: int,
         connection: Connection | None) -> None:
    """What changes in dashboards and alert rules, panel by panel and rule by rule."""
    if base and live:
        raise click.UsageError("give either --base REF or --live, not both")
    if live and connection is None:
        raise click.UsageError("--live needs Grafana's URL: --url or GRAFANA_URL")
    project = load_project(ctx)
    try:
        head = snapshot.of_project(project)
        if live:
            from .live import of_grafana
            assert connection is not None  # --live needs a URL: checked above
            old, head = of_grafana(connection, head)
        elif base:
            old = snapshot.at_ref(project, base)
        else:
            default = snapshot.default_base(project)
            # On stderr: stdout is the report, which CI pipes into a comment.
            click.echo(default.why, err=True)
            old = snapshot.at_ref(project, default.commit, label=default.label)
    except DeclarationError as error:
        report_declaration_error(project, error)
    except SnapshotError as error:
        fail(str(error))
    report = semantic.compare(old, head)
    links = _previews(report, old, head, previews_dir, preview_url, preview_page) \
        if previews_dir or preview_page else {}
    click.echo(_rendered(report, fmt, links, max_chars), nl=False)
    ctx.exit(EXIT_PROBLEMS if report else 0)


def _rendered(report: Report, fmt: str, links: dict[str, render_markdown.Preview],
              max_chars: int) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown.render(report, links, max_chars)
    return render_text.render(report)


def _previews(report: Report, old: Snapshot, head: Snapshot, directory: str | None,
              url: str | None, page: str | None) -> dict[str, render_markdown.Preview]:
    """Draw the changed dashboards on both sides into `directory`, with the page showing them
    all; their names, or links to them (at `url` or on the `page`), for the report."""
    sides = {"base": {d.uid: d for d in old.dashboards},
             "head": {d.uid: d for d in head.dashboards}}
    render = _renderer() if directory else None
    files: dict[str, bytes] = {}
    links: dict[str, render_markdown.Preview] = {}
    shown: list[tuple[str, str, dict[str, bytes]]] = []
    for diff in report.dashboards:
        names: dict[str, str] = {}
        pictures: dict[str, bytes] = {}
        for side, dashboards in sides.items():
            wanted = diff.status != (ADDED if side == "base" else REMOVED)
            dashboard = dashboards.get(diff.name)
            if not wanted or dashboard is None:
                continue
            path = f"{side}/{diff.name}.png"
            names[side] = f"{url.rstrip('/')}/{path}" if url else path
            if render is not None:
                picture = render(dashboard.json, None)
                files[path] = pictures[_SIDE_NAMES[side]] = picture.png
                files[f"{side}/{diff.name}.svg"] = picture.svg
        if page:
            links[diff.name] = render_markdown.Preview(page=f"{page}#{diff.name}")
        else:
            links[diff.name] = render_markdown.Preview(names.get("base"), names.get("head"),
                                                       linked=bool(url))
        shown.append((diff.name, diff.title or diff.name, pictures))
    if directory:
        files[gallery.PAGE] = gallery.page(f"Dashboards changed: {report.base} → {report.head}",
                                           shown)
        _write(directory, files)
    return links


_SIDE_NAMES = {"base": "before", "head": "after"}


def _renderer() -> Callable[[dict, DashboardData | None], Picture]:
    """preview.render; matplotlib, which draws, is an extra that a plain install lacks."""
    try:
        from .preview import render
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] != "matplotlib":
            raise
        fail("pictures of dashboards need matplotlib, which comes with the preview extra: "
             "pip install 'dashsmith[preview]'")
    return render


def _write(directory: str, files: dict[str, bytes]) -> None:
    try:
        replace_tree(directory, files)
    except OutputError as error:
        fail(str(error))


@click.command()
@click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
              help="Where the pictures go (default: previews/ in the project). The directory is "
                   "replaced as a whole.")
@click.option("--dashboard", "uids", multiple=True, metavar="UID",
              help="Only this dashboard (repeatable).")
@click.option("--prometheus", metavar="URL",
              help="Draw each panel's data from this Prometheus (e.g. http://localhost:9090).")
@click.option("--range", "span", metavar="DURATION",
              help="With --prometheus: the time range shown, back from now (default: the "
                   "dashboard's own, e.g. 6h).")
@click.pass_context
def preview(ctx: click.Context, out: str | None, uids: tuple[str, ...], prometheus: str | None,
            span: str | None) -> None:
    """Pictures (PNG and SVG) of each dashboard's layout, with data from Prometheus if given."""
    render = _renderer()
    project = load_project(ctx)
    try:
        build = project.build()
    except DeclarationError as error:
        report_declaration_error(project, error)
    dashboards = [d for d in build.dashboards if not uids or d.uid in uids]
    unknown = sorted(set(uids) - {d.uid for d in build.dashboards})
    if unknown:
        fail(f"no dashboard with uid {', '.join(unknown)}")
    files: dict[str, bytes] = {}
    for dashboard in dashboards:
        data = _data(dashboard.json, prometheus, span, project.settings.scrape_interval) \
            if prometheus else None
        picture = render(dashboard.json, data)
        files[f"{dashboard.uid}.png"] = picture.png
        files[f"{dashboard.uid}.svg"] = picture.svg
    out = out or os.path.join(project.root, "previews")
    _write(out, files)
    click.echo(f"drew {len(dashboards)} dashboards into {os.path.relpath(out)}")


def _data(dashboard: dict, url: str, span: str | None, scrape_interval: str) -> DashboardData:
    from ..prometheus.api import Prometheus, Unreachable
    from .preview_data import Window, fetch
    span = span or _dashboard_span(dashboard)
    try:
        window = Window.of(span, scrape_interval)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--range") from None
    try:
        return fetch(dashboard, Prometheus(url, timeout=PREVIEW_TIMEOUT), window)
    except Unreachable as error:
        fail(f"cannot reach Prometheus at {error}")


def _dashboard_span(dashboard: dict) -> str:
    """'6h' for a dashboard whose time range is now-6h .. now."""
    start = str((dashboard.get("time") or {}).get("from", ""))
    return start[len("now-"):] if start.startswith("now-") else "6h"
