"""Apply a Plan, exactly: folders parent-first (one nesting level at a time), then dashboards,
then rule groups, then deletions; writes within a phase run on at most `concurrency` threads.

Every dashboard save sends the version the plan saw with `overwrite: false`, so an edit made
in Grafana between plan and save is refused by Grafana (412, or 409 on the newest versions)
and reported, never overwritten. A save retried after a transient failure may find that its
first attempt did land: the refusal is then checked against the version history (is the newest
version dashsmith's save of this very content?) and counted as done.

One failure does not stop the others; what depends on a failed folder is not attempted. The
Result names every item and what happened to it, so a rerun (which plans again from what
Grafana then holds) converges.
"""

from __future__ import annotations

from dataclasses import dataclass

from grafana_client.client import GrafanaClientError

from ..grafana import reads, retry, workers
from ..grafana.connection import explain
from ..grafana.ownership import deploy_message, recorded_deploy
from .live import group_path, read_group
from .plan import DASHBOARD, FOLDER, RULE_GROUP, Action, Change, Plan

CONFLICT_STATUSES = (409, 412)
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
        return {status: sum(1 for o in self.outcomes if o.status == status) for status in STATUSES}

    @property
    def ok(self) -> bool:
        return all(o.status not in (DRIFTED, FAILED) for o in self.outcomes)

    def of(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]


class Conflict(Exception):
    """Grafana refused a conditional write: someone changed the item since the plan read it."""


def apply(grafana, plan: Plan, *, project: str, concurrency: int = 4,
          disable_provenance: bool = False, done=None) -> Result:
    """Execute `plan`, saving as `project`; `done()` is called after each write (for a
    progress bar)."""
    runner = _Runner(grafana, project, concurrency, disable_provenance, done)
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
        [(i, c) for i, c in indexed if c.operation == "delete"],
    ]
    for phase in phases:
        outcomes.update(runner.run(phase))
    return Result(tuple(outcomes[i] for i in range(len(plan.changes))))


class _Runner:
    def __init__(self, grafana, project: str, concurrency: int, disable_provenance: bool, done):
        self.grafana = grafana
        self.project = project
        self.concurrency = concurrency
        self.disable_provenance = disable_provenance
        self.done = done
        self.failed_folders: set[str] = set()

    def run(self, items: list[tuple[int, Change]]) -> dict[int, Outcome]:
        out, todo = {}, []
        for index, change in items:
            if change.folder_uid in self.failed_folders and change.operation != "delete":
                out[index] = Outcome(change, FAILED, f"not attempted: folder {change.folder_uid} "
                                                     "could not be written")
                if change.kind == FOLDER:
                    self.failed_folders.add(change.key)
                if self.done:
                    self.done()
            else:
                todo.append((index, change))
        for (index, change), _, error in workers.run_all(self._write, todo, self.concurrency,
                                                          self.done):
            out[index] = self._outcome(change, error)
        return out

    def _outcome(self, change: Change, error: BaseException | None) -> Outcome:
        if error is None:
            return Outcome(change, _DONE[change.operation])
        if change.kind == FOLDER:
            self.failed_folders.add(change.key)
        if isinstance(error, Conflict):
            return Outcome(change, DRIFTED, str(error))
        return Outcome(change, FAILED, explain(error))

    def _write(self, item: tuple[int, Change]) -> None:
        _, change = item
        write = {FOLDER: self._folder, DASHBOARD: self._dashboard, RULE_GROUP: self._group}
        write[change.kind](change)

    # --- folders -----------------------------------------------------------------------------

    def _folder(self, change: Change) -> None:
        api = self.grafana.folder
        fields = change.payload
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
        if change.operation == "delete":
            self._delete_dashboard(change)
            return
        dashboard = dict(change.payload)
        if change.operation == "update" and change.version is not None:
            dashboard["version"] = change.version
        envelope = {"dashboard": dashboard, "folderUid": change.folder_uid,
                    "message": deploy_message(change.hash, self.project), "overwrite": False}
        self._conditional(lambda: self.grafana.dashboard.update_dashboard(envelope),
                          lambda: self._newest_save(change.key) == (change.hash, self.project),
                          f"dashboard {change.key}")

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

    def _newest_save(self, uid: str) -> tuple[str, str] | None:
        """(hash, project) of the newest version, if dashsmith saved it."""
        newest = reads.newest_version(self.grafana, uid)
        recorded = recorded_deploy(reads.saved_message(self.grafana, uid, newest)) \
            if newest else None
        return (recorded.hash, recorded.project) if recorded else None

    # --- rule groups -------------------------------------------------------------------------

    def _group(self, change: Change) -> None:
        """Grafana's rule-group API has no version to make a write conditional: the group is
        read again just before, and left alone if it changed since the plan read it."""
        folder_uid, name = change.key.split("/", 1)
        path = group_path(folder_uid, name)
        current = read_group(self.grafana, folder_uid, name, self.project)
        if (current.content_hash if current else None) != change.seen:
            raise Conflict(f"rule group {change.key} was changed in Grafana during this deploy; "
                           "nothing was overwritten — run deploy again to see the difference")
        if change.operation == "delete":
            self._delete(lambda: self.grafana.client.DELETE(path))
            return
        headers = DISABLE_PROVENANCE if self.disable_provenance else {}
        retry.call(lambda attempt: self.grafana.client.PUT(path, json=change.payload,
                                                           headers=headers))

    # --- shared ------------------------------------------------------------------------------

    def _conditional(self, send, landed, what: str) -> None:
        """A write Grafana refuses (409/412) if the item changed since the plan. A refusal of
        a retry whose first attempt landed (`landed()`) counts as done."""
        def attempt(number):
            try:
                send()
            except GrafanaClientError as error:
                if error.status_code not in CONFLICT_STATUSES:
                    raise
                if number > 1 and landed():
                    return
                raise Conflict(f"{what} was changed in Grafana during this deploy "
                               f"({error.status_code}: {_message(error)}); nothing was "
                               "overwritten — run deploy again to see the difference") from None
        retry.call(attempt)

    @staticmethod
    def _delete(send) -> None:
        def attempt(number):
            try:
                send()
            except GrafanaClientError as error:
                if error.status_code != 404:  # gone already (perhaps by our first attempt)
                    raise
        retry.call(attempt)


def _message(error: GrafanaClientError) -> str:
    body = error.response
    return body.get("message", "") if isinstance(body, dict) else str(body or "")
