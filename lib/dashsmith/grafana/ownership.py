"""How dashsmith marks what it owns in Grafana.

- MARKER_TAG: the tag on every dashboard dashsmith deployed. It is how deploy (and --prune)
  knows what it owns; a dashboard without it is never changed without --force, never deleted.
  `diff --live` compares the dashboards carrying it.
- deploy_message(hash, project) / recorded_deploy(message): the save message of each dashsmith
  write, "dashsmith deploy sha256:<hash> project:<project>", kept by Grafana in the dashboard's
  version history. The newest such message says what dashsmith last wrote and for which
  project (several projects may deploy to one Grafana; each owns only what it saved); if it
  is the newest version of all, nobody has saved the dashboard since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER_TAG = "managed-by:dashsmith"
_MESSAGE = "dashsmith deploy sha256:{} project:{}"
# Releases before projects wrote no " project:..." part.
_MESSAGE_PATTERN = re.compile(r"^dashsmith deploy sha256:([0-9a-f]{64})(?: project:(\S+))?$")


def with_marker(data: dict) -> dict:
    """The dashboard as dashsmith saves it: its tags plus MARKER_TAG."""
    tags = [tag for tag in data.get("tags") or [] if tag != MARKER_TAG]
    return {**data, "tags": tags + [MARKER_TAG]}


@dataclass(frozen=True)
class Recorded:
    """What a dashsmith save recorded in its message."""

    hash: str
    project: str | None  # None: saved by a release that did not record projects

    def claimed(self, project: str) -> Recorded:
        """Saved before projects were recorded, when every deploy to a Grafana was one
        project's: the deploying project's now."""
        return self if self.project else Recorded(self.hash, project)


def deploy_message(digest: str, project: str) -> str:
    return _MESSAGE.format(digest, project)


def recorded_deploy(message: str | None) -> Recorded | None:
    """What a dashsmith save message records; None for any other message."""
    found = _MESSAGE_PATTERN.match((message or "").strip())
    return Recorded(found.group(1), found.group(2)) if found else None


# --- another tool's objects -------------------------------------------------------------------
# On 12+ an object can be stamped as managed by a tool (pkg/apimachinery/utils/meta.go): it
# counts as managed only when grafana.app/managerId is set and not empty, the kind coming from
# grafana.app/managedBy (repo for Git Sync, terraform, kubectl, plugin, grafana,
# classic-file-provisioning, classic-api-provisioning; GetManagerProperties). dashsmith leaves
# such a dashboard alone, even with --force, as grafanactl skips objects others manage.
MANAGED_BY = "grafana.app/managedBy"
MANAGER_ID = "grafana.app/managerId"
MANAGER_ALLOWS_EDITS = "grafana.app/managerAllowsEdits"
# How dashsmith stamps its own objects on the /apis path: the kind a generic API client uses
# (utils.ManagerKindKubectl, pkg/apimachinery/utils/manager.go: "a user or a tool or a generic
# API client"; grafanactl stamps it too), its project as the identity. Storage lets a kubectl
# manager's objects be written by anyone (pkg/storage/unified/apistore/managed.go
# enforceManagerProperties enforces only `repo`), so the stamp does not stop Grafana's UI by
# itself: the UI does. DashboardScene.managedResourceCannotBeEdited
# (public/app/features/dashboard-scene/scene/DashboardScene.tsx) makes a dashboard read-only
# when it is managed (grafana.app/managedBy set), not by a repository, and
# grafana.app/managerAllowsEdits is not set — any non-empty value counts as allowing, so
# "block" leaves the annotation out rather than writing "false".
DASHSMITH_MANAGER_KIND = "kubectl"
UI_EDITS = ("allow", "block")

# --- what dashsmith records on the /apis path -------------------------------------------------
# Ownership is a label, so that one paged LIST with labelSelector PROJECT_LABEL=<project> finds
# every dashboard a project deployed. What dashsmith wrote is recorded in annotations: the hash
# of the code's dashboard (HASH_ANNOTATION), the hash of what Grafana stores from it after its
# schema migrations (STORED_HASH_ANNOTATION, content.stored_hash) and the metadata.generation
# that write produced (GENERATION_ANNOTATION). Annotations survive another tool's
# GET-modify-PUT, so they prove nothing alone: the dashboard is dashsmith's content only while
# Grafana's own generation (which rises with every change of the spec or the folder, whoever
# makes it) is still the recorded one, or while its content hashes to the recorded stored hash.
# The stamp is tied to its object by NAME_ANNOTATION, the metadata.name dashsmith gives the
# object (the dashboard uid, chosen before the create, so the create itself carries it and no
# second write is needed): a copy of a dashsmith dashboard (kubectl get → rename → create)
# carries the label and every annotation, and a new object starts at generation 1 like any
# dashboard dashsmith never updated, but it has another name, so its stamp does not hold
# (stamp_holds): it is not dashsmith's, never pruned. OBJECT_UID_ANNOTATION (the metadata.uid,
# recorded by earlier releases in a write after the create) is still checked where present.
# Not covered (a known limit): deleting the dashboard and creating it again under the same
# name with its annotations copied and its content edited — the new object starts at
# generation 1 again, so where the recorded generation is 1 the generation proof trusts the
# stamp. Only metadata.uid, which Grafana assigns and so costs a write after every create,
# would tell the two apart.
PROJECT_LABEL = "dashsmith.dev/project"
HASH_ANNOTATION = "dashsmith.dev/hash"
STORED_HASH_ANNOTATION = "dashsmith.dev/stored-hash"
GENERATION_ANNOTATION = "dashsmith.dev/generation"
NAME_ANNOTATION = "dashsmith.dev/name"
OBJECT_UID_ANNOTATION = "dashsmith.dev/object-uid"
FOLDER_ANNOTATION = "grafana.app/folder"
MESSAGE_ANNOTATION = "grafana.app/message"
UPDATED_BY = "grafana.app/updatedBy"
UPDATED_TIMESTAMP = "grafana.app/updatedTimestamp"
CREATED_BY = "grafana.app/createdBy"


@dataclass(frozen=True)
class Stamp:
    """What a dashsmith write on the /apis path records, read back from an object's metadata."""

    project: str | None  # PROJECT_LABEL
    hash: str | None  # HASH_ANNOTATION: the code's dashboard
    stored_hash: str | None  # STORED_HASH_ANNOTATION: Grafana's copy of it
    generation: int | None  # GENERATION_ANNOTATION: the generation the write produced
    object_uid: str | None = None  # OBJECT_UID_ANNOTATION: the object the write was to
    name: str | None = None  # NAME_ANNOTATION: the name of the object the write was to


def stamp_of(metadata: dict | None) -> Stamp:
    metadata = metadata or {}
    labels = metadata.get("labels") or {}
    annotations = metadata.get("annotations") or {}
    generation = str(annotations.get(GENERATION_ANNOTATION) or "")
    return Stamp(labels.get(PROJECT_LABEL) or None, annotations.get(HASH_ANNOTATION) or None,
                 annotations.get(STORED_HASH_ANNOTATION) or None,
                 int(generation) if generation.isdigit() else None,
                 annotations.get(OBJECT_UID_ANNOTATION) or None,
                 annotations.get(NAME_ANNOTATION) or None)


def stamp_holds(metadata: dict | None) -> bool:
    """Whether the dashsmith stamp on an object was written to this very object: the name it
    records is the object's own metadata.name (see NAME_ANNOTATION), and so is the metadata.uid
    where one is recorded (earlier releases; a stamp of theirs without a name holds by its
    uid alone). A copy's, or one that records neither, proves nothing."""
    metadata = metadata or {}
    stamp = stamp_of(metadata)
    uid = metadata.get("uid")
    if stamp.name is None:
        return bool(uid) and stamp.object_uid == uid
    return stamp.name == metadata.get("name") and stamp.object_uid in (None, uid)


def stamped_metadata(name: str, *, project: str, code_hash: str, stored: str,
                     generation: int, folder_uid: str, ui_edits: str) -> dict:
    """metadata for a dashsmith write of dashboard `name` on the /apis path: ownership label,
    what is written, the save message the version history shows, the folder, the manager
    stamp (with managerAllowsEdits "true" only when ui_edits is "allow") and the object's name,
    which ties the stamp to it (NAME_ANNOTATION)."""
    annotations = {MESSAGE_ANNOTATION: deploy_message(code_hash, project),
                   HASH_ANNOTATION: code_hash, STORED_HASH_ANNOTATION: stored,
                   GENERATION_ANNOTATION: str(generation), NAME_ANNOTATION: name,
                   MANAGED_BY: DASHSMITH_MANAGER_KIND, MANAGER_ID: project}
    if ui_edits == "allow":
        annotations[MANAGER_ALLOWS_EDITS] = "true"
    if folder_uid:
        annotations[FOLDER_ANNOTATION] = folder_uid
    return {"name": name, "labels": {PROJECT_LABEL: project}, "annotations": annotations}


# What a dashsmith write of a dashboard decides (the keys of stamped_metadata, present or left
# out): everything else on the object — other tools' labels and annotations — is kept.
STAMP_ANNOTATIONS = (MESSAGE_ANNOTATION, HASH_ANNOTATION, STORED_HASH_ANNOTATION,
                     GENERATION_ANNOTATION, NAME_ANNOTATION, OBJECT_UID_ANNOTATION, MANAGED_BY,
                     MANAGER_ID, MANAGER_ALLOWS_EDITS, FOLDER_ANNOTATION)


def merged_metadata(current: dict | None, stamped: dict) -> dict:
    """The metadata to PUT: the object's own (`current`, as read) with its labels and
    annotations kept, except the ones a dashsmith write decides, which are `stamped`'s (a PUT
    replaces the whole metadata, so sending only dashsmith's keys would wipe the rest)."""
    current = current or {}
    labels = {**(current.get("labels") or {}), **(stamped.get("labels") or {})}
    kept = {k: v for k, v in (current.get("annotations") or {}).items()
            if k not in STAMP_ANNOTATIONS}
    return {**stamped, "labels": labels,
            "annotations": {**kept, **(stamped.get("annotations") or {})}}


def ui_edits_of(annotations: dict | None) -> str:
    """"allow" or "block": what an object's manager stamp lets Grafana's UI do (see above)."""
    return "allow" if (annotations or {}).get(MANAGER_ALLOWS_EDITS) else "block"


SOURCE_PATH = "grafana.app/sourcePath"
# Kinds of legacy provisioning: managed even without an identity (ManagerKind.IsClassic,
# pkg/apimachinery/utils/manager.go).
CLASSIC_KINDS = ("classic-file-provisioning", "classic-api-provisioning",
                 "classic-converted-prometheus")


def manager_of(annotations: dict | None) -> tuple[str, str] | None:
    """(kind, identity) of the tool managing an object, from its annotations; None if none.
    A file-provisioned dashboard is named by its file (grafana.app/sourcePath, which legacy
    provisioning reads back as its ExternalID: dashboard_service.go
    getProvisioningDataFromEvent), as the legacy API's meta.provisionedExternalId names it."""
    annotations = annotations or {}
    kind = str(annotations.get(MANAGED_BY) or "")
    identity = str(annotations.get(MANAGER_ID) or "")
    if kind in CLASSIC_KINDS:
        return kind, str(annotations.get(SOURCE_PATH) or identity or "?")
    if not identity:
        return None
    return kind or "unknown", identity


def foreign_manager(annotations: dict | None, project: str) -> str | None:
    """"terraform:tf-id" when a tool other than this dashsmith project manages the object."""
    manager = manager_of(annotations)
    if manager is None or manager == (DASHSMITH_MANAGER_KIND, project):
        return None
    return f"{manager[0]}:{manager[1]}"
