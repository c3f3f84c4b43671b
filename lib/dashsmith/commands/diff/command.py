"""`dashsmith diff`: what changes in dashboards and alert rules, panel by panel and rule by rule.

diff: exit 0 when nothing changed, 1 when something did, 2 when it could not compare.
"""

from __future__ import annotations

import json

import click

from dashsmith.commands.commandline import (
    EXIT_PROBLEMS,
    fail,
    load_project,
    renderer_or_fail,
    report_declaration_error,
    write_tree,
)
from dashsmith.commands.diff import render_markdown
from dashsmith.compare import render_text, semantic
from dashsmith.compare.changes import ADDED, REMOVED, Report
from dashsmith.compiler import snapshot
from dashsmith.compiler.snapshot import Snapshot, SnapshotError
from dashsmith.grafana.connection import Connection, connection_options
from dashsmith.model.problems import DeclarationError
from dashsmith.preview import gallery


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
            from dashsmith.commands.diff.live import of_grafana
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
    render = renderer_or_fail() if directory else None
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
        write_tree(directory, files)
    return links


_SIDE_NAMES = {"base": "before", "head": "after"}
