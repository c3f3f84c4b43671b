"""`dashsmith preview`: pictures (PNG and SVG) of each dashboard's layout, with data from
Prometheus if given (the drawing is dashsmith.preview's)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from dashsmith.commands.commandline import (
    build_or_fail,
    fail,
    load_project,
    renderer_or_fail,
    write_tree,
)

if TYPE_CHECKING:
    from dashsmith.preview.data import DashboardData

PREVIEW_TIMEOUT = 15.0  # seconds per query: a range query over a dashboard's whole span


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
    render = renderer_or_fail()
    project = load_project(ctx)
    build = build_or_fail(project)
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
    write_tree(out, files)
    click.echo(f"drew {len(dashboards)} dashboards into {os.path.relpath(out)}")


def _data(dashboard: dict, url: str, span: str | None, scrape_interval: str) -> DashboardData:
    from dashsmith.preview.data import Window, fetch
    from dashsmith.prometheus.api import Prometheus, Unreachable
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
