"""The dashboards deployed in Grafana as a snapshot, for `dashsmith diff --live`.

The grafana package (shared with deploy and import) holds the connection and what "the same"
means: connect() checks Grafana and the credentials, fetch_live_dashboards() reads dashsmith's
dashboards (those carrying its marker tag) and normalize_dashboard() strips what Grafana adds
on save. Both sides are normalized the same way, so only real differences remain. Grafana
holds no Prometheus rule files, so a live snapshot has no rules.
"""

from __future__ import annotations

import dataclasses

from grafana_client import GrafanaApi

from dashsmith.compiler.render import CompiledDashboard
from dashsmith.compiler.snapshot import Snapshot, SnapshotError
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, connect, explain
from dashsmith.grafana.content import normalize_dashboard
from dashsmith.grafana.reads import fetch_live_dashboards
from dashsmith.model import folders


def of_grafana(connection: Connection, head: Snapshot) -> tuple[Snapshot, Snapshot]:
    """(Grafana's snapshot, `head` normalized for comparison with it)."""
    try:
        grafana = connect(connection)
        live = fetch_live_dashboards(grafana)
        # Dashboards of the build that exist in Grafana without dashsmith's marker, too.
        unmarked = [d.uid for d in head.dashboards if d.uid not in live]
        live.update(fetch_live_dashboards(grafana, uids=unmarked) if unmarked else {})
        paths = _FolderPaths(grafana, head)
        # A dashboard read from Grafana has no declaration behind it (the report shows none).
        # CompiledDashboard (render.py) types its source as always given: until it says
        # `Source | None`, this is the one place that knows better.
        dashboards = [CompiledDashboard(uid, str(data.get("title", "")).strip(),
                                        paths.of(folder_uid), data,
                                        source=None)  # type: ignore[arg-type]
                      for uid, (folder_uid, data) in sorted(live.items())]
    except GrafanaUnavailable as error:
        raise SnapshotError(str(error)) from None
    except Exception as error:  # noqa: BLE001 - any failed read means no comparison
        message = f"cannot read the dashboards at {connection.url}: {explain(error, connection)}"
        raise SnapshotError(connection.redact(message)) from None
    normalized = [dataclasses.replace(d, json=normalize_dashboard(d.json))
                  for d in head.dashboards]
    return (Snapshot(f"Grafana {connection.url}", None, dashboards, rules=None),
            dataclasses.replace(head, dashboards=normalized, rules=None))


class _FolderPaths:
    """Folder uid → title path ('Parent/Child'), as the build names folders. The build's own
    folders are known by their derived uids; any other is read from Grafana."""

    def __init__(self, grafana: GrafanaApi, head: Snapshot):
        self.grafana = grafana
        self.known = {"": ""}
        for dashboard in head.dashboards:
            self.known[folders.folder_uid(dashboard.folder)] = dashboard.folder

    def of(self, uid: str) -> str:
        if uid not in self.known:
            folder = self.grafana.folder.get_folder(uid)
            titles = [p.get("title", "") for p in folder.get("parents") or []]
            self.known[uid] = "/".join(titles + [folder.get("title", uid)])
        return self.known[uid]
