"""What Grafana holds now, read without writing anything (Terraform's "refresh").

Reading is as cheap as the truth allows. One search lists every dashboard with its folder and
tags (so which are dashsmith's). For each dashboard that matters, the newest entry of its version
history says who saved it last: if that is a dashsmith deploy whose hash equals the code's,
the dashboard is unchanged and its content need not be read at all. Otherwise the content and
the version history are read, so the plan can tell "changed in code" from "edited in Grafana".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from . import reads, workers
from .alerting import HASH_ANNOTATION, group_hash, normalize_group, recorded_group_hash
from .desired import Desired
from .normalize import MARKER_TAG, content_hash, normalize_dashboard, recorded_hash

HISTORY_LIMIT = 100  # versions searched for dashsmith's last save when someone saved after it


@dataclass(frozen=True)
class LiveFolder:
    uid: str
    title: str
    parent_uid: str | None
    version: int


@dataclass(frozen=True)
class LiveDashboard:
    uid: str
    title: str
    folder_uid: str  # "" at the root
    managed: bool  # carries MARKER_TAG
    version: int | None = None  # newest version (None: not read, not needed)
    latest_is_dashsmith: bool = False  # nobody saved it since dashsmith did
    recorded_hash: str | None = None  # what dashsmith last wrote (from the version history)
    content_hash: str | None = None  # of the normalized live content
    normalized: dict | None = None  # the live content, when it was read


@dataclass(frozen=True)
class LiveGroup:
    folder_uid: str
    name: str
    managed: bool
    recorded_hash: str | None = None
    content_hash: str | None = None
    normalized: dict | None = None
    provenance: str = ""

    @property
    def key(self) -> str:
        return f"{self.folder_uid}/{self.name}"


@dataclass
class Live:
    folders: dict[str, LiveFolder] = field(default_factory=dict)
    dashboards: dict[str, LiveDashboard] = field(default_factory=dict)
    groups: dict[str, LiveGroup] = field(default_factory=dict)


def read(grafana, desired: Desired, *, prune: bool, grafana_alerts: bool, concurrency: int,
         done=None) -> Live:
    """Grafana's current state as far as `desired` (and, with `prune`, deletion) needs it."""
    live = Live()
    found = workers.run_all_or_raise(lambda f: _folder(grafana, f.uid), desired.folders,
                                     concurrency, done)
    live.folders = {f.uid: f for f in found if f is not None}
    hits = {hit["uid"]: hit for hit in reads.search_dashboards(grafana)}
    hashes = desired.hashes
    wanted = [uid for uid in hits if uid in hashes or (prune and MARKER_TAG in hits[uid]["tags"])]
    dashboards = workers.run_all_or_raise(
        lambda uid: _dashboard(grafana, hits[uid], hashes.get(uid)), wanted, concurrency, done)
    live.dashboards = {d.uid: d for d in dashboards if d is not None}
    for uid, hit in hits.items():  # managed but out of the code, not to be pruned: search is enough
        if uid not in live.dashboards and MARKER_TAG in hit["tags"]:
            live.dashboards[uid] = _from_hit(hit)
    if grafana_alerts:
        live.groups = _groups(grafana, desired, prune, concurrency)
    return live


def reads_needed(desired: Desired) -> int:
    """How many items read() reads one by one at most (for a progress bar)."""
    return len(desired.folders) + len(desired.dashboards)


def _folder(grafana, uid: str) -> LiveFolder | None:
    data = reads.get(grafana, f"/folders/{uid}")
    if data is None:
        return None
    return LiveFolder(data["uid"], data["title"], data.get("parentUid") or None,
                      int(data.get("version") or 0))


def _from_hit(hit: dict) -> LiveDashboard:
    return LiveDashboard(hit["uid"], hit["title"], hit.get("folderUid") or "",
                         MARKER_TAG in (hit.get("tags") or []))


def _dashboard(grafana, hit: dict, desired_hash: str | None) -> LiveDashboard | None:
    base = _from_hit(hit)
    uid = base.uid
    newest = next(iter(reads.versions(grafana, uid, limit=1) or []), {})
    latest_hash = recorded_hash(newest.get("message"))
    if latest_hash and (latest_hash == desired_hash or desired_hash is None):
        # Saved last by dashsmith with this content: nothing more to read.
        return LiveDashboard(uid, base.title, base.folder_uid, base.managed,
                             version=newest.get("version"), latest_is_dashsmith=True,
                             recorded_hash=latest_hash, content_hash=latest_hash)
    answer = reads.get(grafana, f"/dashboards/uid/{uid}")
    if answer is None:  # deleted since the search
        return None
    normalized = normalize_dashboard(answer["dashboard"])
    recorded = latest_hash or _last_recorded_hash(grafana, uid)
    return LiveDashboard(uid, answer["dashboard"].get("title", base.title),
                         answer["meta"].get("folderUid") or "", base.managed,
                         version=answer["meta"].get("version", answer["dashboard"].get("version")),
                         latest_is_dashsmith=latest_hash is not None, recorded_hash=recorded,
                         content_hash=content_hash(normalized), normalized=normalized)


def _last_recorded_hash(grafana, uid: str) -> str | None:
    for version in reads.versions(grafana, uid, limit=HISTORY_LIMIT) or []:
        found = recorded_hash(version.get("message"))
        if found:
            return found
    return None


def _groups(grafana, desired: Desired, prune: bool, concurrency: int) -> dict[str, LiveGroup]:
    rules = reads.get(grafana, "/v1/provisioning/alert-rules") or []
    keys = {group.key: (group.folder_uid, group.name) for group in desired.groups}
    for rule in rules:
        if prune and HASH_ANNOTATION in (rule.get("annotations") or {}):
            keys.setdefault(f"{rule['folderUID']}/{rule['ruleGroup']}",
                            (rule["folderUID"], rule["ruleGroup"]))
    groups = workers.run_all_or_raise(lambda key: _group(grafana, *key), list(keys.values()),
                                      concurrency)
    found = {g.key: g for g in groups if g is not None}
    for rule in rules:  # managed groups outside the code, not to be pruned
        key = f"{rule['folderUID']}/{rule['ruleGroup']}"
        if key not in found and HASH_ANNOTATION in (rule.get("annotations") or {}):
            found[key] = LiveGroup(rule["folderUID"], rule["ruleGroup"], managed=True)
    return found


def group_path(folder_uid: str, name: str) -> str:
    return f"/v1/provisioning/folder/{quote(folder_uid, safe='')}/rule-groups/{quote(name, safe='')}"


def _group(grafana, folder_uid: str, name: str) -> LiveGroup | None:
    body = reads.get(grafana, group_path(folder_uid, name))
    if not body or not body.get("rules"):
        return None
    recorded = recorded_group_hash(body)
    provenance = next((r.get("provenance") or "" for r in body["rules"]), "")
    return LiveGroup(folder_uid, name, recorded is not None, recorded, group_hash(body),
                     normalize_group(body), provenance)
