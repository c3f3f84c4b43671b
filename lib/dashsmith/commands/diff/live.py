"""The dashboards deployed in Grafana as a snapshot, for `dashsmith diff --live`.

The grafana package (shared with deploy and import) holds the connection and what "the same"
means: connect() checks Grafana and the credentials, fetch_live_dashboards() reads dashsmith's
dashboards (those carrying its marker tag) and normalize_dashboard() strips what Grafana adds
on save. Both sides are normalized the same way, so only real differences remain. Grafana
holds no Prometheus rule files, so a live snapshot has no rules.

A dashboard Grafana holds as schema v2 (a dynamic dashboard) is compared through Grafana's
classic view of it, and a note on stderr says so and names what that view lacks: 12.x answers
its legacy GET with 406 (pkg/api/dashboard.go GetDashboard), so the view is read through the
classic /apis resource, which converts; 13.x answers the legacy GET with the view and
meta.apiVersion v2.
"""

from __future__ import annotations

import dataclasses

import click
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

from dashsmith.compiler.render import CompiledDashboard
from dashsmith.compiler.snapshot import Snapshot, SnapshotError
from dashsmith.grafana import reads, workers
from dashsmith.grafana.apis import ApisClient
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, connect, explain
from dashsmith.grafana.content import normalize_dashboard, stored_form
from dashsmith.grafana.dynamic import V2_REASON, classic_view, is_v2_api_version
from dashsmith.grafana.ownership import MARKER_TAG
from dashsmith.grafana.server import ServerInfo, detect
from dashsmith.model import folders


def of_grafana(connection: Connection, head: Snapshot) -> tuple[Snapshot, Snapshot]:
    """(Grafana's snapshot, `head` normalized for comparison with it)."""
    try:
        grafana = connect(connection)
        reader = _Reader(grafana, connection)
        marked = [hit["uid"] for hit in reads.search_dashboards(grafana, tag=MARKER_TAG)]
        # Dashboards of the build that exist in Grafana without dashsmith's marker, too.
        unmarked = [d.uid for d in head.dashboards if d.uid not in set(marked)]
        live = reader.read_all(marked + unmarked)
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
    # The code in the form Grafana keeps it at the schema version it holds the dashboard in
    # (12+ applies its migrations on save), so that they do not show as changes.
    versions = {uid: data.get("schemaVersion") for uid, (_, data) in live.items()}
    normalized = [dataclasses.replace(d, json=normalize_dashboard(_as_kept(d.json,
                                                                           versions.get(d.uid))))
                  for d in head.dashboards]
    return (Snapshot(f"Grafana {connection.url}", None, dashboards, rules=None),
            dataclasses.replace(head, dashboards=normalized, rules=None))


def _as_kept(code: dict, live_version: object) -> dict:
    """`code` migrated to `live_version` (content.stored_form) when Grafana holds the dashboard
    at a newer schema version than the code writes; else as it is."""
    if isinstance(live_version, int) and not isinstance(live_version, bool) \
            and live_version > _version(code.get("schemaVersion")):
        return stored_form(code, live_version)
    return code


def _version(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class _Reader:
    """{uid: (folder uid, normalized classic JSON)} of the dashboards that exist; a schema v2
    one through Grafana's classic view of it, with a note on stderr."""

    def __init__(self, grafana: GrafanaApi, connection: Connection):
        self.grafana, self.connection = grafana, connection
        self._server: ServerInfo | None = None

    def read_all(self, uids: list[str]) -> dict[str, tuple[str, dict]]:
        found = workers.run_all_or_raise(self._legacy, uids, 4)
        out: dict[str, tuple[str, dict]] = {}
        for uid, answer in zip(uids, found, strict=True):
            if answer is None:
                continue  # no such dashboard
            meta = answer.get("meta") or {}
            if answer.get("dashboard") is None or is_v2_api_version(meta.get("apiVersion")):
                answer = self._v2(uid, answer.get("dashboard") and answer)
                if answer is None:
                    continue
                meta = answer["meta"]
            out[uid] = (meta.get("folderUid") or "", normalize_dashboard(answer["dashboard"]))
        return out

    def _legacy(self, uid: str) -> dict | None:
        """The legacy GET's answer (None: no such dashboard; {} for 12.x's 406 of a schema v2
        one, an answer rather than a failure)."""
        try:
            answer: dict | None = reads.get(self.grafana, f"/dashboards/uid/{uid}")
            return answer
        except GrafanaClientError as error:
            if error.status_code == 406:
                return {}
            raise

    def _v2(self, uid: str, legacy: dict | None) -> dict | None:
        if self._server is None:
            self._server = detect(self.grafana, self.connection)
        view = classic_view(ApisClient(self.grafana), self._server, uid, legacy)
        if view is None:
            click.echo(f"dashboard {uid}: {V2_REASON}, and this Grafana serves no classic "
                       "view of it: not compared", err=True)
            return None
        lacks = f", which flattens its {', '.join(view.lost)}" if view.lost else " (a plain grid)"
        click.echo(f"dashboard {uid}: {V2_REASON}; compared through Grafana's classic view of "
                   f"it{lacks}; a deploy would save the code's classic dashboard over it",
                   err=True)
        return view.envelope


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
