"""Dashboards read from a live Grafana for import, with the folder each one is in (as the
title path dashsmith declares folders by). Uses the grafana package's connection and retries.

A dashboard Grafana holds as schema v2 (a dynamic dashboard: 12.x with the toggle, 13.x after
any UI save) is imported from Grafana's classic (v1) view of it, with a warning that names what
that view lacks (tabs, auto grid, conditional rendering: grafana.dynamic.lost_structure). 12.x
answers the legacy GET of one with 406 (pkg/api/dashboard.go GetDashboard: "dashboard api
version not supported"), so the view is read through the classic /apis resource, which converts;
13.x answers the legacy GET with the converted view and meta.apiVersion v2.
"""

from __future__ import annotations

from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

from dashsmith.commands.import_.inputs import ImportFailed, Imported, from_json
from dashsmith.grafana.apis import ApisClient
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, call, explain
from dashsmith.grafana.dynamic import V2_REASON, classic_view, is_v2_api_version
from dashsmith.grafana.reads import search_dashboards
from dashsmith.grafana.server import ServerInfo, detect


def fetch(grafana: GrafanaApi, connection: Connection, *, uids: list[str], folders: list[str],
          everything: bool, skip: set[str]) -> tuple[list[Imported], list[str]]:
    """The dashboards asked for: each uid (which must exist), every dashboard in each folder,
    or all of them; and the uids left out because they are in `skip` (the project declares
    them) and were asked for by folder or --all only."""
    hits = call(connection, lambda: search_dashboards(grafana), "list the dashboards")
    paths = _FolderPaths(grafana, connection)
    wanted: list[str] = []
    known = {hit["uid"] for hit in hits}
    for uid in uids:
        if uid not in known:
            raise ImportFailed(f"Grafana at {connection.url}: no dashboard with uid '{uid}'")
        wanted.append(uid)
    for name in folders:
        matching = [hit["uid"] for hit in hits if paths.matches(hit.get("folderUid") or "", name)]
        if not matching:
            raise ImportFailed(f"Grafana at {connection.url}: no dashboards in a folder '{name}'")
        wanted += matching
    if everything:
        wanted += [hit["uid"] for hit in hits]
    out: list[Imported] = []
    reader = _Reader(grafana, connection)
    seen: set[str] = set()
    skipped: list[str] = []
    for uid in wanted:
        if uid in seen:
            continue
        seen.add(uid)
        if uid in skip and uid not in uids:
            skipped.append(uid)
            continue
        answer, warnings = reader.read(uid)
        folder_uid = (answer.get("meta") or {}).get("folderUid") or ""
        imported = from_json(f"Grafana dashboard {uid}", answer, folder=paths.path(folder_uid))
        imported.warnings += warnings
        out.append(imported)
    return out, skipped


class _Reader:
    """One dashboard as classic JSON in the API's envelope, and the warnings it comes with."""

    def __init__(self, grafana: GrafanaApi, connection: Connection):
        self.grafana, self.connection = grafana, connection
        self._server: ServerInfo | None = None

    @property
    def server(self) -> ServerInfo:
        if self._server is None:
            self._server = detect(self.grafana, self.connection)
        return self._server

    def read(self, uid: str) -> tuple[dict, list[str]]:
        answer = call(self.connection, lambda: self._legacy(uid), f"read dashboard {uid}")
        if answer is not None and not is_v2_api_version((answer.get("meta") or {})
                                                        .get("apiVersion")):
            return answer, []
        return self._v2(uid, answer)

    def _legacy(self, uid: str) -> dict | None:
        """The legacy GET's answer; None for 12.x's 406 of a schema v2 dashboard (an answer,
        not a failure to retry)."""
        try:
            answer: dict = self.grafana.dashboard.get_dashboard(uid)
            return answer
        except GrafanaClientError as error:
            if error.status_code == 406:
                return None
            raise

    def _v2(self, uid: str, legacy: dict | None) -> tuple[dict, list[str]]:
        """The classic view of a schema v2 dashboard (13.x's legacy answer, else the classic
        resource's conversion) and the warning naming what the view lacks."""
        try:
            view = classic_view(ApisClient(self.grafana), self.server, uid, legacy)
        except GrafanaUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - any failed read means no import
            raise ImportFailed(self.connection.redact(
                f"cannot read dashboard {uid} at {self.connection.url}: "
                f"{explain(error, self.connection)}")) from None
        if view is None:
            raise ImportFailed(f"Grafana dashboard {uid}: {V2_REASON}, and this Grafana "
                               "serves no classic view of it to import")
        what = (f"the module declares Grafana's classic (v1) view of it, which flattens its "
                f"{', '.join(view.lost)}; a deploy saves that view back as a classic dashboard"
                if view.lost else "the module declares its classic (v1) view (a plain grid: "
                "nothing is lost); a deploy saves it back as a classic dashboard")
        return view.envelope, [f"{V2_REASON}: {what}"]



class _FolderPaths:
    """Folder uid → title path ('Parent/Child'), read once per folder."""

    def __init__(self, grafana: GrafanaApi, connection: Connection):
        self.grafana, self.connection = grafana, connection
        self.known: dict[str, str] = {"": ""}

    def path(self, uid: str) -> str:
        if uid not in self.known:
            folder = call(self.connection, lambda: self.grafana.folder.get_folder(uid),
                          f"read folder {uid}")
            titles = [p.get("title", "") for p in folder.get("parents") or []]
            self.known[uid] = "/".join(titles + [folder.get("title", "")])
        return self.known[uid]

    def matches(self, uid: str, name: str) -> bool:
        return bool(uid) and name in (uid, self.path(uid), self.path(uid).rsplit("/", 1)[-1])
