"""Unified storage (12+): how a dashboard or folder object is written, whoever writes it.

Every dashboard write of a 12+ emulator lands here, whether it came through POST
/api/dashboards/db, the /apis endpoints or a test hook, so both paths share one store. The
rules are the apistore's (pkg/storage/unified/apistore/prepare.go):
- create: generation 1, createdBy set, updatedBy/updatedTimestamp cleared, the
  grant-permissions annotation dropped;
- update: generation + 1 only when the spec or the folder changed; then updatedBy and
  updatedTimestamp are set, otherwise the previous ones are kept; createdBy and the creation
  time are kept; the deprecated internal id cannot change;
- every write that changes the stored object gets a new resourceVersion and a history entry
  (resource_history); a write that changes nothing is a no-op (as the API server's update of
  an unchanged object; that unified storage skips it too is a guess).
The dashboard mutate hook strips id/uid/version from the spec (apps/dashboard/pkg/.../
mutate.go), so the spec is stored without them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .auth import role_at_least
from .errors import ApiError, plain_error
from .http_types import Request
from .kube import (
    ANNO_CREATED_BY,
    ANNO_FOLDER,
    ANNO_GRANT_PERMISSIONS,
    ANNO_MESSAGE,
    ANNO_UPDATED_BY,
    ANNO_UPDATED_TIMESTAMP,
    LABEL_DEPRECATED_INTERNAL_ID,
    SERVER_ANNOTATIONS,
    forbidden,
    identity_uid,
    manager_properties,
    rfc3339_now,
)
from .search_index import DASHBOARD, FOLDER
from .store import DashboardRecord, FolderRecord, Store, VersionRecord
from .values import copy_json, now_timestamp

LEGACY_STAMPS = ("id", "uid", "version")


@dataclass
class Writer:
    """Who writes: the login shown in legacy answers and the typed uid of annotations."""

    login: str = "admin"
    uid: str = "user:admin"
    is_admin: bool = True


def request_writer(request: Request) -> Writer:
    identity = request.identity
    assert identity is not None
    return Writer(login=identity.login,
                  uid=identity_uid(identity.login, identity.is_service_account),
                  is_admin=role_at_least(identity.role, "Admin"))


@dataclass
class DashboardWrite:
    spec: dict[str, Any]  # owned by the write; id/uid/version are stripped
    folder_uid: str
    api_version: str
    writer: Writer
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)


def strip_stamps(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k not in LEGACY_STAMPS}


def spec_of(record: DashboardRecord) -> dict[str, Any]:
    """The stored spec (without the legacy stamps), shared: copy before changing it."""
    return strip_stamps(record.data)


def _final_annotations(sent: Mapping[str, str], folder_uid: str) -> dict[str, str]:
    annotations = {k: v for k, v in sent.items()
                   if k not in SERVER_ANNOTATIONS and k != ANNO_GRANT_PERMISSIONS}
    annotations.pop(ANNO_FOLDER, None)
    if folder_uid:
        annotations[ANNO_FOLDER] = folder_uid
    return annotations


def create_dashboard(store: Store, uid: str, write: DashboardWrite) -> DashboardRecord:
    now = now_timestamp()
    record = DashboardRecord(
        id=store.next_dashboard_id(), uid=uid, title=_title(write.spec),
        folder_uid=write.folder_uid, data={}, version=1, created=now, updated=now,
        created_by=write.writer.login, updated_by=write.writer.login,
        k8s_uid=str(uuid.uuid4()), api_version=write.api_version)
    annotations = _final_annotations(write.annotations, write.folder_uid)
    annotations[ANNO_CREATED_BY] = write.writer.uid
    record.annotations = annotations
    record.labels = {**write.labels, LABEL_DEPRECATED_INTERNAL_ID: str(record.id)}
    _store_spec(record, strip_stamps(write.spec))
    store.dashboards[uid] = record
    _commit(store, record, write.writer)
    return record


def update_dashboard(store: Store, record: DashboardRecord, write: DashboardWrite
                     ) -> DashboardRecord:
    spec = strip_stamps(write.spec)
    spec_changed = spec != spec_of(record) or write.api_version.startswith("v2") != record.is_v2
    changed = spec_changed or write.folder_uid != record.folder_uid
    annotations = _final_annotations(write.annotations, write.folder_uid)
    annotations[ANNO_CREATED_BY] = record.annotations.get(ANNO_CREATED_BY, "")
    labels = {**write.labels, LABEL_DEPRECATED_INTERNAL_ID: str(record.id)}
    if changed:
        annotations[ANNO_UPDATED_BY] = write.writer.uid
        annotations[ANNO_UPDATED_TIMESTAMP] = rfc3339_now()
    else:
        for key in (ANNO_UPDATED_BY, ANNO_UPDATED_TIMESTAMP):
            if key in record.annotations:
                annotations[key] = record.annotations[key]
    if (not changed and annotations == record.annotations and labels == record.labels
            and write.api_version == record.api_version):
        return record  # nothing to write
    record.annotations = annotations
    record.labels = labels
    record.api_version = write.api_version
    record.folder_uid = write.folder_uid
    record.title = _title(spec)
    if changed:
        record.version += 1
        record.updated = now_timestamp()
        record.updated_by = write.writer.login
    _store_spec(record, spec)
    _commit(store, record, write.writer)
    return record


def _title(spec: Mapping[str, Any]) -> str:
    title = spec.get("title")
    return title if isinstance(title, str) else ""


def _store_spec(record: DashboardRecord, spec: dict[str, Any]) -> None:
    spec.update(id=record.id, uid=record.uid, version=record.version)
    record.data = spec


def _commit(store: Store, record: DashboardRecord, writer: Writer) -> None:
    record.resource_version = store.resource_versions.next()
    message = record.annotations.get(ANNO_MESSAGE, "")
    store.versions.setdefault(record.uid, []).append(VersionRecord(
        id=record.resource_version, dashboard_id=record.id, dashboard_uid=record.uid,
        parent_version=record.version - 1, restored_from=restored_from(message),
        version=record.version, created=record.created,
        created_by=record.updated_by if record.annotations.get(ANNO_UPDATED_BY)
        else record.created_by,
        message=message, data=dict(record.data), resource_version=record.resource_version,
        api_version=record.api_version, folder_uid=record.folder_uid,
        labels=dict(record.labels), annotations=dict(record.annotations),
        updated_by_uid=writer.uid))
    store.search_index.changed(store, record.uid, DASHBOARD)


_RESTORED = re.compile(r"Restored from version (-?\d+)$")


def restored_from(message: str) -> int:
    """dashverimpl getRestoreVersion: the number after "Restored from version " (0 if none)."""
    parts = message.split("Restored from version ")
    if len(parts) < 2:
        return 0
    match = _RESTORED.search("Restored from version " + parts[1])
    return int(match.group(1)) if match else 0


def history_at(store: Store, uid: str, resource_version: int) -> VersionRecord | None:
    """resource_history_read.sql: the newest entry at or before resource_version."""
    entries = [v for v in store.versions.get(uid, []) if v.resource_version <= resource_version]
    return max(entries, key=lambda v: v.resource_version) if entries else None


# --- manager properties (pkg/storage/unified/apistore/managed.go) ---------------------

_TERRAFORM_USER_AGENT = re.compile(
    r"^Terraform/[^ ]+ \(\+https://www\.terraform\.io\) terraform-provider-[^/]+/.+$")
_CLASSIC_KINDS = ("classic-file-provisioning", "classic-api-provisioning")


def check_manager_on_write(resource: str, group: str, name: str,
                           old: Mapping[str, str] | None, new: Mapping[str, str],
                           writer: Writer) -> None:
    """checkManagerPropertiesOnCreate / checkManagerPropertiesOnUpdateSpec. Storage enforces
    only the `repo` kind (a write from anyone but the provisioning service is routed to Git
    Sync; the emulator answers 403, a guess); terraform and kubectl allow the write whatever
    managerAllowsEdits says (enforceManagerProperties: "TODO"). The kind and identity of an
    object's manager cannot change (403)."""
    before = manager_properties(old) if old is not None else None
    after = manager_properties(new)
    if before is None and after is None:
        return
    if after is None and before is not None:
        if before[0] == "repo" and not writer.is_admin:
            raise forbidden(resource, group, name, "Can not remove resource manager from resource")
        return
    assert after is not None
    if before is not None and after[0] != before[0]:
        # utils.NewForbiddenManagerKindChangeError (its wording is a guess)
        raise forbidden(resource, group, name,
                        f"Cannot change resource manager kind from {before[0]} to {after[0]}; "
                        "remove the existing manager first, then add the new one")
    if before is not None and after[1] != before[1]:
        if after[0] not in ("terraform", *_CLASSIC_KINDS):
            raise forbidden(resource, group, name,
                            "Cannot change resource manager identity; remove the existing manager "
                            "first, then add the new one")
        if after[0] == "terraform" and not _TERRAFORM_USER_AGENT.match(before[1]):
            if _TERRAFORM_USER_AGENT.match(after[1]):
                raise forbidden(resource, group, name,
                                "Cannot change Terraform manager ID back to User-Agent format; "
                                "stable custom IDs are immutable")
            raise forbidden(resource, group, name,
                            "Cannot change Terraform manager ID; stable custom IDs are immutable")
    if after[0] == "repo":
        raise forbidden(resource, group, name, "this resource is managed by a repository")


def check_manager_on_delete(resource: str, group: str, name: str,
                            annotations: Mapping[str, str]) -> None:
    manager = manager_properties(annotations)
    if manager is not None and manager[0] == "repo":
        raise forbidden(resource, group, name, "this resource is managed by a repository")


def legacy_manager_refusal(record: DashboardRecord, writer: Writer) -> ApiError | None:
    """The legacy save of a repo-managed dashboard drops its manager (the legacy command is a
    fresh object), which storage refuses to anyone but an admin; the legacy handler passes the
    status on as {"message"} (apierrors.ToDashboardErrorResponse; the body shape is a guess)."""
    manager = manager_properties(record.annotations)
    if manager is not None and manager[0] == "repo" and not writer.is_admin:
        return plain_error(403, "Can not remove resource manager from resource", traced=True)
    return None


# --- folders --------------------------------------------------------------------

def folder_created(store: Store, folder: FolderRecord, writer: Writer | None = None) -> None:
    """Give a new folder its object metadata (12+ only; harmless before)."""
    folder.k8s_uid = folder.k8s_uid or str(uuid.uuid4())
    folder.generation = 1
    folder.annotations = {k: v for k, v in folder.annotations.items()
                          if k not in SERVER_ANNOTATIONS and k != ANNO_GRANT_PERMISSIONS}
    folder.annotations[ANNO_CREATED_BY] = (writer.uid if writer else f"user:{folder.created_by}")
    _folder_parent_annotation(folder)
    folder.resource_version = store.resource_versions.next()
    store.search_index.changed(store, folder.uid, FOLDER)


def folder_changed(store: Store, folder: FolderRecord, *, spec_or_parent_changed: bool,
                   writer: Writer | None = None) -> None:
    if spec_or_parent_changed:
        folder.generation += 1
        folder.annotations[ANNO_UPDATED_BY] = writer.uid if writer else f"user:{folder.updated_by}"
        folder.annotations[ANNO_UPDATED_TIMESTAMP] = rfc3339_now()
    _folder_parent_annotation(folder)
    folder.resource_version = store.resource_versions.next()
    store.search_index.changed(store, folder.uid, FOLDER)


def _folder_parent_annotation(folder: FolderRecord) -> None:
    folder.annotations.pop(ANNO_FOLDER, None)
    if folder.parent_uid:
        folder.annotations[ANNO_FOLDER] = folder.parent_uid


def folder_spec(folder: FolderRecord) -> dict[str, Any]:
    spec: dict[str, Any] = {"title": folder.title}
    if folder.description:
        spec["description"] = folder.description
    return spec


def copy_spec(record: DashboardRecord) -> dict[str, Any]:
    return copy_json(spec_of(record))
