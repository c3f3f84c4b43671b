"""Folders that already exist in Grafana under the same title path are used as they are.

dashsmith gives a folder a uid derived from its title path; a folder made in Grafana's UI has
a generated one. Without this, adopting a dashboard from such a folder (dashsmith import, then
deploy) would move it into a second folder of the same name. Before planning, each folder
that is missing by uid but exists by title under the same parent is taken to be that folder:
the desired state is renamed to its uid. Folders of Grafana-managed rule groups keep their
derived uids, since a group's body names its folder.
"""

from __future__ import annotations

import dataclasses

from dashsmith.commands.deploy.desired import Desired
from dashsmith.grafana import reads


def reuse(grafana, desired: Desired) -> tuple[Desired, dict[str, str]]:
    """The desired state with existing folders' uids, and the renames (derived → existing)."""
    existing = reads.search_folders(grafana)
    uids = {hit["uid"] for hit in existing}
    keep = {group.folder_uid for group in desired.groups}
    renames: dict[str, str] = {}
    for folder in desired.folders:  # parents first
        if folder.uid in uids or folder.uid in keep:
            continue
        parent = folder.parent_uid or ""  # "" at the root
        parent = renames.get(parent, parent)
        same = [hit["uid"] for hit in existing
                if hit["title"] == folder.title and (hit.get("folderUid") or "") == parent]
        if len(same) == 1:
            renames[folder.uid] = same[0]
    return (_renamed(desired, renames) if renames else desired), renames


def _renamed(desired: Desired, renames: dict[str, str]) -> Desired:
    def uid(value):
        return renames.get(value, value)

    folders = [dataclasses.replace(f, uid=uid(f.uid), parent_uid=uid(f.parent_uid))
               for f in desired.folders]
    dashboards = [dataclasses.replace(d, folder_uid=uid(d.folder_uid)) for d in desired.dashboards]
    return dataclasses.replace(desired, folders=folders, dashboards=dashboards)
