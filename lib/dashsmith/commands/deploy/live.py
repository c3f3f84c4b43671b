"""What Grafana holds now, read without writing anything (Terraform's "refresh").

Reading is as cheap as the truth allows. One search lists every dashboard with its folder and
tags (so which carry dashsmith's marker). For each dashboard in the code or with the marker,
the newest entry of its version history says who saved it last: if that is this project's
dashsmith deploy of the code's hash, and the content the entry carries (`data`) hashes to it,
the dashboard is unchanged and its content need not be read at all. Otherwise the content and
the version history are read, so the plan can tell "changed in code" from "edited in Grafana"
and this project's dashboards from another's.

What the Grafana is (ServerInfo) changes what a read can prove:
- 12+: the save message is the grafana.app/message annotation, which survives another tool's
  GET-modify-PUT (kubectl, scripts): only the content proves who made it, so the shortcut needs
  the entry's data to hash as recorded. Search is eventually consistent there, so a dashboard
  of the code that search misses is looked up by its uid before it is taken for absent.
- a dashboard stored as schema v2 (a 406 from 12.x's legacy GET, meta.apiVersion v2* on 13.x)
  is read whole through its v2 API version, for the plan to name what a v1 save would lose.
- another tool's dashboard (grafana.app/managerId on 12+, meta.provisioned on any release) is
  named as such, for the plan to leave alone.

On the /apis path (a server serving dashboard.grafana.app v1 or v1beta1, ServerInfo.target) the
dashboards this project deployed carry its label: one paged LIST with that labelSelector reads
them all, with their content and metadata, and nothing more is read for one whose
metadata.generation is still the one dashsmith's write produced (the generation rises with any
change of the spec or the folder, whoever makes it: an annotation alone proves nothing) and
whose stamp names the object itself (ownership.stamp_holds: a copy of a dashsmith dashboard
under another name carries the stamp of the original: it is not dashsmith's, never pruned, and
named as such). One
whose generation moved is judged by its content, compared in the form Grafana stores after its
schema migrations (content.stored_form). Dashboards of the code that the LIST did not return
are looked up by their uid (or, when many, by one LIST of all dashboards); one without the label
(deployed through the legacy /api, or never by dashsmith) is read as on the legacy path. Folders
come from one LIST of folder.grafana.app where it is served.

With the notification routing in the code, Grafana's contact points, policy tree and mute
timings are read too, each as the hash of what Grafana answers (what a plan saw of them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from grafana_client.client import GrafanaClientError

from dashsmith.commands.deploy.alerting import (
    HASH_ANNOTATION,
    live_group_hash,
    normalize_group,
    recorded_group,
)
from dashsmith.commands.deploy.desired import Desired, DesiredDashboard
from dashsmith.grafana import reads, workers
from dashsmith.grafana.apis import ApisClient, Target
from dashsmith.grafana.content import (
    content_hash,
    dashboard_hash,
    normalize_dashboard,
    stored_hash,
)
from dashsmith.grafana.dynamic import is_v2_api_version, lost_structure
from dashsmith.grafana.ownership import (
    CREATED_BY,
    FOLDER_ANNOTATION,
    MARKER_TAG,
    MESSAGE_ANNOTATION,
    PROJECT_LABEL,
    UPDATED_BY,
    UPDATED_TIMESTAMP,
    Recorded,
    foreign_manager,
    recorded_deploy,
    stamp_holds,
    stamp_of,
    ui_edits_of,
)
from dashsmith.grafana.server import ServerInfo

HISTORY_LIMIT = 100  # versions searched for dashsmith's last save when someone saved after it
# On the /apis path, up to this many dashboards of the code missing from the project's LIST are
# looked up one GET each; more (a first deploy), and one LIST of all dashboards says which exist.
LOOKUPS_BEFORE_LIST = 20


@dataclass(frozen=True)
class LiveFolder:
    uid: str
    title: str
    parent_uid: str | None
    version: int
    resource_version: str | None = None  # /apis path: what an update must carry


@dataclass(frozen=True)
class LiveDashboard:
    uid: str
    title: str
    folder_uid: str  # "" at the root
    managed: bool  # carries MARKER_TAG
    version: int | None = None  # newest version (None: not read, not needed)
    recorded_hash: str | None = None  # what dashsmith last wrote (from the version history)
    recorded_project: str | None = None  # the project that wrote it
    content_hash: str | None = None  # of the normalized live content
    normalized: dict | None = None  # the live content, when it was read
    manager: str | None = None  # "terraform:tf-id": another tool manages it (left alone)
    # stored as schema v2 (a dynamic dashboard): what a v1 save over it would lose
    v2_lost: tuple[str, ...] | None = None
    # --- the /apis path ---
    resource_version: str | None = None  # what an update must carry (metadata.resourceVersion)
    labelled: bool | None = None  # carries this project's label (None: the legacy path)
    stored: bool = False  # `normalized` is Grafana's stored form (schema-migrated)
    ui_edits: str | None = None  # what its manager stamp lets Grafana's UI do
    # carries the dashsmith stamp of this project (its label) written to another object: a
    # copy (kubectl get → rename → create), not dashsmith's; names the project the stamp names
    copied_from: str | None = None
    # who last saved it and when (ISO-8601 UTC), when it was read in full
    edited_by: str | None = None
    edited_at: str | None = None

    @property
    def is_v2(self) -> bool:
        return self.v2_lost is not None


@dataclass(frozen=True)
class LiveGroup:
    folder_uid: str
    name: str
    managed: bool
    recorded_hash: str | None = None
    recorded_project: str | None = None
    content_hash: str | None = None
    normalized: dict | None = None

    @property
    def key(self) -> str:
        return f"{self.folder_uid}/{self.name}"


@dataclass(frozen=True)
class LiveRouting:
    """Grafana's notification setup, each item as the hash of what Grafana answers for it."""

    contact_points: dict[str, str] = field(default_factory=dict)  # uid → hash
    policy_tree: str | None = None
    mute_timings: dict[str, str] = field(default_factory=dict)  # name → hash


@dataclass
class Live:
    folders: dict[str, LiveFolder] = field(default_factory=dict)
    dashboards: dict[str, LiveDashboard] = field(default_factory=dict)
    groups: dict[str, LiveGroup] = field(default_factory=dict)
    routing: LiveRouting = field(default_factory=LiveRouting)
    target: Target | None = None  # read (and to be written) through /apis; None: legacy /api


def read(grafana, desired: Desired, *, project: str, grafana_alerts: bool, concurrency: int,
         done=None, server: ServerInfo | None = None,
         listed_folders: list[dict] | None = None) -> Live:
    """Grafana's current state as far as `desired`, and knowing what `project` deployed that the
    code no longer declares (to prune it, or list it), needs. Without `server`, Grafana is
    taken for an 11.x one (SQL storage, no /apis). `listed_folders`: the folder objects
    folder.grafana.app listed moments ago (existing_folders.reuse), not listed again."""
    target = server.target() if server is not None else None
    if target is not None and server is not None:
        live = _read_apis(grafana, desired, project, concurrency, done, server, target,
                          listed_folders)
    else:
        live = _read_legacy(grafana, desired, project, concurrency, done, server)
    if grafana_alerts:
        live.groups = _groups(grafana, desired, project, concurrency)
    if desired.routing is not None:
        live.routing = read_routing(grafana)
    return live


def _read_legacy(grafana, desired: Desired, project: str, concurrency: int, done,
                 server: ServerInfo | None) -> Live:
    live = Live()
    found = workers.run_all_or_raise(lambda f: read_folder(grafana, f.uid), desired.folders,
                                     concurrency, done)
    live.folders = {f.uid: f for f in found if f is not None}
    hits = {hit["uid"]: hit for hit in reads.search_dashboards(grafana)}
    code = {d.uid: d for d in desired.dashboards}
    if server is not None and server.search_eventually_consistent:
        unseen = _existing([uid for uid in code if uid not in hits], len(hits), grafana,
                           server)
        for hit in workers.run_all_or_raise(lambda uid: _lookup(grafana, uid), unseen,
                                            concurrency):
            if hit is not None:
                hits[hit["uid"]] = hit
    wanted = [uid for uid in hits if uid in code or MARKER_TAG in hits[uid]["tags"]]
    dashboards = workers.run_all_or_raise(
        lambda uid: _dashboard(grafana, hits[uid], code.get(uid), project, server), wanted,
        concurrency, done)
    live.dashboards = {d.uid: d for d in dashboards if d is not None}
    return live


# --- the /apis path ----------------------------------------------------------------------------

def _read_apis(grafana, desired: Desired, project: str, concurrency: int, done,
               server: ServerInfo, target: Target, listed_folders: list[dict] | None
               ) -> Live:
    apis = ApisClient(grafana)
    live = Live(target=target)
    folders = target.folder_resource()
    resource = target.dashboard_resource()
    # Three reads that depend on nothing, at once: the folders (few: one LIST, all pages,
    # rather than a GET each; none when existing_folders.reuse listed them); the one LIST
    # that finds everything this project deployed, metadata only (all a dashboard nobody
    # changed since needs: its label, what dashsmith recorded, its generation; its items are
    # checked for the label too: a server that ignored the selector would list every
    # dashboard); and the search for dashboards with dashsmith's marker, for those the LIST
    # does not return.
    independent: list[Callable[[], Any]] = [
        lambda: listed_folders if listed_folders is not None or folders is None
        else apis.list(folders),
        lambda: apis.list(resource, label_selector=f"{PROJECT_LABEL}={project}",
                          metadata_only=True),
        lambda: reads.search_dashboards(grafana, tag=MARKER_TAG)]
    listed_folders, listed, marked_hits = workers.run_all_or_raise(lambda read: read(),
                                                                   independent, 3)
    if listed_folders is not None:
        wanted = {f.uid for f in desired.folders}
        for item in listed_folders:
            folder = folder_from_object(item)
            if folder.uid in wanted:
                live.folders[folder.uid] = folder
        for _ in desired.folders:
            if done:
                done()
    else:
        found = workers.run_all_or_raise(lambda f: read_folder(grafana, f.uid),
                                         desired.folders, concurrency, done)
        live.folders = {f.uid: f for f in found if f is not None}

    code = {d.uid: d for d in desired.dashboards}
    owned = {item["metadata"]["name"]: item for item in listed
             if (item["metadata"].get("labels") or {}).get(PROJECT_LABEL) == project}
    unseen = [uid for uid in code if uid not in owned]
    objects = dict(owned)
    objects.update(_look_up(apis, resource, unseen, concurrency))
    # Dashboards with dashsmith's marker tag the LIST did not return: another project's (left
    # out by their label or save message, _maybe_ours), or deployed through the legacy /api
    # before this project took the /apis path (to be recognised, and pruned, as its own).
    # Search may lag behind; these are not the code's.
    marked = [hit["uid"] for hit in marked_hits if hit["uid"] not in objects]
    objects.update(_look_up(apis, resource, _maybe_ours(apis, resource, marked, project),
                            concurrency))
    # The whole object of the project's dashboards whose content matters: changed since
    # dashsmith wrote them, changed in the code (to show the difference), or no longer in it
    # (to name them). The first use of the code's hashes (desired.py computes them meanwhile).
    needed = [uid for uid, item in owned.items()
              if "spec" not in item and _content_needed(item, code.get(uid))]
    bodies = workers.run_all_or_raise(lambda uid: apis.get(resource, uid), needed, concurrency)
    objects.update({uid: body for uid, body in zip(needed, bodies, strict=True) if body})
    dashboards = workers.run_all_or_raise(
        lambda uid: dashboard_from_object(grafana, objects[uid], code.get(uid), project,
                                          server),
        list(objects), concurrency)
    for _ in desired.dashboards:
        if done:
            done()
    live.dashboards = {d.uid: d for d in dashboards if d is not None}
    return live


def _content_needed(item: dict, want: DesiredDashboard | None) -> bool:
    metadata = item.get("metadata")
    stamp = stamp_of(metadata)
    return (want is None or want.hash != stamp.hash or not stamp_holds(metadata)
            or (metadata or {}).get("generation") != stamp.generation)


def _maybe_ours(apis: ApisClient, resource, uids: list[str], project: str) -> list[str]:
    """Of `uids` (dashboards with dashsmith's marker that this project's LIST did not return),
    those that may be this project's: one metadata-only LIST of all dashboards (a page per
    500) says which exist and leaves out every one whose label, or whose last save message
    (a dashsmith deploy through the legacy /api records its project there, the
    grafana.app/message annotation), names another project. Otherwise another project's
    dashboards would be read one by one on every deploy of this one."""
    if not uids:
        return []
    wanted = set(uids)
    found = []
    for item in apis.list(resource, metadata_only=True):
        metadata = item.get("metadata") or {}
        name = metadata.get("name")
        if name not in wanted:
            continue
        label = (metadata.get("labels") or {}).get(PROJECT_LABEL)
        saved = recorded_deploy((metadata.get("annotations") or {}).get(MESSAGE_ANNOTATION))
        theirs = label or (saved.project if saved else None)
        if theirs in (None, project):
            found.append(name)
    return found


def _look_up(apis: ApisClient, resource, uids: list[str], concurrency: int,
             lookups: int = LOOKUPS_BEFORE_LIST) -> dict[str, dict]:
    """{uid: object} of those of `uids` that exist: a GET each, or, when there are more than
    `lookups` of them, a GET of each that one metadata-only LIST of all dashboards names."""
    if not uids:
        return {}
    if len(uids) > lookups:
        # which exist: from storage (not the lagging search index), metadata only; then the
        # whole object of each that does
        wanted = set(uids)
        uids = [item["metadata"]["name"] for item in apis.list(resource, metadata_only=True)
                if item["metadata"]["name"] in wanted]
    found = workers.run_all_or_raise(lambda uid: apis.get(resource, uid), uids, concurrency)
    return {uid: item for uid, item in zip(uids, found, strict=True) if item is not None}


def folder_from_object(item: dict) -> LiveFolder:
    metadata = item.get("metadata") or {}
    spec = item.get("spec") or {}
    annotations = metadata.get("annotations") or {}
    return LiveFolder(str(metadata.get("name")), str(spec.get("title") or ""),
                      annotations.get(FOLDER_ANNOTATION) or None,
                      int(metadata.get("generation") or 0),
                      str(metadata.get("resourceVersion") or "") or None)


def dashboard_from_object(grafana, item: dict, want: DesiredDashboard | None, project: str,
                          server: ServerInfo) -> LiveDashboard | None:
    """What a dashboard read through /apis (`item`, from a LIST or GET) is, for the plan."""
    metadata = item.get("metadata") or {}
    spec = item.get("spec") or {}
    annotations = metadata.get("annotations") or {}
    uid = str(metadata.get("name"))
    folder_uid = annotations.get(FOLDER_ANNOTATION) or ""
    tags: list = spec["tags"] if isinstance(spec.get("tags"), list) else []
    generation = metadata.get("generation")
    resource_version = str(metadata.get("resourceVersion") or "") or None
    stamp = stamp_of(metadata)
    edited_by, edited_at = _last_edit(metadata)
    stored_version = ((item.get("status") or {}).get("conversion") or {}).get("storedVersion")
    if (stamp.project is not None or stamp.hash is not None) and not stamp_holds(metadata):
        # A dashsmith stamp (label, hash, generation) that was not written to this object: a
        # copy of a dashsmith dashboard, whose generation (1, as new) may well match the one
        # recorded. Not dashsmith's: judged by its content, never pruned (not even through its
        # version history, whose message annotation the copy carries too).
        live_hash = dashboard_hash(spec)
        if want is not None and live_hash == stored_hash(want.json):
            live_hash = want.hash  # what the code says, as Grafana stores it
        return LiveDashboard(
            uid, str(spec.get("title") or uid), folder_uid, MARKER_TAG in tags,
            version=generation, content_hash=live_hash, normalized=normalize_dashboard(spec),
            manager=foreign_manager(annotations, project), resource_version=resource_version,
            labelled=False, stored=True, ui_edits=ui_edits_of(annotations),
            edited_by=edited_by, edited_at=edited_at,
            copied_from=stamp.project or "")
    if stamp.project is None:
        # Not deployed through /apis by any dashsmith project: what the version history says
        # (deployed through the legacy /api by this project, or never by dashsmith).
        hit = {"uid": uid, "title": spec.get("title") or uid, "folderUid": folder_uid,
               "tags": tags}
        found = _dashboard(grafana, hit, want, project, server)
        if found is None:
            return None
        return _replace(found, resource_version=resource_version, labelled=False,
                        version=generation if generation is not None else found.version)
    common: dict[str, Any] = {
        "uid": uid, "title": str(spec.get("title") or (want.title if want else uid)),
        "folder_uid": folder_uid,
        # read without its spec (a metadata-only LIST): unchanged since a dashsmith deploy
        # wrote it, with dashsmith's marker tag
        "managed": MARKER_TAG in (tags or []) if "spec" in item else True,
        "version": generation,
        "recorded_hash": stamp.hash, "recorded_project": stamp.project,
        # dashsmith's own stamp (kubectl, the project in its label) is no other tool's, whichever
        # project it names: the plan tells another project's dashboard by recorded_project
        "manager": foreign_manager(annotations, stamp.project),
        "resource_version": resource_version, "labelled": stamp.project == project,
        "ui_edits": ui_edits_of(annotations), "edited_by": edited_by, "edited_at": edited_at}
    if is_v2_api_version(stored_version):
        resource = server.dashboards_v2()
        v2_object = ApisClient(grafana).get(resource, uid) if resource is not None else None
        v2_spec = (v2_object or {}).get("spec") or {}
        return LiveDashboard(**{**common, "managed": common["managed"]
                                or MARKER_TAG in (v2_spec.get("tags") or [])},
                             v2_lost=lost_structure(v2_spec))
    if generation is not None and generation == stamp.generation:
        # Grafana's generation is the one dashsmith's write produced: nobody changed the spec
        # or the folder since, so the content is what dashsmith wrote. Nothing is hashed; the
        # content is kept only where the code changed (for the plan to show the difference).
        if want is None or want.hash == stamp.hash:
            return LiveDashboard(**common, content_hash=stamp.hash)
        return LiveDashboard(**common, content_hash=stamp.hash,
                             normalized=normalize_dashboard(spec), stored=True)
    live_hash = dashboard_hash(spec)
    if live_hash == stamp.stored_hash:
        # changed and changed back, or only moved: the content is still dashsmith's
        return LiveDashboard(**common, content_hash=stamp.hash)
    if want is not None and live_hash == stored_hash(want.json):
        # someone made it what the code now says
        return LiveDashboard(**common, content_hash=want.hash)
    normalized = normalize_dashboard(spec)
    return LiveDashboard(**common, content_hash=live_hash, normalized=normalized, stored=True)


def _last_edit(metadata: dict) -> tuple[str | None, str | None]:
    """Who last changed the object and when: grafana.app/updatedBy and updatedTimestamp, which
    the apistore sets when the spec or folder changes (prepare.go prepareObjectForUpdate),
    else who created it and when."""
    annotations = metadata.get("annotations") or {}
    who = annotations.get(UPDATED_BY) or annotations.get(CREATED_BY) or None
    when = annotations.get(UPDATED_TIMESTAMP) or metadata.get("creationTimestamp")
    return who, iso_utc(when)


def iso_utc(value) -> str | None:
    """An ISO-8601 UTC time ("2026-12-07T17:23:33Z") from what Grafana answers: RFC 3339 with
    any offset (an ISO date with its offset), or None when it is not one."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _replace(found: LiveDashboard, **changes) -> LiveDashboard:
    return dataclasses.replace(found, **changes)


def reads_needed(desired: Desired) -> int:
    """How many items read() reads one by one for the code (for a progress bar); dashboards
    with dashsmith's marker that the code no longer declares are read too, past it."""
    return len(desired.folders) + len(desired.dashboards)


def read_folder(grafana, uid: str) -> LiveFolder | None:
    data = reads.get(grafana, f"/folders/{uid}")
    if data is None:
        return None
    return LiveFolder(data["uid"], data["title"], data.get("parentUid") or None,
                      int(data.get("version") or 0))


def _existing(unseen: list[str], seen: int, grafana, server: ServerInfo) -> list[str]:
    """Of the code's uids search did not list, those that may exist. When they outnumber what
    search listed (a first deploy), one LIST of the stored dashboards (from storage, not the
    lagging index; a page per 500) is cheaper than a GET each, and says which exist."""
    resource = server.dashboards()
    if resource is None or len(unseen) <= seen:
        return unseen
    stored = {(item.get("metadata") or {}).get("name")
              for item in ApisClient(grafana).list(resource)}
    return [uid for uid in unseen if uid in stored]


def _lookup(grafana, uid: str) -> dict | None:
    """A search hit for `uid`, from the dashboard itself (search may not list it yet); None if
    there is no such dashboard."""
    try:
        answer = reads.get(grafana, f"/dashboards/uid/{uid}")
    except GrafanaClientError as error:
        if error.status_code != 406:
            raise
        return {"uid": uid, "title": uid, "folderUid": "", "tags": []}  # schema v2: it exists
    if answer is None:
        return None
    return {"uid": uid, "title": answer["dashboard"].get("title", uid),
            "folderUid": answer["meta"].get("folderUid") or "",
            "tags": answer["dashboard"].get("tags") or []}


def _dashboard(grafana, hit: dict, want: DesiredDashboard | None, project: str,
               server: ServerInfo | None = None) -> LiveDashboard | None:
    """`want`: the code's dashboard of this uid, if any."""
    uid, title = hit["uid"], hit["title"]
    folder_uid, managed = hit.get("folderUid") or "", MARKER_TAG in (hit.get("tags") or [])
    newest = reads.newest_version(grafana, uid) or {}
    stored = _stored_hash(newest)
    # the code's hash is first needed here, after the read (desired.py computes the hashes
    # meanwhile)
    desired_hash = want.hash if want is not None else None
    if desired_hash is not None and managed and stored == desired_hash:
        # The newest version holds the code's content and dashsmith's marker: unchanged,
        # whoever saved it (the plan needs no owner for that), so its message, which for a
        # first version takes a second read (reads.saved_message), is not needed.
        return LiveDashboard(uid, title, folder_uid, managed, version=newest.get("version"),
                             content_hash=stored)
    latest = _claimed(recorded_deploy(reads.saved_message(grafana, uid, newest)), project) \
        if newest else None
    if latest and (desired_hash is None
                   or (latest.project == project and latest.hash == desired_hash)) \
            and _holds(stored, latest.hash, server):
        # Saved last by a dashsmith deploy (this project's, of the code's content; or, for a
        # dashboard not in the code, any project's), and still that content: nothing more to
        # read.
        return LiveDashboard(uid, title, folder_uid, managed, version=newest.get("version"),
                             recorded_hash=latest.hash, recorded_project=latest.project,
                             content_hash=latest.hash)
    try:
        answer = reads.get(grafana, f"/dashboards/uid/{uid}")
    except GrafanaClientError as error:
        if error.status_code != 406:  # 12.x: "dashboard api version not supported" (v2)
            raise
        return _v2_dashboard(grafana, uid, hit, managed, latest, project, server, None)
    if answer is None:  # deleted since the search
        return None
    meta = answer["meta"]
    if is_v2_api_version(meta.get("apiVersion")):  # 13.x answers a lossy v1 view of it
        return _v2_dashboard(grafana, uid, hit, managed, latest, project, server, answer)
    normalized = normalize_dashboard(answer["dashboard"])
    recorded = latest or _claimed(_last_recorded(grafana, uid), project)
    return LiveDashboard(uid, answer["dashboard"].get("title", title),
                         meta.get("folderUid") or "", managed,
                         version=meta.get("version", answer["dashboard"].get("version")),
                         recorded_hash=recorded.hash if recorded else None,
                         recorded_project=recorded.project if recorded else None,
                         content_hash=content_hash(normalized), normalized=normalized,
                         manager=_manager(grafana, uid, meta, project, server),
                         # the newest version is the last save: who made it, and when
                         # (GetDashboardVersions: createdBy, created)
                         edited_by=newest.get("createdBy") or meta.get("updatedBy") or None,
                         edited_at=iso_utc(newest.get("created") or meta.get("updated")))


def _stored_hash(entry: dict) -> str | None:
    """The content hash of a version entry's `data` (GetDashboardVersions copies Data into each
    entry, 11.x to 13.x); None when it carries none."""
    data = entry.get("data")
    return dashboard_hash(data) if isinstance(data, dict) else None


def _holds(stored: str | None, recorded_hash: str, server: ServerInfo | None) -> bool:
    """Whether the newest version's content (`stored`, its hash) is what dashsmith recorded.
    On 12+ an entry without content proves nothing: its message is an annotation another
    tool's edit keeps."""
    if stored is None:
        return server is None or not server.search_eventually_consistent
    return stored == recorded_hash


def _manager(grafana, uid: str, meta: dict, project: str, server: ServerInfo | None
             ) -> str | None:
    """Who else manages the dashboard: file provisioning (meta.provisioned, any release), or
    on 12+ the tool its grafana.app/managerId names (read through /apis: the legacy meta does
    not carry it)."""
    if meta.get("provisioned"):
        return f"classic-file-provisioning:{meta.get('provisionedExternalId') or uid}"
    resource = server.dashboards() if server is not None else None
    if resource is None:
        return None
    found = ApisClient(grafana).get(resource, uid)
    return foreign_manager(((found or {}).get("metadata") or {}).get("annotations"), project)


def _v2_dashboard(grafana, uid: str, hit: dict, managed: bool, latest: Recorded | None,
                  project: str, server: ServerInfo | None, legacy: dict | None) -> LiveDashboard:
    """A dashboard stored as schema v2, read through the v2 API when the server serves one."""
    resource = server.dashboards_v2() if server is not None else None
    found = ApisClient(grafana).get(resource, uid) if resource is not None else None
    metadata = (found or {}).get("metadata") or {}
    spec = (found or {}).get("spec") or {}
    annotations = metadata.get("annotations") or {}
    meta = (legacy or {}).get("meta") or {}
    recorded = latest or _claimed(_last_recorded(grafana, uid), project)
    return LiveDashboard(
        uid, str(spec.get("title") or hit.get("title") or uid),
        annotations.get("grafana.app/folder") or meta.get("folderUid") or hit.get("folderUid")
        or "", managed or MARKER_TAG in (spec.get("tags") or []),
        version=metadata.get("generation", meta.get("version")),
        recorded_hash=recorded.hash if recorded else None,
        recorded_project=recorded.project if recorded else None,
        manager=foreign_manager(annotations, project), v2_lost=lost_structure(spec),
        edited_by=_last_edit(metadata)[0], edited_at=_last_edit(metadata)[1])


def _claimed(recorded: Recorded | None, project: str) -> Recorded | None:
    return recorded.claimed(project) if recorded else None


def _last_recorded(grafana, uid: str) -> Recorded | None:
    for version in reads.versions(grafana, uid, limit=HISTORY_LIMIT) or []:
        found = recorded_deploy(reads.saved_message(grafana, uid, version))
        if found:
            return found
    return None


def _groups(grafana, desired: Desired, project: str, concurrency: int) -> dict[str, LiveGroup]:
    """The groups of the code, and every group carrying a dashsmith marker (of any project)."""
    rules = reads.get(grafana, "/v1/provisioning/alert-rules") or []
    keys = {group.key: (group.folder_uid, group.name) for group in desired.groups}
    for rule in rules:
        if HASH_ANNOTATION in (rule.get("annotations") or {}):
            keys.setdefault(f"{rule['folderUID']}/{rule['ruleGroup']}",
                            (rule["folderUID"], rule["ruleGroup"]))
    groups = workers.run_all_or_raise(lambda key: read_group(grafana, *key, project),
                                      list(keys.values()), concurrency)
    return {g.key: g for g in groups if g is not None}


def group_path(folder_uid: str, name: str) -> str:
    return (f"/v1/provisioning/folder/{quote(folder_uid, safe='')}"
            f"/rule-groups/{quote(name, safe='')}")


def read_group(grafana, folder_uid: str, name: str, project: str) -> LiveGroup | None:
    """None when the group has no rules (Grafana: it does not exist)."""
    body = reads.get(grafana, group_path(folder_uid, name))
    if not body or not body.get("rules"):
        return None
    recorded = _claimed(recorded_group(body), project)
    return LiveGroup(folder_uid, name, recorded is not None,
                     recorded.hash if recorded else None, recorded.project if recorded else None,
                     live_group_hash(body), normalize_group(body))


ROUTING_PATH = "/v1/provisioning"


def read_routing(grafana) -> LiveRouting:
    points = reads.get(grafana, f"{ROUTING_PATH}/contact-points") or []
    tree = reads.get(grafana, f"{ROUTING_PATH}/policies")
    timings = reads.get(grafana, f"{ROUTING_PATH}/mute-timings") or []
    return LiveRouting({p["uid"]: content_hash(p) for p in points if p.get("uid")},
                       None if tree is None else content_hash(tree),
                       {t["name"]: content_hash(t) for t in timings if t.get("name")})
