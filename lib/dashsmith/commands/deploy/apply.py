"""Apply a Plan, exactly: folders parent-first (one nesting level at a time), then dashboards,
then rule groups, then deletions, then the notification routing (mute timings, contact points,
the policy tree that names them, then the contact points it no longer names). Writes within a
phase run on at most `concurrency` threads; routing writes one at a time, since Grafana saves
its whole notification configuration for each.

Every dashboard save sends the version the plan saw with `overwrite: false`, so an edit made
in Grafana between plan and save is refused by Grafana (412, or 409 on the newest versions)
and reported, never overwritten. A save retried after a transient failure may find that its
first attempt did land: the refusal is then checked against the version history (is the newest
version dashsmith's save of this very content?) and counted as done.

On the /apis path (Plan.target) a dashboard is created with POST, updated with PUT carrying the
metadata.resourceVersion the plan read (Grafana answers 409 if anyone wrote it since: reported,
never overwritten), keeping the labels and annotations others put on it, and deleted with a
DELETE whose preconditions are the object's uid and the resourceVersion the plan read, after
checking that it is still this project's; each write carries this project's label and what it
writes (ownership.stamped_metadata), including the generation it expects Grafana to give it
and the object's name (which ties the stamp to this object, so a create is one write).
Grafana's answer is checked against that: a Grafana that migrates the dashboard otherwise than
predicted, or counts generations otherwise, gets one more write of the metadata only (which
changes no generation), so the next deploy still finds the dashboard unchanged. Folders go
through folder.grafana.app where it is served.

One failure does not stop the others; what depends on a failed write (a folder's contents, the
policy tree on its contact points and mute timings) is not attempted. The Result names every
item and what happened to it, so a rerun (which plans again from what Grafana then holds)
converges.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from grafana_client.client import GrafanaClientError

from dashsmith.commands.deploy import notifications
from dashsmith.commands.deploy.live import ROUTING_PATH, group_path, read_group
from dashsmith.commands.deploy.plan import (
    CONTACT_POINT,
    DASHBOARD,
    FOLDER,
    ITEM_KINDS,
    MUTE_TIMING,
    POLICY_TREE,
    ROUTING_KINDS,
    RULE_GROUP,
    Action,
    Change,
    Plan,
)
from dashsmith.grafana import apis, reads, retry, workers
from dashsmith.grafana.connection import explain
from dashsmith.grafana.content import dashboard_hash, stored_hash
from dashsmith.grafana.ownership import (
    FOLDER_ANNOTATION,
    GENERATION_ANNOTATION,
    MANAGED_BY,
    MANAGER_ALLOWS_EDITS,
    MANAGER_ID,
    PROJECT_LABEL,
    STORED_HASH_ANNOTATION,
    deploy_message,
    foreign_manager,
    merged_metadata,
    recorded_deploy,
    stamp_holds,
    stamp_of,
    stamped_metadata,
)

CONFLICT_STATUSES = (409, 412)
# Threads per write slot on the /apis path (_Runner.write_slots): one whose write is in flight,
# one preparing the next write or checking the last answer.
PREPARE_AHEAD = 2
DISABLE_PROVENANCE = {"X-Disable-Provenance": "true"}

# Outcome statuses, as the summary counts them
CREATED, UPDATED, UNCHANGED, DRIFTED, DELETED, FAILED = (
    "created", "updated", "unchanged", "drifted", "deleted", "failed")
STATUSES = (CREATED, UPDATED, UNCHANGED, DRIFTED, DELETED, FAILED)
_DONE = {"create": CREATED, "update": UPDATED, "delete": DELETED}


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: str  # one of STATUSES
    detail: str = ""

    @property
    def applied(self) -> bool:
        return self.status in (CREATED, UPDATED, DELETED)


@dataclass(frozen=True)
class Result:
    outcomes: tuple[Outcome, ...]

    def counts(self) -> dict[str, int]:
        """Of the folders, dashboards and rule groups (the routing is reported as one unit)."""
        items = [o for o in self.outcomes if o.change.kind in ITEM_KINDS]
        return {status: sum(1 for o in items if o.status == status) for status in STATUSES}

    @property
    def routing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.change.kind in ROUTING_KINDS]

    @property
    def ok(self) -> bool:
        return all(o.status not in (DRIFTED, FAILED) for o in self.outcomes)

    def of(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]


class Conflict(Exception):
    """Grafana refused a conditional write: someone changed the item since the plan read it."""


def apply(grafana, plan: Plan, *, secrets: Mapping[str, str] | None = None,
          concurrency: int = 4, done=None) -> Result:
    """Execute `plan`, saving as its project; `secrets`: the value behind each placeholder in
    its contact points (notifications); `done()` is called after each write (for a progress
    bar)."""
    runner = _Runner(grafana, plan.project, concurrency, plan.options.disable_provenance,
                     secrets or {}, done, plan.target, plan.options.ui_edits)
    outcomes: dict[int, Outcome] = {}
    for index, change in enumerate(plan.changes):
        if not change.writes:
            status = DRIFTED if change.action is Action.DRIFTED else UNCHANGED
            outcomes[index] = Outcome(change, status)
    indexed = [(i, c) for i, c in enumerate(plan.changes) if c.writes]
    folders = sorted(((i, c) for i, c in indexed if c.kind == FOLDER),
                     key=lambda item: item[1].title.count("/"))
    for depth in sorted({c.title.count("/") for _, c in folders}):
        outcomes.update(runner.run([(i, c) for i, c in folders if c.title.count("/") == depth]))
    phases = [
        [(i, c) for i, c in indexed if c.kind == DASHBOARD and c.operation != "delete"],
        [(i, c) for i, c in indexed if c.kind == RULE_GROUP and c.operation != "delete"],
        [(i, c) for i, c in indexed if c.kind in ITEM_KINDS and c.operation == "delete"],
    ]
    for phase in phases:
        outcomes.update(runner.run(phase))
    routing = [
        [(i, c) for i, c in indexed if c.kind == MUTE_TIMING],
        [(i, c) for i, c in indexed if c.kind == CONTACT_POINT and c.operation != "delete"],
        [(i, c) for i, c in indexed if c.kind == POLICY_TREE],
        [(i, c) for i, c in indexed if c.kind == CONTACT_POINT and c.operation == "delete"],
    ]
    for phase in routing:
        outcomes.update(runner.run(phase, concurrency=1))
    return Result(tuple(outcomes[i] for i in range(len(plan.changes))))


class _Runner:
    def __init__(self, grafana, project: str, concurrency: int, disable_provenance: bool,
                 secrets: Mapping[str, str], done, target: apis.Target | None = None,
                 ui_edits: str = "allow"):
        self.grafana = grafana
        self.target = target
        self.ui_edits = ui_edits
        # On the /apis path every write goes through ApisClient, which holds one of these
        # slots for the HTTP exchange alone: `concurrency` writes in flight at Grafana, as on
        # the legacy path, while more threads (PREPARE_AHEAD per slot) build, encode and hash
        # the next dashboards and decode and check the last answers (a dashboard's CPU work,
        # about 1 ms of a write, is then no longer added to every write's round trip).
        self.write_slots = threading.BoundedSemaphore(max(1, concurrency))
        self.apis = apis.ApisClient(grafana, write_slots=self.write_slots) \
            if target is not None else None
        self.project = project
        self.concurrency = concurrency
        self.disable_provenance = disable_provenance
        self.secrets = secrets
        self.done = done
        self.failed_folders: set[str] = set()
        self.failed_routing: set[str] = set()  # the routing kinds of which a write failed

    def run(self, items: list[tuple[int, Change]],
            concurrency: int | None = None) -> dict[int, Outcome]:
        out, todo = {}, []
        for index, change in items:
            missing = self._missing(change)
            if missing:
                out[index] = Outcome(change, FAILED, f"not attempted: {missing}")
                self._failed(change)
                if self.done:
                    self.done()
            else:
                todo.append((index, change))
        threads = concurrency or self.concurrency
        if concurrency is None and self._gated(todo):
            threads *= PREPARE_AHEAD
        for (index, change), _, error in workers.run_all(self._write, todo, threads,
                                                          self.done):
            out[index] = self._outcome(change, error)
        return out

    def _gated(self, items: list[tuple[int, Change]]) -> bool:
        """Whether every write of `items` goes through ApisClient (bounded by write_slots):
        dashboards on the /apis path, and folders where folder.grafana.app is served."""
        if self.target is None:
            return False
        kinds = {DASHBOARD, FOLDER} if self.target.folders else {DASHBOARD}
        return all(change.kind in kinds for _, change in items)

    def _missing(self, change: Change) -> str | None:
        """What `change` needs that could not be written, if anything."""
        if change.kind in ITEM_KINDS:
            if change.folder_uid in self.failed_folders and change.operation != "delete":
                return f"folder {change.folder_uid} could not be written"
            return None
        if change.kind == POLICY_TREE and self.failed_routing & {MUTE_TIMING, CONTACT_POINT}:
            return "a contact point or mute timing it names could not be written"
        if change.operation == "delete" and POLICY_TREE in self.failed_routing:
            return "the policy tree, which may still name it, could not be set"
        return None

    def _failed(self, change: Change) -> None:
        if change.kind == FOLDER:
            self.failed_folders.add(change.key)
        if change.kind in ROUTING_KINDS:
            self.failed_routing.add(change.kind)

    def _outcome(self, change: Change, error: BaseException | None) -> Outcome:
        if error is None:
            return Outcome(change, _DONE[str(change.operation)])
        self._failed(change)
        if isinstance(error, Conflict):
            return Outcome(change, DRIFTED, str(error))
        return Outcome(change, FAILED, explain(error))

    def _write(self, item: tuple[int, Change]) -> None:
        _, change = item
        write = {FOLDER: self._folder, DASHBOARD: self._dashboard, RULE_GROUP: self._group,
                 MUTE_TIMING: self._mute_timing, CONTACT_POINT: self._contact_point,
                 POLICY_TREE: self._policy_tree}
        write[change.kind](change)

    # --- folders -----------------------------------------------------------------------------

    def _folder(self, change: Change) -> None:
        if self.target is not None and self.target.folders:
            self._apis_folder(change)
            return
        api = self.grafana.folder
        fields = change.payload or {}
        if change.operation == "create":
            def create(attempt):
                try:
                    api.create_folder(fields["title"], uid=fields["uid"],
                                      parent_uid=fields["parentUid"])
                except GrafanaClientError as error:
                    if not (attempt > 1 and error.status_code in CONFLICT_STATUSES
                            and self._folder_is(fields)):
                        raise
            retry.call(create)
            return
        current = retry.call(lambda attempt: api.get_folder(fields["uid"]))
        if current.get("title") != fields["title"]:
            self._conditional(lambda: api.update_folder(fields["uid"], title=fields["title"],
                                                        version=change.version),
                              lambda: self._folder_is(fields), f"folder {fields['uid']}")
        if (current.get("parentUid") or None) != fields["parentUid"]:
            retry.call(lambda attempt: api.move_folder(fields["uid"], fields["parentUid"] or ""))

    def _folder_is(self, fields: dict) -> bool:
        current = retry.call(lambda attempt: self.grafana.folder.get_folder(fields["uid"]))
        return current.get("title") == fields["title"]

    # --- dashboards --------------------------------------------------------------------------

    def _dashboard(self, change: Change) -> None:
        if self.target is not None:
            self._apis_dashboard(change)
            return
        if change.operation == "delete":
            self._delete_dashboard(change)
            return
        dashboard = dict(change.payload or {})
        if change.operation == "update" and change.version is not None:
            dashboard["version"] = change.version
        envelope = {"dashboard": dashboard, "folderUid": change.folder_uid,
                    "message": deploy_message(change.hash or "", self.project), "overwrite": False}
        # A create refused as "already exists" may be this very save landing twice, or, on
        # 12+, search having been behind: what the uid holds decides (no duplicate is made).
        self._conditional(lambda: self.grafana.dashboard.update_dashboard(envelope),
                          lambda: self._newest_save(change.key) == (change.hash, self.project),
                          f"dashboard {change.key}", check_first=change.operation == "create")

    def _delete_dashboard(self, change: Change) -> None:
        # DELETE takes no version: check just before that nobody saved it since the plan.
        newest = reads.newest_version(self.grafana, change.key)
        if newest is None:
            return  # already gone
        if change.version is not None and newest.get("version") != change.version:
            raise Conflict(f"dashboard {change.key} was saved in Grafana during this deploy "
                           f"(version {newest.get('version')}, planned {change.version}); "
                           "not deleted")
        self._delete(lambda: self.grafana.dashboard.delete_dashboard(change.key))

    def _newest_save(self, uid: str) -> tuple[str, str | None] | None:
        """(hash, project) of the newest version, if dashsmith saved it."""
        newest = reads.newest_version(self.grafana, uid)
        recorded = recorded_deploy(reads.saved_message(self.grafana, uid, newest)) \
            if newest else None
        return (recorded.hash, recorded.project) if recorded else None

    # --- the /apis path -----------------------------------------------------------------------

    def _apis_dashboard(self, change: Change) -> None:
        assert self.target is not None and self.apis is not None
        resource = self.target.dashboard_resource()
        what = f"dashboard {change.key}"
        if change.operation == "delete":
            self._apis_delete(resource, change)
            return
        payload = change.payload or {}
        spec = {k: v for k, v in payload.items() if k not in ("id", "uid", "version")}
        stored = stored_hash(payload)
        # Grafana gives a new object generation 1, and raises it by one with a change of the
        # spec or the folder (prepare.go); checked against its answer below.
        expected = 1 if change.operation == "create" else int(change.version or 0) + 1
        current: dict | None = None
        if change.operation != "create":
            if not change.seen.resource_version:
                raise Conflict(f"{what}: the plan has no resourceVersion to update it with "
                               "(made on the legacy /api?); make a new plan")
            # The object as it is, for the labels and annotations others put on it (a PUT
            # replaces the whole metadata); the PUT itself is conditional on the
            # resourceVersion the plan read.
            current = self.apis.get(resource, change.key)
            if current is None:
                raise Conflict(f"{what} was deleted in Grafana during this deploy; nothing was "
                               "written — run deploy again")
        # the stamp names the object (metadata.name, the dashboard uid), which ties it to
        # this object in the create itself: no second write to record what Grafana assigns
        metadata = stamped_metadata(change.key, project=self.project, code_hash=change.hash or "",
                                    stored=stored, generation=expected,
                                    folder_uid=change.folder_uid, ui_edits=self.ui_edits)
        wanted = metadata
        if change.owner not in (None, self.project):
            # --force over another dashsmith project's dashboard: Grafana refuses to change a
            # manager's identity (403, "remove the existing manager first, then add the new
            # one"), so this write removes it and _confirm stamps this project's
            metadata = {**metadata, "annotations": {
                k: v for k, v in metadata["annotations"].items()
                if k not in (MANAGED_BY, MANAGER_ID, MANAGER_ALLOWS_EDITS)}}
        answer: dict | None
        if change.operation == "create":
            try:
                answer = self.apis.create(resource, {"metadata": metadata, "spec": spec})
            except apis.AlreadyExists:
                # this save landing twice (its answer lost), or someone created it since the
                # plan: what the uid holds decides, nothing is overwritten
                answer = self._landed(resource, change)
                if answer is None:
                    raise Conflict(f"{what} was created in Grafana during this deploy; nothing "
                                   "was overwritten — run deploy again to see the difference"
                                   ) from None
        else:
            metadata = merged_metadata((current or {}).get("metadata"), metadata)
            metadata["resourceVersion"] = change.seen.resource_version
            try:
                answer = self.apis.update(resource, {"metadata": metadata, "spec": spec})
            except apis.Conflict as error:
                landed = self._landed(resource, change) if error.retried else None
                if landed is None:
                    raise Conflict(f"{what} was changed in Grafana during this deploy (409: "
                                   f"{error.message}); nothing was overwritten — run deploy "
                                   "again to see the difference") from None
                answer = landed
        self._confirm(resource, answer or {}, wanted)

    def _apis_delete(self, resource: apis.Resource, change: Change) -> None:
        """DELETE, only of what the plan judged: the object read just before must still be
        this project's (its label, its manager stamp, a stamp written to this very object) at
        the generation planned, and the DELETE carries Kubernetes preconditions — the
        object's metadata.uid and the resourceVersion the plan read — so that any write since
        the plan (a metadata-only one too: another tool taking it over through managerId, a
        relabel) makes Grafana refuse it (409) rather than delete. Grafana's apistore checks
        them (pkg/storage/unified/apistore/store.go Storage.Delete: preconditions.Check on
        the object it reads, k8s.io/apiserver storage.Preconditions)."""
        assert self.apis is not None
        what = f"dashboard {change.key}"
        current = self.apis.get(resource, change.key)
        if current is None:
            return  # already gone
        metadata = current.get("metadata") or {}
        generation = metadata.get("generation")
        if change.version is not None and generation != change.version:
            raise Conflict(f"{what} was changed in Grafana during this deploy (generation "
                           f"{generation}, planned {change.version}); not deleted")
        annotations = metadata.get("annotations") or {}
        label = (metadata.get("labels") or {}).get(PROJECT_LABEL)
        manager = foreign_manager(annotations, self.project)
        if manager is not None:
            raise Conflict(f"{what} is now managed by {manager}; not deleted")
        if label is not None and label != self.project:
            raise Conflict(f"{what} now carries {PROJECT_LABEL}={label}; not deleted")
        if label is not None and not stamp_holds(metadata):
            raise Conflict(f"{what}: its dashsmith stamp was not written to this object; not "
                           "deleted")
        preconditions = {"uid": metadata.get("uid"),
                         "resourceVersion": change.seen.resource_version
                         or metadata.get("resourceVersion")}
        try:
            self.apis.delete(resource, change.key,
                             preconditions={k: v for k, v in preconditions.items() if v})
        except apis.Conflict as error:
            raise Conflict(f"{what} was changed in Grafana during this deploy (409: "
                           f"{error.message}); not deleted") from None
        except apis.NotFound:
            return  # deleted by someone else meanwhile: gone, as planned

    def _landed(self, resource: apis.Resource, change: Change) -> dict | None:
        """The object, if it holds this very write (this project's, of this content)."""
        assert self.apis is not None
        current = self.apis.get(resource, change.key)
        stamp = stamp_of((current or {}).get("metadata"))
        if current is not None and stamp.project == self.project and stamp.hash == change.hash:
            return current
        return None

    def _confirm(self, resource: apis.Resource, answer: dict, wanted: dict) -> None:
        """What Grafana stored is what the write recorded (generation, stored content) with
        the whole stamp (`wanted`); if not (another migration, another generation rule, a
        manager removed first), the record is corrected with a write of the metadata only,
        which changes no generation."""
        assert self.apis is not None
        metadata = answer.get("metadata") or {}
        generation = metadata.get("generation")
        actual = dashboard_hash(answer.get("spec") or {})
        annotations = dict(wanted["annotations"])
        stamp = stamp_of(wanted)
        stored = metadata.get("annotations") or {}
        if generation == stamp.generation and actual == stamp.stored_hash \
                and all(stored.get(k) == v for k, v in annotations.items()):
            return
        annotations.update({GENERATION_ANNOTATION: str(generation),
                            STORED_HASH_ANNOTATION: actual})
        # others' labels and annotations (what the answer holds) are kept
        fixed = merged_metadata(metadata, {**wanted, "annotations": annotations})
        fixed["resourceVersion"] = metadata.get("resourceVersion")
        self.apis.update(resource, {"metadata": fixed, "spec": answer.get("spec") or {}})

    def _apis_folder(self, change: Change) -> None:
        assert self.target is not None and self.apis is not None
        resource = self.target.folder_resource()
        assert resource is not None
        fields = change.payload or {}
        annotations = {FOLDER_ANNOTATION: fields["parentUid"]} if fields.get("parentUid") else {}
        if change.operation == "create":
            body = {"metadata": {"name": fields["uid"], "labels": {PROJECT_LABEL: self.project},
                                 "annotations": annotations},
                    "spec": {"title": fields["title"]}}
            try:
                self.apis.create(resource, body)
            except apis.AlreadyExists:
                current = self.apis.get(resource, fields["uid"]) or {}
                if (current.get("spec") or {}).get("title") != fields["title"]:
                    raise Conflict(f"folder {fields['uid']} was created in Grafana during this "
                                   "deploy; nothing was overwritten") from None
            return
        found = self.apis.get(resource, fields["uid"])
        if found is None:
            raise Conflict(f"folder {fields['uid']} was deleted in Grafana during this deploy")
        metadata = dict(found.get("metadata") or {})
        kept = {k: v for k, v in (metadata.get("annotations") or {}).items()
                if k != FOLDER_ANNOTATION}
        metadata.update(annotations={**kept, **annotations},
                        resourceVersion=change.seen.resource_version
                        or metadata.get("resourceVersion"))
        spec = {**(found.get("spec") or {}), "title": fields["title"]}
        try:
            self.apis.update(resource, {"metadata": metadata, "spec": spec})
        except apis.Conflict as error:
            raise Conflict(f"folder {fields['uid']} was changed in Grafana during this deploy "
                           f"(409: {error.message}); nothing was overwritten") from None

    # --- rule groups -------------------------------------------------------------------------

    def _group(self, change: Change) -> None:
        """Grafana's rule-group API has no version to make a write conditional: the group is
        read again just before, and left alone if it changed since the plan read it."""
        folder_uid, name = change.key.split("/", 1)
        path = group_path(folder_uid, name)
        current = read_group(self.grafana, folder_uid, name, self.project)
        if (current.content_hash if current else None) != change.seen.hash:
            raise Conflict(f"rule group {change.key} was changed in Grafana during this deploy; "
                           "nothing was overwritten — run deploy again to see the difference")
        if change.operation == "delete":
            self._delete(lambda: self.grafana.client.DELETE(path))
            return
        retry.call(lambda attempt: self.grafana.client.PUT(path, json=change.payload,
                                                           headers=self._provenance))

    # --- notification routing ----------------------------------------------------------------
    # Written as a whole: there is no version to send back (a saved plan is checked against
    # what Grafana holds before it is applied, preconditions.py). Each write saves Grafana's
    # whole Alertmanager configuration, so one that met another's change (409) is sent again
    # (retry.ROUTING_WRITE).

    @property
    def _provenance(self) -> dict[str, str]:
        return DISABLE_PROVENANCE if self.disable_provenance else {}

    def _mute_timing(self, change: Change) -> None:
        path = f"{ROUTING_PATH}/mute-timings"
        named = f"{path}/{quote(change.key)}"

        def update():
            self.grafana.client.PUT(named, json=change.payload, headers=self._provenance)
        if change.operation == "create":
            self._create(lambda: self.grafana.client.POST(path, json=change.payload,
                                                          headers=self._provenance),
                         update, lambda: reads.get(self.grafana, named) is not None)
            return
        self._routing_write(update)

    def _contact_point(self, change: Change) -> None:
        path = f"{ROUTING_PATH}/contact-points"
        named = f"{path}/{quote(change.key)}"
        if change.operation == "delete":
            self._delete(lambda: self.grafana.client.DELETE(named), retry.ROUTING_WRITE)
            return
        point = notifications.revealed(change.payload or {}, self.secrets)

        def update():
            self.grafana.client.PUT(named, json=point, headers=self._provenance)
        if change.operation == "create":
            self._create(lambda: self.grafana.client.POST(path, json=point,
                                                          headers=self._provenance),
                         update, lambda: change.key in {p.get("uid") for p in
                                                        reads.get(self.grafana, path) or []})
            return
        self._routing_write(update)

    def _policy_tree(self, change: Change) -> None:
        self._routing_write(lambda: self.grafana.client.PUT(
            f"{ROUTING_PATH}/policies", json=change.payload, headers=self._provenance))

    @staticmethod
    def _routing_write(send) -> None:
        retry.call(lambda attempt: send(), retry.ROUTING_WRITE)

    @staticmethod
    def _create(create, update, exists) -> None:
        """A create of a fixed uid or name (routing). A retry whose first attempt landed (its
        answer lost) would be refused as a duplicate: the item is there, so it is updated."""
        def attempt(number):
            if number > 1 and exists():
                update()
            else:
                create()
        retry.call(attempt, retry.ROUTING_WRITE)

    # --- shared ------------------------------------------------------------------------------

    def _conditional(self, send, landed, what: str, check_first: bool = False) -> None:
        """A write Grafana refuses (409/412: both mean "changed since the plan", 412 up to
        13.0, 409 from 13.1) if the item changed since the plan. A refusal of a retry whose
        first attempt landed (`landed()`) counts as done; with `check_first`, of any
        attempt."""
        def attempt(number):
            try:
                send()
            except GrafanaClientError as error:
                if error.status_code not in CONFLICT_STATUSES:
                    raise
                if (number > 1 or check_first) and landed():
                    return
                raise Conflict(f"{what} was changed in Grafana during this deploy "
                               f"({error.status_code}: {_message(error)}); nothing was "
                               "overwritten — run deploy again to see the difference") from None
        retry.call(attempt)

    @staticmethod
    def _delete(send, policy: retry.Policy = retry.DEFAULT) -> None:
        def attempt(number):
            try:
                send()
            except GrafanaClientError as error:
                if error.status_code != 404:  # gone already (perhaps by our first attempt)
                    raise
        retry.call(attempt, policy)


def _message(error: GrafanaClientError) -> str:
    body = error.response
    return body.get("message", "") if isinstance(body, dict) else str(body or "")
