"""Dashboards read from a live Grafana for import, with the folder each one is in (as the
title path dashsmith declares folders by). Uses the grafana package's connection and retries."""

from __future__ import annotations

from grafana_client import GrafanaApi

from dashsmith.commands.import_.inputs import ImportFailed, Imported, from_json
from dashsmith.grafana.connection import Connection, call
from dashsmith.grafana.reads import search_dashboards


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
    seen: set[str] = set()
    skipped: list[str] = []
    for uid in wanted:
        if uid in seen:
            continue
        seen.add(uid)
        if uid in skip and uid not in uids:
            skipped.append(uid)
            continue
        answer = call(connection, lambda uid=uid: grafana.dashboard.get_dashboard(uid),
                      f"read dashboard {uid}")
        folder_uid = (answer.get("meta") or {}).get("folderUid") or ""
        out.append(from_json(f"Grafana dashboard {uid}", answer, folder=paths.path(folder_uid)))
    return out, skipped


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
