"""The emulator's in-memory state: records, id counters and the lock guarding them.

Folders and dashboards share one id sequence and one uid namespace, as they
share the `dashboard` table in Grafana 11.3. From 12.x (behaviour.unified_storage) the same
records are also the API server's objects: each carries a resourceVersion, labels and
annotations, its `version` is the object's generation, and its versions are resource history,
so /api and /apis read and write one store.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .behaviour import Behaviour, behaviour_for
from .kube import ResourceVersionClock
from .search_index import SearchIndex
from .values import generate_short_uid


@dataclass(frozen=True)
class Settings:
    min_refresh_interval: str = "5s"
    max_folder_depth: int = 4
    # [unified_alerting] base_interval and default rule group interval, in seconds.
    alerting_base_interval: int = 10
    default_group_interval: int = 60


@dataclass
class FolderRecord:
    id: int
    uid: str
    title: str
    parent_uid: str
    description: str
    version: int
    created: str
    updated: str
    created_by: str
    updated_by: str
    # API server object fields (12+): folder.grafana.app metadata; the parent is the
    # grafana.app/folder annotation, written from parent_uid.
    k8s_uid: str = ""
    resource_version: int = 0
    generation: int = 1
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


@dataclass
class DashboardRecord:
    id: int
    uid: str
    title: str
    folder_uid: str
    data: dict[str, Any]
    version: int
    created: str
    updated: str
    created_by: str
    updated_by: str
    provisioned: bool = False
    allow_ui_updates: bool = False
    external_id: str = ""
    plugin_id: str = ""
    # API server object fields (12+). `version` above is metadata.generation there; `data` is
    # the stored spec plus the legacy id/uid/version stamps (the /apis view strips them, as
    # the dashboard mutate hook does); api_version is the version it is stored as.
    k8s_uid: str = ""
    resource_version: int = 0
    api_version: str = "v0alpha1"
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def is_v2(self) -> bool:
        return self.api_version.startswith("v2")

    @property
    def tags(self) -> list[str]:
        """Dashboard.GetTags: Data.Get("tags").MustStringArray() (pkg/components/simplejson
        StringArray): a null element reads as "", and any other non-string element makes the
        whole array unreadable, so the dashboard has no tags at all."""
        tags = self.data.get("tags")
        if not isinstance(tags, list):
            return []
        out = []
        for tag in tags:
            if tag is None:
                out.append("")
            elif isinstance(tag, str):
                out.append(tag)
            else:
                return []
        return out


@dataclass
class VersionRecord:
    id: int
    dashboard_id: int
    dashboard_uid: str
    parent_version: int
    restored_from: int
    version: int
    created: str
    created_by: str
    message: str
    data: dict[str, Any]
    # Resource history fields (12+): the object as that write left it.
    resource_version: int = 0
    api_version: str = "v0alpha1"
    folder_uid: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    updated_by_uid: str = ""


@dataclass
class AlertRuleRecord:
    id: int
    uid: str
    folder_uid: str
    rule_group: str
    group_index: int
    interval_seconds: int
    title: str
    condition: str
    data: list[dict[str, Any]]
    no_data_state: str
    exec_err_state: str
    for_millis: int
    labels: dict[str, str]
    annotations: dict[str, str]
    is_paused: bool
    notification_settings: Any
    updated: str
    provenance: str  # "" (none), "api" or "file"
    version: int = 1
    # 12.4+ only (behaviour.rule_keep_firing_for); None where the release has no such field
    keep_firing_for_millis: int | None = None
    missing_series_evals_to_resolve: int | None = None


@dataclass
class Datasource:
    fields: dict[str, Any]

    @property
    def uid(self) -> str:
        return self.fields["uid"]

    @property
    def name(self) -> str:
        return self.fields["name"]


DEFAULT_CONTACT_POINT_NAME = "grafana-default-email"


def default_contact_point() -> dict[str, Any]:
    return {
        "uid": generate_short_uid(),
        "name": DEFAULT_CONTACT_POINT_NAME,
        "type": "email",
        "settings": {"addresses": "<example@email.com>"},
        "disableResolveMessage": False,
    }


def default_policy_tree() -> dict[str, Any]:
    return {"receiver": DEFAULT_CONTACT_POINT_NAME, "group_by": ["grafana_folder", "alertname"]}


@dataclass
class Store:
    settings: Settings
    datasources: list[Datasource]
    behaviour: Behaviour = field(default_factory=behaviour_for)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.resource_versions = ResourceVersionClock()
        self.search_index = SearchIndex()
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.database_ok = True
            self.folders: dict[str, FolderRecord] = {}
            self.dashboards: dict[str, DashboardRecord] = {}
            self.versions: dict[str, list[VersionRecord]] = {}
            self.alert_rules: dict[str, AlertRuleRecord] = {}
            self.contact_points: dict[str, dict[str, Any]] = {}
            self.contact_point_provenance: dict[str, str] = {}
            self.policy_tree: dict[str, Any] = default_policy_tree()
            self.policy_provenance = ""
            self.mute_timings: dict[str, dict[str, Any]] = {}  # name → {name, time_intervals}
            self._dashboard_ids = itertools.count(1)
            self._version_ids = itertools.count(1)
            self._rule_ids = itertools.count(1)
            self.routing_conflicts = 0  # routing writes still to answer 409 (a test hook)
            self.search_index.clear()
            point = default_contact_point()
            self.contact_points[point["uid"]] = point

    # --- ids ---------------------------------------------------------------

    def next_dashboard_id(self) -> int:
        return next(self._dashboard_ids)

    def next_version_id(self) -> int:
        return next(self._version_ids)

    def next_rule_id(self) -> int:
        return next(self._rule_ids)

    # --- folders -----------------------------------------------------------

    def folder_by_id(self, folder_id: int) -> FolderRecord | None:
        return next((f for f in self.folders.values() if f.id == folder_id), None)

    def ancestors(self, folder_uid: str) -> list[FolderRecord]:
        """The folders above `folder_uid`, root first (excluding the folder itself)."""
        chain: list[FolderRecord] = []
        current = self.folders.get(folder_uid)
        while current is not None and current.parent_uid:
            current = self.folders.get(current.parent_uid)
            if current is None or current in chain:
                break
            chain.insert(0, current)
        return chain

    def depth(self, folder_uid: str) -> int:
        """1 for a root folder, 2 for its children, ..."""
        return len(self.ancestors(folder_uid)) + 1

    def descendants(self, folder_uid: str) -> list[str]:
        """The uids of all folders below `folder_uid` (not including it)."""
        found: list[str] = []
        frontier = [folder_uid]
        while frontier:
            parent = frontier.pop()
            children = [f.uid for f in self.folders.values() if f.parent_uid == parent]
            found.extend(children)
            frontier.extend(children)
        return found

    def subtree_height(self, folder_uid: str) -> int:
        """Levels below `folder_uid` (0 for a leaf)."""
        children = [f.uid for f in self.folders.values() if f.parent_uid == folder_uid]
        return 1 + max(map(self.subtree_height, children)) if children else 0

    # --- dashboards --------------------------------------------------------

    def dashboard_by_id(self, dashboard_id: int) -> DashboardRecord | None:
        return next((d for d in self.dashboards.values() if d.id == dashboard_id), None)

    def uid_taken(self, uid: str) -> bool:
        return uid in self.dashboards or uid in self.folders

    def add_version(self, dashboard: DashboardRecord, parent_version: int, message: str,
                    restored_from: int = 0) -> None:
        self.versions.setdefault(dashboard.uid, []).append(VersionRecord(
            id=self.next_version_id(), dashboard_id=dashboard.id, dashboard_uid=dashboard.uid,
            parent_version=parent_version, restored_from=restored_from,
            version=dashboard.version, created=dashboard.updated, created_by=dashboard.updated_by,
            # Saves replace a record's data and only ever stamp its top level (id, uid,
            # version), so a shallow copy keeps the version intact (and saves stay fast).
            message=message, data=dict(dashboard.data)))

    def delete_dashboard(self, uid: str) -> None:
        self.dashboards.pop(uid, None)
        self.versions.pop(uid, None)
        self.search_index.changed(self, uid)

    # --- alerting ----------------------------------------------------------

    def rules_in_group(self, folder_uid: str, group: str) -> list[AlertRuleRecord]:
        rules = [r for r in self.alert_rules.values()
                 if r.folder_uid == folder_uid and r.rule_group == group]
        return sorted(rules, key=lambda r: (r.group_index, r.id))

    def rules_in_folders(self, folder_uids: set[str]) -> Iterator[AlertRuleRecord]:
        return (r for r in list(self.alert_rules.values()) if r.folder_uid in folder_uids)

    def group_interval(self, folder_uid: str, group: str) -> int | None:
        rules = self.rules_in_group(folder_uid, group)
        return rules[0].interval_seconds if rules else None

    def datasource(self, *, uid: str | None = None, name: str | None = None) -> Datasource | None:
        for source in self.datasources:
            if (uid is not None and source.uid == uid) \
                    or (name is not None and source.name == name):
                return source
        return None
