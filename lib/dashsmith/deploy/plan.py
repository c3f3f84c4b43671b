"""The plan: desired + live → what deploy does to each folder, dashboard and rule group.

A pure function of its inputs (no I/O), so a plan is a value: --dry-run prints it, apply
executes exactly it. Every item ends in one of five actions:

  create     not in Grafana
  update     in Grafana, different from the code, and not changed there since dashsmith wrote it
             (or: same content, but without dashsmith's marker or in another folder)
  unchanged  in Grafana exactly as in the code
  drifted    changed in Grafana since dashsmith wrote it (or there, but never dashsmith's, or
             deployed by another dashsmith project): left alone unless --force, and the deploy
             exits 1 with the difference
  delete     (--prune) deployed by this project, no longer in the code, and not changed since
             dashsmith wrote it; nothing else is ever deleted, with or without --force

Folders are never deleted: deleting a folder deletes everything in it, dashsmith's or not. A
folder renamed or moved in Grafana is drift like an edited dashboard.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum

from .. import folders, serialize
from ..grafana.equivalence import normalize as equivalent_form
from .alerting import DesiredGroup, normalize_group
from .desired import Desired, DesiredDashboard, DesiredFolder
from .live import Live, LiveDashboard, LiveGroup

FOLDER, DASHBOARD, RULE_GROUP = "folder", "dashboard", "rule-group"
KINDS = (FOLDER, DASHBOARD, RULE_GROUP)


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DRIFTED = "drifted"
    DELETE = "delete"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Change:
    kind: str  # FOLDER, DASHBOARD or RULE_GROUP
    key: str  # a uid; for a rule group "<folder uid>/<group name>"
    title: str
    action: Action
    reason: str = ""
    operation: str | None = None  # what apply sends: create | update | delete | None
    blocked: bool = False  # drifted without --force: apply leaves it alone
    version: int | None = None  # the version seen, sent back so a concurrent edit is refused
    folder_uid: str = ""  # dashboards and groups: their folder; folders: the parent
    payload: dict | None = None  # what apply writes (dashboard JSON, folder fields, group body)
    hash: str | None = None  # of the desired content
    seen: str | None = None  # rule groups: the content hash the plan read (checked before writing)
    diff: tuple[str, ...] = ()  # unified diff, Grafana → code
    source: str = ""  # where the code declares it

    @property
    def writes(self) -> bool:
        return self.operation is not None and not self.blocked


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    # dashsmith's items that are no longer in the code, kept because --prune was not given
    kept: tuple[Change, ...] = ()
    max_deletes: int | None = None
    force: bool = False
    prune: bool = False
    notes: tuple[str, ...] = field(default=())

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        return {action.value: sum(1 for c in self.changes if c.action is action)
                for action in Action}

    @property
    def deletes(self) -> list[Change]:
        return [c for c in self.changes if c.operation == "delete" and c.writes]

    @property
    def drifted(self) -> list[Change]:
        return [c for c in self.changes if c.action is Action.DRIFTED]

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.writes]


def compute(desired: Desired, live: Live, *, project: str, prune: bool = False,
            force: bool = False, max_deletes: int | None = None) -> Plan:
    """`project`: the name this project deploys under; it owns what it saved, nothing else."""
    changes = [_folder(f, live, force) for f in desired.folders]
    changes += [_dashboard(d, live.dashboards.get(d.uid), force, project)
                for d in desired.dashboards]
    wanted = {d.uid for d in desired.dashboards}
    gone = sorted((d for uid, d in live.dashboards.items()
                   if uid not in wanted and d.managed and d.recorded_project == project),
                  key=lambda d: d.uid)
    changes += [_group(g, live.groups.get(g.key), force, project) for g in desired.groups]
    wanted_groups = {g.key for g in desired.groups}
    gone_groups = sorted((g for key, g in live.groups.items()
                          if key not in wanted_groups and g.recorded_project == project),
                         key=lambda g: g.key)
    removals = [_dashboard_removal(d, force) for d in gone]
    removals += [_group_removal(g, force) for g in gone_groups]
    if prune:
        return Plan(tuple(changes + removals), (), max_deletes, force, prune)
    return Plan(tuple(changes), tuple(removals), max_deletes, force, prune)


# --- folders ---------------------------------------------------------------------------------

def _folder(folder: DesiredFolder, live: Live, force: bool) -> Change:
    current = live.folders.get(folder.uid)
    base = {"kind": FOLDER, "key": folder.uid, "title": folder.path,
            "folder_uid": folder.parent_uid or "",
            "payload": {"uid": folder.uid, "title": folder.title, "parentUid": folder.parent_uid}}
    if current is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    differences = []
    if current.title != folder.title:
        differences.append(f"title '{current.title}' → '{folder.title}'")
    if (current.parent_uid or None) != folder.parent_uid:
        differences.append(f"parent {current.parent_uid or '(root)'} → "
                           f"{folder.parent_uid or '(root)'}")
    if not differences:
        return Change(action=Action.UNCHANGED, version=current.version, **base)
    base["version"] = current.version
    if _respelled(folder, current):
        return Change(action=Action.UPDATE, reason="; ".join(differences), operation="update",
                      **base)
    return _drifted(f"renamed or moved in Grafana ({'; '.join(differences)})", "update", force,
                    base)


def _respelled(folder: DesiredFolder, current) -> bool:
    """The folder's uid derives from its title path, so a title that still gives that uid under
    the same parent (other case or spacing) is the code's new spelling; any other title, or
    another parent, is someone's rename or move in Grafana."""
    if (current.parent_uid or None) != folder.parent_uid:
        return False
    parent_path = folders.parts(folder.path)[:-1]
    return folders.folder_uid("/".join([*parent_path, current.title])) == folder.uid


# --- dashboards ------------------------------------------------------------------------------

def _dashboard(want: DesiredDashboard, have: LiveDashboard | None, force: bool,
               project: str) -> Change:
    base = {"kind": DASHBOARD, "key": want.uid, "title": want.title, "folder_uid": want.folder_uid,
            "payload": want.json, "hash": want.hash, "source": str(want.source)}
    if have is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base.update(version=have.version,
                diff=_diff(have.normalized, want.normalized) if have.normalized else ())
    same_content = have.content_hash == want.hash or _imported(want, have)
    if same_content and have.managed and have.folder_uid == want.folder_uid:
        return Change(action=Action.UNCHANGED, **base)
    if have.recorded_project not in (None, project):
        return _drifted(_other_project(have.recorded_project, project), "update", force, base)
    if same_content:
        reason = ("take over: add dashsmith's marker" if not have.managed
                  else _move(have.folder_uid, want.folder_uid))
        return Change(action=Action.UPDATE, reason=reason, operation="update", **base)
    if not have.managed:
        return _drifted("in Grafana, but not deployed by dashsmith (no marker tag)", "update",
                        force, base)
    if have.recorded_hash is None:
        return _drifted("no dashsmith deploy in its version history", "update", force, base)
    if have.content_hash != have.recorded_hash:
        return _drifted("edited in Grafana since dashsmith deployed it", "update", force, base)
    reason = "changed in code"
    if have.folder_uid != want.folder_uid:
        reason += f"; {_move(have.folder_uid, want.folder_uid)}"
    return Change(action=Action.UPDATE, reason=reason, operation="update", **base)


def _move(current: str, wanted: str) -> str:
    return f"move from folder {current or '(root)'} to {wanted or '(root)'}"


def _other_project(theirs: str, ours: str) -> str:
    return f"deployed by dashsmith project '{theirs}', not by this one ('{ours}')"


def _imported(want: DesiredDashboard, have: LiveDashboard) -> bool:
    """An unmarked dashboard that `dashsmith import` turned into this declaration: the same
    dashboard once what Grafana sets or ignores is left out (see docs/import.md)."""
    if have.managed or have.normalized is None:
        return False
    return equivalent_form(have.normalized) == equivalent_form(want.normalized)


def _drifted(reason: str, operation: str, force: bool, base: dict) -> Change:
    if force:
        reason += f"; --force: {operation} anyway"
    return Change(action=Action.DRIFTED, reason=reason, operation=operation, blocked=not force,
                  **base)


def _dashboard_removal(have: LiveDashboard, force: bool) -> Change:
    base = {"kind": DASHBOARD, "key": have.uid, "title": have.title, "folder_uid": have.folder_uid,
            "version": have.version}
    if have.content_hash is not None and have.content_hash != have.recorded_hash:
        return _drifted("no longer in code, but edited in Grafana since dashsmith deployed it",
                        "delete", force, base)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)


def _diff(live: dict | None, code: dict) -> tuple[str, ...]:
    if live is None:
        return ()
    before = serialize.to_json(live).decode().splitlines()
    after = serialize.to_json(code).decode().splitlines()
    return tuple(difflib.unified_diff(before, after, "grafana", "code", n=2, lineterm=""))


# --- rule groups -----------------------------------------------------------------------------

def _group(want: DesiredGroup, have: LiveGroup | None, force: bool, project: str) -> Change:
    base = {"kind": RULE_GROUP, "key": want.key, "title": want.name, "folder_uid": want.folder_uid,
            "payload": want.body, "hash": want.hash, "source": str(want.source)}
    if have is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base.update(diff=_diff(have.normalized, normalize_group(want.body)), seen=have.content_hash)
    if have.content_hash == want.hash and have.managed:
        return Change(action=Action.UNCHANGED, **base)
    if have.recorded_project not in (None, project):
        return _drifted(_other_project(have.recorded_project, project), "update", force, base)
    if have.content_hash == want.hash or (have.managed and have.content_hash == have.recorded_hash):
        return Change(action=Action.UPDATE, reason=_group_update_reason(want, have),
                      operation="update", **base)
    if not have.managed:
        return _drifted("in Grafana, but not deployed by dashsmith", "update", force, base)
    return _drifted("edited in Grafana since dashsmith deployed it", "update", force, base)


def _group_update_reason(want: DesiredGroup, have: LiveGroup) -> str:
    if have.normalized != normalize_group(want.body):
        return "changed in code"
    if want.editable:
        return "make editable in the UI (provenance none)"
    return "lock against edits in the UI (provenance api)"


def _group_removal(have: LiveGroup, force: bool) -> Change:
    base = {"kind": RULE_GROUP, "key": have.key, "title": have.name, "folder_uid": have.folder_uid,
            "seen": have.content_hash}
    if have.content_hash is not None and have.content_hash != have.recorded_hash:
        return _drifted("no longer in code, but edited in Grafana since dashsmith deployed it",
                        "delete", force, base)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)
