"""What Grafana should hold after a deploy, from the build: folders (parent first), dashboards
(with dashsmith's marker and the hash of their normalized content) and, with --grafana-alerts,
rule groups and the notification routing; and a digest of it all, which a plan records."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from dashsmith.commands.deploy.alerting import DesiredGroup
from dashsmith.commands.deploy.notifications import DesiredRouting
from dashsmith.grafana.content import (
    content_hash,
    dashboard_hash,
    normalize_dashboard,
    stored_form,
)
from dashsmith.grafana.ownership import with_marker
from dashsmith.model import folders
from dashsmith.model.source import Source


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

    @functools.cached_property
    def stored_normalized(self) -> dict:
        """normalized, in the form Grafana stores it through /apis (schema-migrated,
        content.stored_form): what a dashboard read there (LiveDashboard.stored) is shown
        against, so that Grafana's own migrations do not show as differences."""
        return normalize_dashboard(stored_form(self.json))

    def compared_with(self, stored: bool) -> dict:
        """The form to show a live dashboard against: stored_normalized when it was read in
        Grafana's stored form (LiveDashboard.stored), else normalized."""
        return self.stored_normalized if stored else self.normalized


@dataclass
class Desired:
    folders: list[DesiredFolder]
    dashboards: list[DesiredDashboard]
    groups: list[DesiredGroup] = field(default_factory=list)
    routing: DesiredRouting | None = None
    digest: str = ""  # of the build's desired state (desired_state), before existing folders

    @property
    def hashes(self) -> dict[str, str]:
        return {d.uid: d.hash for d in self.dashboards}


def desired_state(compiled_dashboards, groups: Sequence[DesiredGroup] = (),
                  extra_folders: Sequence[str] = (),
                  routing: DesiredRouting | None = None) -> Desired:
    """`compiled_dashboards`: render.CompiledDashboard values (Build.dashboards);
    `extra_folders`: folder paths needed by something else (the alert rules' folder)."""
    paths = [d.folder for d in compiled_dashboards] + list(extra_folders)
    dashboards = []
    for compiled in compiled_dashboards:
        saved = {k: v for k, v in with_marker(compiled.json).items() if k not in ("id", "version")}
        folder_uid = compiled.folder_uid if folders.parts(compiled.folder) else ""  # root
        dashboards.append(DesiredDashboard(compiled.uid, compiled.title, folder_uid, saved,
                                           dashboard_hash(compiled.json), compiled.source))
    tree = folder_tree(paths)
    return Desired(tree, dashboards, list(groups), routing,
                   _digest(tree, dashboards, groups, routing))


def _digest(tree, dashboards, groups, routing: DesiredRouting | None) -> str:
    """sha256 of everything the desired state sends (secrets as their placeholders)."""
    return content_hash({
        "folders": [[f.uid, f.title, f.parent_uid] for f in tree],
        "dashboards": [[d.uid, d.folder_uid, d.hash] for d in dashboards],
        "rule_groups": [[g.key, g.hash] for g in groups],
        "routing": None if routing is None else [list(routing.contact_points),
                                                 routing.policy_tree,
                                                 list(routing.mute_timings)]})


def folder_tree(paths) -> list[DesiredFolder]:
    """Every folder the paths need, each once, parents before children."""
    found: dict[str, DesiredFolder] = {}
    for path in paths:
        names = folders.parts(path)
        for depth, (uid, title, parent) in enumerate(folders.lineage(path), start=1):
            found.setdefault(uid, DesiredFolder(uid, title, parent, "/".join(names[:depth])))
    return sorted(found.values(), key=lambda f: (f.depth, f.path))
