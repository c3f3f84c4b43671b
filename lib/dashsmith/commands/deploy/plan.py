"""The plan: desired + live → every change deploy makes to Grafana, as one value.

make_plan() is a pure function of its inputs (no I/O), so a plan is a value, as Terraform's:
--dry-run prints it, --plan-out saves it (plan_file), apply executes exactly it, and the safety
limits are checks of the plan itself (Plan.refusals, Plan.left_alone, Plan.changed_since).

Each Change is one item — a folder, dashboard, rule group, contact point, mute timing or the
notification policy tree — with what the plan saw of it in Grafana (`seen`: the precondition a
write needs to still hold) and what apply sends (`payload`). Every item ends in one of five
actions:

  create     not in Grafana
  update     in Grafana, different from the code, and not changed there since dashsmith wrote it
             (or: same content, but without dashsmith's marker or in another folder)
  unchanged  in Grafana exactly as in the code
  drifted    changed in Grafana since dashsmith wrote it (or there, but never dashsmith's, or
             deployed by another dashsmith project): left alone unless --force, and the deploy
             exits 1 with the difference
  delete     (--prune) deployed by this project, no longer in the code, and not changed since
             dashsmith wrote it; nothing else is ever deleted, with or without --force

Two kinds of dashboard are drifted whatever the content: one another tool manages (Terraform,
Git Sync, file provisioning…), left alone even with --force; and one a person turned into a
dynamic dashboard (schema v2), which --force overwrites only when its uid is also given to
--force-v2, since saving the code's v1 JSON over it loses what v1 cannot hold (tabs,
conditional rendering…), named in the plan.

On the /apis path (Plan.target: Grafana serves dashboard.grafana.app v1 or v1beta1) a dashboard
is compared in the form Grafana stores it (schema-migrated), and two more updates exist: a
dashboard of the code without this project's label (deployed through the legacy /api, or
adopted) gets it, and one whose manager stamp does not say what `ui_edits` says gets the stamp.

Folders are never deleted: deleting a folder deletes everything in it, dashsmith's or not. A
folder renamed or moved in Grafana is drift like an edited dashboard.

The notification routing (contact points, mute timings, the policy tree) has no version
history to tell an edit in Grafana from the code's: it is written as a whole on every deploy
(update, never drifted), and the contact points dashsmith deployed (uid prefix "dashsmith-")
that the code no longer declares are deletes like a dashboard's.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from dashsmith.commands.deploy.alerting import DesiredGroup, normalize_group
from dashsmith.commands.deploy.desired import Desired, DesiredDashboard, DesiredFolder
from dashsmith.commands.deploy.live import Live, LiveDashboard, LiveGroup
from dashsmith.commands.deploy.notifications import DesiredRouting
from dashsmith.compiler import serialize
from dashsmith.grafana.apis import Target
from dashsmith.grafana.dynamic import V2_REASON
from dashsmith.grafana.equivalence import normalize as equivalent_form
from dashsmith.grafana.ownership import PROJECT_LABEL
from dashsmith.model import folders
from dashsmith.routing.grafana import UID_PREFIX

FOLDER, DASHBOARD, RULE_GROUP = "folder", "dashboard", "rule-group"
MUTE_TIMING, CONTACT_POINT, POLICY_TREE = "mute-timing", "contact-point", "policy-tree"
# What the summary counts item by item; the routing is reported as one unit (report.py).
ITEM_KINDS = (FOLDER, DASHBOARD, RULE_GROUP)
ROUTING_KINDS = (MUTE_TIMING, CONTACT_POINT, POLICY_TREE)
KINDS = ITEM_KINDS + ROUTING_KINDS
POLICY_TREE_KEY = "root"  # Grafana holds one policy tree per organisation


# Why an item is drifted, for what the report advises (`dashsmith import` keeps an edit made in
# Grafana; it is no advice for another project's or another tool's dashboard):
EDITED = "edited"  # changed in Grafana since dashsmith wrote it (renamed or moved: a folder)
NOT_DASHSMITH = "not-dashsmith"  # there, but no dashsmith deploy made it (no marker, no record)
CONVERTED_V2 = "converted-v2"  # turned into a dynamic dashboard (schema v2)
OTHER_PROJECT = "other-project"  # deployed by another dashsmith project
MANAGED = "managed"  # another tool manages it (Terraform, Git Sync, provisioning…)
COPIED = "copied"  # carries this project's label, its stamp copied from another dashboard
DRIFTS = (EDITED, NOT_DASHSMITH, CONVERTED_V2, OTHER_PROJECT, MANAGED, COPIED)


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    DRIFTED = "drifted"
    DELETE = "delete"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Seen:
    """What the plan read of one item in Grafana: the precondition of writing it. Absent, or
    present at a version (folders and dashboards, whose saves Grafana makes conditional on it)
    or with the hash of what Grafana answered (what has no version: rule groups, contact
    points, mute timings, the policy tree)."""

    exists: bool = False
    version: int | None = None
    hash: str | None = None
    # the /apis path: the object's metadata.resourceVersion, which an update sends back so that
    # Grafana refuses it (409) if anyone wrote the object since
    resource_version: str | None = None

    def __str__(self) -> str:
        if not self.exists:
            return "absent"
        if self.version is not None:
            return f"version {self.version}"
        return f"content {self.hash[:12]}" if self.hash else "present"


ABSENT = Seen()


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    key: str  # a uid; a rule group's "<folder uid>/<group name>"; a mute timing's name
    title: str
    action: Action
    reason: str = ""
    operation: str | None = None  # what apply sends: create | update | delete | None
    blocked: bool = False  # drifted without --force: apply leaves it alone
    seen: Seen = ABSENT  # what the plan read in Grafana; apply needs it to still hold
    owner: str | None = None  # the dashsmith project that deployed it (None: none did)
    folder_uid: str = ""  # dashboards and groups: their folder; folders: the parent
    payload: dict | None = None  # what apply writes (dashboard JSON, folder fields, group body…)
    hash: str | None = None  # of the desired content
    diff: tuple[str, ...] = ()  # unified diff, Grafana → code
    source: str = ""  # where the code declares it
    # a drifted dashboard: who last saved it in Grafana and when (ISO-8601 UTC), if known
    edited_by: str | None = None
    edited_at: str | None = None
    drift: str | None = None  # why it is drifted, one of DRIFTS (None: not drifted)

    def as_json(self) -> dict[str, Any]:
        """The change as `deploy --format json` reports it."""
        return {"kind": self.kind, "key": self.key, "title": self.title,
                "action": str(self.action), "reason": self.reason,
                "operation": self.operation, "blocked": self.blocked,
                "folder_uid": self.folder_uid, "source": self.source or None,
                "diff": list(self.diff), "edited_by": self.edited_by,
                "edited_at": self.edited_at, "drift": self.drift}

    @property
    def version(self) -> int | None:
        """The version seen, sent back with a save so that a concurrent edit is refused."""
        return self.seen.version

    @property
    def writes(self) -> bool:
        return self.operation is not None and not self.blocked


@dataclass(frozen=True)
class PlanOptions:
    """What a plan is made for: the project deploying (it owns what it saved, nothing else),
    the Grafana it was read from, and the choices of the command line and setup.cfg."""

    project: str
    grafana: str = ""  # the URL, as shown
    org_id: int | None = None
    force: bool = False
    prune: bool = False
    disable_provenance: bool = False  # rule groups and routing sent as editable in the UI
    # dashboards stored as schema v2 that --force may overwrite with their v1 code (--force-v2)
    force_v2: tuple[str, ...] = ()
    # the /apis path: whether Grafana's UI lets people edit dashsmith's dashboards ("allow")
    # or shows them read-only ("block"), through the manager stamp ([dashsmith.deploy] ui_edits)
    ui_edits: str = "allow"


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    options: PlanOptions
    # dashsmith's items that are no longer in the code, kept because --prune was not given
    kept: tuple[Change, ...] = ()
    desired_hash: str = ""  # of the desired state the plan was made from (Desired.digest)
    notes: tuple[str, ...] = field(default=())  # what the code declares and Grafana cannot hold
    target: Target | None = None  # dashboards (and folders) through /apis; None: legacy /api
    # dashboards that carry this project's label but not a stamp written to them (copies of
    # its dashboards): not the code's, never written or pruned, named
    foreign: tuple[Change, ...] = ()

    @property
    def project(self) -> str:
        return self.options.project

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def items(self) -> list[Change]:
        """The folders, dashboards and rule groups (the summary counts these)."""
        return [c for c in self.changes if c.kind in ITEM_KINDS]

    @property
    def routing(self) -> list[Change]:
        return [c for c in self.changes if c.kind in ROUTING_KINDS]

    def counts(self) -> dict[str, int]:
        """Of the items (the routing is reported as one unit)."""
        items = self.items
        return {action.value: sum(1 for c in items if c.action is action) for action in Action}

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.writes]

    @property
    def deletes(self) -> list[Change]:
        return [c for c in self.changes if c.operation == "delete" and c.writes]

    @property
    def drifted(self) -> list[Change]:
        return [c for c in self.changes if c.action is Action.DRIFTED]

    # --- the safety limits: checks of the plan itself -------------------------------------

    @property
    def left_alone(self) -> list[Change]:
        """Drifted without --force: apply does not touch them, and the deploy exits 1."""
        return [c for c in self.changes if c.blocked]

    def refusals(self, max_deletes: int) -> list[str]:
        """Why the plan must not be applied at all (empty: it may be). It deletes more than
        `max_deletes`, or something this project did not deploy."""
        found = []
        if len(self.deletes) > max_deletes:
            found.append(f"the plan deletes {len(self.deletes)} item(s), more than "
                         f"--max-deletes {max_deletes}")
        found += [f"the plan deletes {c.kind} {c.key}, which this project ('{self.project}') "
                  "did not deploy" for c in self.deletes if c.owner != self.project]
        return found

    def changed_since(self, now: Mapping[tuple[str, str], Seen]) -> list[str]:
        """What Grafana holds now (`now`: (kind, key) → Seen) that is not what the plan saw,
        of each item it writes: one line each. Empty: the plan still applies as it is."""
        return [_changed_line(c, now.get((c.kind, c.key), ABSENT)) for c in self.writes
                if now.get((c.kind, c.key), ABSENT) != c.seen]


def _changed_line(change: Change, now: Seen) -> str:
    if str(now) == str(change.seen):  # the same version, written since (its metadata)
        return (f"{change.kind} {change.key}: {change.seen}, resourceVersion "
                f"{change.seen.resource_version} when planned, {now.resource_version} now")
    return f"{change.kind} {change.key}: {change.seen} when planned, {now} now"


def make_plan(live: Live, desired: Desired, options: PlanOptions) -> Plan:
    """What deploying `desired` over what Grafana holds (`live`) changes."""
    force, project = options.force, options.project
    changes = [_folder(f, live, force) for f in desired.folders]
    changes += [_who_edited(_dashboard(d, live.dashboards.get(d.uid), force, project,
                                       options.force_v2, options.ui_edits),
                            live.dashboards.get(d.uid))
                for d in desired.dashboards]
    wanted = {d.uid for d in desired.dashboards}
    gone = sorted((d for uid, d in live.dashboards.items()
                   if uid not in wanted and d.managed and d.recorded_project == project
                   and d.manager is None),
                  key=lambda d: d.uid)
    changes += [_group(g, live.groups.get(g.key), force, project) for g in desired.groups]
    wanted_groups = {g.key for g in desired.groups}
    gone_groups = sorted((g for key, g in live.groups.items()
                          if key not in wanted_groups and g.recorded_project == project),
                         key=lambda g: g.key)
    removals = [_who_edited(_dashboard_removal(d, force), d) for d in gone]
    removals += [_group_removal(g, force) for g in gone_groups]
    routing = desired.routing
    if routing is not None:
        changes += _routing(routing, live)
        removals += _contact_point_removals(routing, live, project)
    notes = routing.notes if routing is not None else ()
    foreign = tuple(_copied(d) for uid, d in sorted(live.dashboards.items())
                    if uid not in wanted and d.copied_from == project)
    if options.prune:
        return Plan(tuple(changes + removals), options, (), desired.digest, notes, live.target,
                    foreign)
    return Plan(tuple(changes), options, tuple(removals), desired.digest, notes, live.target,
                foreign)


def _copied(have: LiveDashboard) -> Change:
    """A dashboard carrying this project's label whose dashsmith stamp records another object:
    someone copied one of the project's dashboards (metadata and all). Never pruned."""
    return Change(kind=DASHBOARD, key=have.uid, title=have.title, action=Action.DRIFTED,
                  reason="carries this project's label, but its dashsmith stamp was written to "
                         "another dashboard (copied): not deployed by dashsmith, never pruned",
                  folder_uid=have.folder_uid,
                  seen=Seen(True, version=have.version, resource_version=have.resource_version),
                  edited_by=have.edited_by, edited_at=have.edited_at, drift=COPIED)


def _who_edited(change: Change, have: LiveDashboard | None) -> Change:
    """A drifted dashboard names who last saved it in Grafana, and when."""
    if have is None or change.action is not Action.DRIFTED:
        return change
    return dataclasses.replace(change, edited_by=have.edited_by, edited_at=have.edited_at)


# --- folders ---------------------------------------------------------------------------------

def _folder(folder: DesiredFolder, live: Live, force: bool) -> Change:
    current = live.folders.get(folder.uid)
    base: dict[str, Any] = {
        "kind": FOLDER, "key": folder.uid, "title": folder.path,
        "folder_uid": folder.parent_uid or "",
        "payload": {"uid": folder.uid, "title": folder.title, "parentUid": folder.parent_uid}}
    if current is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base["seen"] = Seen(True, version=current.version, resource_version=current.resource_version)
    differences = []
    if current.title != folder.title:
        differences.append(f"title '{current.title}' → '{folder.title}'")
    if (current.parent_uid or None) != folder.parent_uid:
        differences.append(f"parent {current.parent_uid or '(root)'} → "
                           f"{folder.parent_uid or '(root)'}")
    if not differences:
        return Change(action=Action.UNCHANGED, **base)
    if _respelled(folder, current):
        return Change(action=Action.UPDATE, reason="; ".join(differences), operation="update",
                      **base)
    return drifted(f"renamed or moved in Grafana ({'; '.join(differences)})", "update", force,
                    base, EDITED)


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
               project: str, force_v2: tuple[str, ...] = (), ui_edits: str = "allow"
               ) -> Change:
    base: dict[str, Any] = {"kind": DASHBOARD, "key": want.uid, "title": want.title,
                            "folder_uid": want.folder_uid, "payload": want.json,
                            "hash": want.hash, "source": str(want.source)}
    if have is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base.update(seen=Seen(True, version=have.version, resource_version=have.resource_version),
                owner=have.recorded_project,
                diff=_diff(have.normalized, want.compared_with(have.stored))
                if have.normalized else ())
    if have.manager is not None:
        return _left_to(have.manager, base)
    if have.v2_lost is not None:
        return _v2_drifted(have.v2_lost, force, want.uid in force_v2, base)
    same_content = have.content_hash == want.hash or _imported(want, have)
    if same_content and have.managed and have.folder_uid == want.folder_uid:
        restamp = _restamp(have, project, ui_edits)
        if restamp:
            return Change(action=Action.UPDATE, reason=restamp, operation="update", **base)
        return Change(action=Action.UNCHANGED, **base)
    if have.recorded_project not in (None, project):
        return drifted(_other_project(have.recorded_project, project), "update", force, base,
                        OTHER_PROJECT)
    if same_content:
        reason = ("take over: add dashsmith's marker" if not have.managed
                  else _move(have.folder_uid, want.folder_uid))
        return Change(action=Action.UPDATE, reason=reason, operation="update", **base)
    if not have.managed:
        return drifted("in Grafana, but not deployed by dashsmith (no marker tag)", "update",
                        force, base, NOT_DASHSMITH)
    if have.recorded_hash is None:
        return drifted("no dashsmith deploy in its version history", "update", force, base,
                        NOT_DASHSMITH)
    if have.content_hash != have.recorded_hash:
        return drifted("edited in Grafana since dashsmith deployed it", "update", force, base,
                        EDITED)
    reason = "changed in code"
    if have.folder_uid != want.folder_uid:
        reason += f"; {_move(have.folder_uid, want.folder_uid)}"
    return Change(action=Action.UPDATE, reason=reason, operation="update", **base)


def _restamp(have: LiveDashboard, project: str, ui_edits: str) -> str | None:
    """On the /apis path, why an unchanged dashboard is written anyway: its ownership label or
    its manager stamp is not what this project's deploy writes. None: nothing to write."""
    if have.labelled is None:  # the legacy path
        return None
    if have.copied_from == project:
        # this project's label and stamp, but not tied to this object: a stamp from before
        # dashsmith recorded the object's name (and uid), or a copy holding the code's content
        # under a name of the code. A stamp naming this object is enough: one without
        # dashsmith.dev/object-uid is not rewritten for it
        return "record this object's name in dashsmith's stamp (dashsmith.dev/name)"
    if not have.labelled and have.recorded_project in (None, project):
        return f"record ownership in the label {PROJECT_LABEL}={project} (the /apis path)"
    if have.labelled and have.ui_edits != ui_edits:
        return ("ui_edits = block: make it read-only in Grafana's UI" if ui_edits == "block"
                else "ui_edits = allow: let people edit it in Grafana's UI")
    return None


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


def _left_to(manager: str, base: dict[str, Any]) -> Change:
    """Another tool's dashboard: never written, not even with --force (Grafana would refuse a
    save it does not allow, and the tool would write its own content back)."""
    return Change(action=Action.DRIFTED, reason=f"managed by {manager}; left alone (even with "
                  "--force)", operation="update", blocked=True, drift=MANAGED, **base)


def _v2_drifted(lost: tuple[str, ...], force: bool, confirmed: bool,
                base: dict[str, Any]) -> Change:
    """A dashboard of the code stored as schema v2: saving the code's v1 JSON over it throws
    away what only v2 holds, so --force needs that confirmed for this uid (--force-v2 UID)."""
    what = ", ".join(lost) if lost else "its v2 layout"
    reason = V2_REASON
    if force and confirmed:
        reason += f"; --force-v2: overwrite with the code's v1 dashboard, losing {what}"
    elif force:
        reason += (f"; --force alone does not overwrite it: that loses {what} "
                   f"(add --force-v2 {base['key']} to confirm)")
    return Change(action=Action.DRIFTED, reason=reason, operation="update",
                  blocked=not (force and confirmed), drift=CONVERTED_V2, **base)


def drifted(reason: str, operation: str, force: bool, base: dict[str, Any],
             drift: str | None = None) -> Change:
    if force:
        reason += f"; --force: {operation} anyway"
    return Change(action=Action.DRIFTED, reason=reason, operation=operation, blocked=not force,
                  drift=drift, **base)


def _dashboard_removal(have: LiveDashboard, force: bool) -> Change:
    base: dict[str, Any] = {"kind": DASHBOARD, "key": have.uid, "title": have.title,
                            "folder_uid": have.folder_uid,
                            "seen": Seen(True, version=have.version,
                                         resource_version=have.resource_version),
                            "owner": have.recorded_project}
    if have.v2_lost is not None:
        return drifted(f"no longer in code, but {V2_REASON}", "delete", force, base,
                        CONVERTED_V2)
    if have.content_hash is not None and have.content_hash != have.recorded_hash:
        return drifted("no longer in code, but edited in Grafana since dashsmith deployed it",
                        "delete", force, base, EDITED)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)


def _diff(live: dict | None, code: dict) -> tuple[str, ...]:
    if live is None:
        return ()
    before = serialize.to_json(live).decode().splitlines()
    after = serialize.to_json(code).decode().splitlines()
    return tuple(difflib.unified_diff(before, after, "grafana", "code", n=2, lineterm=""))


# --- rule groups -----------------------------------------------------------------------------

def _group(want: DesiredGroup, have: LiveGroup | None, force: bool, project: str) -> Change:
    base: dict[str, Any] = {"kind": RULE_GROUP, "key": want.key, "title": want.name,
                            "folder_uid": want.folder_uid, "payload": want.body,
                            "hash": want.hash, "source": str(want.source)}
    if have is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base.update(diff=_diff(have.normalized, normalize_group(want.body)),
                seen=Seen(True, hash=have.content_hash), owner=have.recorded_project)
    if have.content_hash == want.hash and have.managed:
        return Change(action=Action.UNCHANGED, **base)
    if have.recorded_project not in (None, project):
        return drifted(_other_project(have.recorded_project, project), "update", force, base,
                        OTHER_PROJECT)
    if have.content_hash == want.hash or (have.managed and have.content_hash == have.recorded_hash):
        return Change(action=Action.UPDATE, reason=_group_update_reason(want, have),
                      operation="update", **base)
    if not have.managed:
        return drifted("in Grafana, but not deployed by dashsmith", "update", force, base,
                        NOT_DASHSMITH)
    return drifted("edited in Grafana since dashsmith deployed it", "update", force, base,
                    EDITED)


def _group_update_reason(want: DesiredGroup, have: LiveGroup) -> str:
    if have.normalized != normalize_group(want.body):
        return "changed in code"
    if want.editable:
        return "make editable in the UI (provenance none)"
    return "lock against edits in the UI (provenance api)"


def _group_removal(have: LiveGroup, force: bool) -> Change:
    base: dict[str, Any] = {"kind": RULE_GROUP, "key": have.key, "title": have.name,
                            "folder_uid": have.folder_uid,
                            "seen": Seen(True, hash=have.content_hash),
                            "owner": have.recorded_project}
    if have.content_hash is not None and have.content_hash != have.recorded_hash:
        return drifted("no longer in code, but edited in Grafana since dashsmith deployed it",
                        "delete", force, base, EDITED)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)


# --- notification routing --------------------------------------------------------------------

WHOLE = "written as a whole on every deploy"


def _routing(want: DesiredRouting, live: Live) -> list[Change]:
    """Mute timings, then contact points, then the policy tree that names them (apply's
    order): each written, never unchanged or drifted (see the module docstring)."""
    have = live.routing
    changes = [_written(MUTE_TIMING, t["name"], t["name"], have.mute_timings.get(t["name"]), t)
               for t in want.mute_timings]
    changes += [_written(CONTACT_POINT, p["uid"], p["name"], have.contact_points.get(p["uid"]), p)
                for p in want.contact_points]
    changes.append(_written(POLICY_TREE, POLICY_TREE_KEY, "notification policy tree",
                            have.policy_tree, want.policy_tree))
    return changes


def _written(kind: str, key: str, title: str, seen_hash: str | None, payload: dict) -> Change:
    if seen_hash is None:
        return Change(kind, key, title, Action.CREATE, "new", "create", payload=payload)
    return Change(kind, key, title, Action.UPDATE, WHOLE, "update",
                  seen=Seen(True, hash=seen_hash), payload=payload)


def _contact_point_removals(want: DesiredRouting, live: Live, project: str) -> list[Change]:
    """dashsmith's contact points (its uid prefix is the marker) that the code no longer
    declares. They record no project: Grafana's notification setup is one per organisation,
    deployed by one project."""
    declared = {p["uid"] for p in want.contact_points}
    return [Change(CONTACT_POINT, uid, uid, Action.DELETE, "no longer in code", "delete",
                   seen=Seen(True, hash=seen_hash), owner=project)
            for uid, seen_hash in sorted(live.routing.contact_points.items())
            if uid.startswith(UID_PREFIX) and uid not in declared]
