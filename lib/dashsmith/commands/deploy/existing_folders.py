"""Folders that already exist in Grafana under the same title path are used as they are.

dashsmith gives a folder a uid derived from its title path; a folder made in Grafana's UI has
a generated one. Without this, adopting a dashboard from such a folder (dashsmith import, then
deploy) would move it into a second folder of the same name. Before planning, each folder
that is missing by uid but exists by title under the same parent is taken to be that folder:
the desired state is renamed to its uid. Folders of Grafana-managed rule groups keep their
derived uids, since a group's body names its folder.

Where Grafana serves folder.grafana.app (12.x v1beta1, 13.x v1), the folders are listed from
there: from storage, not from search, whose index lags behind writes on 12+ (unified search
gives no search-after-write guarantee), so a folder someone made seconds ago is found and not
made a second time. Elsewhere (11.x) search lists them, straight from SQL.
"""

from __future__ import annotations

import dataclasses

from dashsmith.commands.deploy.desired import Desired
from dashsmith.commands.deploy.live import folder_from_object
from dashsmith.grafana import reads
from dashsmith.grafana.apis import ApisClient
from dashsmith.grafana.server import ServerInfo


def reuse(grafana, desired: Desired, server: ServerInfo | None = None
          ) -> tuple[Desired, dict[str, str], list[dict] | None]:
    """The desired state with existing folders' uids, the renames (derived → existing), and
    the folder objects folder.grafana.app listed (None where search listed them), which
    live.read takes rather than listing them again. Without `server`, Grafana is taken for an
    11.x one (folders through search)."""
    listed = _listed(grafana, server)
    existing = _existing(grafana, listed)
    uids = {uid for uid, _, _ in existing}
    keep = {group.folder_uid for group in desired.groups}
    renames: dict[str, str] = {}
    for folder in desired.folders:  # parents first
        if folder.uid in uids or folder.uid in keep:
            continue
        parent = folder.parent_uid or ""  # "" at the root
        parent = renames.get(parent, parent)
        same = [uid for uid, title, parent_uid in existing
                if title == folder.title and parent_uid == parent]
        if len(same) == 1:
            renames[folder.uid] = same[0]
    return (_renamed(desired, renames) if renames else desired), renames, listed


def _listed(grafana, server: ServerInfo | None) -> list[dict] | None:
    """Every folder object of folder.grafana.app, where the server serves it."""
    resource = server.folders() if server is not None else None
    return ApisClient(grafana).list(resource) if resource is not None else None


def _existing(grafana, listed: list[dict] | None) -> list[tuple[str, str, str]]:
    """(uid, title, parent uid or "") of every folder Grafana holds: those `listed`, else
    those search lists."""
    if listed is not None:
        found = [folder_from_object(item) for item in listed]
        return [(f.uid, f.title, f.parent_uid or "") for f in found]
    return [(hit["uid"], hit["title"], hit.get("folderUid") or "")
            for hit in reads.search_folders(grafana)]


def _renamed(desired: Desired, renames: dict[str, str]) -> Desired:
    def uid(value):
        return renames.get(value, value)

    folders = [dataclasses.replace(f, uid=uid(f.uid), parent_uid=uid(f.parent_uid))
               for f in desired.folders]
    dashboards = [dataclasses.replace(d, folder_uid=uid(d.folder_uid)) for d in desired.dashboards]
    return dataclasses.replace(desired, folders=folders, dashboards=dashboards)
