"""What Grafana should hold after a deploy, from the build: folders (parent first), dashboards
(with dashsmith's marker and the hash of their normalized content) and, with --grafana-alerts,
rule groups."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .. import folders
from ..grafana.content import dashboard_hash, normalize_dashboard
from ..grafana.ownership import with_marker
from ..source import Source
from .alerting import DesiredGroup


@dataclass(frozen=True)
class DesiredFolder:
    uid: str
    title: str
    parent_uid: str | None
    path: str

    @property
    def depth(self) -> int:
        return len(folders.parts(self.path))


@dataclass(frozen=True)
class DesiredDashboard:
    uid: str
    title: str
    folder_uid: str
    json: dict  # as saved: the build's JSON with the marker tag, without id and version
    hash: str  # of the normalized JSON
    source: Source

    @functools.cached_property
    def normalized(self) -> dict:
        """Only for showing a difference: the hash is what deploy compares."""
        return normalize_dashboard(self.json)


@dataclass
class Desired:
    folders: list[DesiredFolder]
    dashboards: list[DesiredDashboard]
    groups: list[DesiredGroup] = field(default_factory=list)

    @property
    def hashes(self) -> dict[str, str]:
        return {d.uid: d.hash for d in self.dashboards}


def desired_state(compiled_dashboards, groups: list[DesiredGroup] = (),
                  extra_folders: list[str] = ()) -> Desired:
    """`compiled_dashboards`: render.CompiledDashboard values (Build.dashboards);
    `extra_folders`: folder paths needed by something else (the alert rules' folder)."""
    paths = [d.folder for d in compiled_dashboards] + list(extra_folders)
    dashboards = []
    for compiled in compiled_dashboards:
        saved = {k: v for k, v in with_marker(compiled.json).items() if k not in ("id", "version")}
        folder_uid = compiled.folder_uid if folders.parts(compiled.folder) else ""  # root
        dashboards.append(DesiredDashboard(compiled.uid, compiled.title, folder_uid, saved,
                                           dashboard_hash(compiled.json), compiled.source))
    return Desired(folder_tree(paths), dashboards, list(groups))


def folder_tree(paths) -> list[DesiredFolder]:
    """Every folder the paths need, each once, parents before children."""
    found: dict[str, DesiredFolder] = {}
    for path in paths:
        names = folders.parts(path)
        for depth, (uid, title, parent) in enumerate(folders.lineage(path), start=1):
            found.setdefault(uid, DesiredFolder(uid, title, parent, "/".join(names[:depth])))
    return sorted(found.values(), key=lambda f: (f.depth, f.path))
