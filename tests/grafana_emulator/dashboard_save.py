"""The rules of saving a dashboard (POST /api/dashboards/db), in Grafana 11.3's order.

Follows DashboardServiceImpl.SaveDashboard / BuildSaveDashboardCommand /
ValidateDashboardBeforeSave and the SQL store's saveDashboard. The caller holds
the store lock.

From 12.x (behaviour.unified_storage) the same checks run, then the dashboard is written
through the API server (unified.py): the version is the generation, identical content makes
no new version. From 13.1 (behaviour.legacy_save_via_k8s) the handler itself writes through the
Kubernetes client (pkg/api/dashboard.go postDashboard / saveDashboardViaK8s), with its own
checks and answers (see _save_via_k8s).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dashboard_schema import LOOKS_LIKE_V2_MESSAGE, looks_like_v2
from .errors import ApiError, plain_error, status_error, uid_errors
from .kube import ANNO_MESSAGE, manager_properties
from .store import DashboardRecord, FolderRecord, Store
from .unified import (
    DashboardWrite,
    Writer,
    create_dashboard,
    legacy_manager_refusal,
    update_dashboard,
)
from .values import (
    dashboard_url,
    generate_short_uid,
    now_timestamp,
    parse_grafana_duration,
    slugify,
)

MAX_MESSAGE_LENGTH = 500
MAX_TITLE_LENGTH = 5000


@dataclass
class SaveCommand:
    dashboard: dict[str, Any]  # owned by the save: it is stored as given, after the rules
    folder_uid: str = ""
    folder_id: int = 0
    message: str = ""
    overwrite: bool = False
    user: str = "admin"
    restored_from: int = 0
    allow_provisioned: bool = False  # file provisioning itself may write provisioned dashboards
    writer: Writer | None = None  # who writes, for the API server's metadata (12+)
    # Saved by a Grafana service (a restore), not by the 13.1+ handler: the service's checks
    # apply in every release (dashverimpl RestoreVersion → DashboardService.SaveDashboard).
    via_service: bool = False

    def author(self) -> Writer:
        return self.writer or Writer(login=self.user, uid=f"user:{self.user}", is_admin=True)


def save_dashboard(store: Store, command: SaveCommand) -> DashboardRecord:
    if (store.behaviour.legacy_save_via_k8s and not command.allow_provisioned
            and not command.via_service):
        return _save_via_k8s(store, command)
    data = command.dashboard
    raise_refresh_to_minimum(data, store.settings.min_refresh_interval)
    title, uid = _normalise_title_and_uid(data)
    _validate_basics(title, uid, command.message)
    folder_uid = _resolve_folder(store, command)
    dashboard_id = as_int(data.get("id"))
    existing = _existing_dashboard(store, dashboard_id, uid)
    if existing is not None:
        _check_update_allowed(existing, as_int(data.get("version")), command)
        if store.behaviour.unified_storage:
            return _write_unified(store, existing, existing.uid, data, folder_uid, command)
        return _update(store, existing, data, folder_uid, command)
    if store.behaviour.unified_storage:
        return _write_unified(store, None, uid or generate_short_uid(), data, folder_uid, command)
    return _create(store, data, uid or generate_short_uid(), title, folder_uid, command)


def _write_unified(store: Store, existing: DashboardRecord | None, uid: str,
                   data: dict[str, Any], folder_uid: str, command: SaveCommand) -> DashboardRecord:
    """The legacy command as a fresh v0alpha1 object: its annotations are only the folder and
    the message (dashboard_service.go saveDashboardThroughK8s, LegacySaveCommandToUnstructured),
    so a manager's annotations do not survive a legacy save; its labels are reset too."""
    writer = command.author()
    annotations = {ANNO_MESSAGE: command.message} if command.message else {}
    write = DashboardWrite(spec=data, folder_uid=folder_uid, api_version="v0alpha1",
                           writer=writer, annotations=annotations)
    if existing is None:
        return create_dashboard(store, uid, write)
    if not command.allow_provisioned:
        refusal = legacy_manager_refusal(existing, writer)
        if refusal is not None:
            raise refusal
    return update_dashboard(store, existing, write)


def _save_via_k8s(store: Store, command: SaveCommand) -> DashboardRecord:
    """pkg/api/dashboard.go postDashboard and saveDashboardViaK8s (13.1+), in their order:
    a v2-looking body → 400; an empty title (not trimmed) → 400 "Dashboard spec is missing
    required title property"; a spec.version that is not an integer → 400; folderId is
    ignored; an existing dashboard whose manager does not allow edits → 400 "Cannot save
    provisioned dashboard"; without overwrite, a missing or stale version (compared with the
    generation) → 409 "Dashboard already exists. Use overwrite flag to update."; no plugin
    check. Kept from the older path (guesses): the refresh floor, the uid and message
    checks, "folder not found" for an unknown folderUid."""
    data = command.dashboard
    if looks_like_v2(data):
        raise plain_error(400, LOOKS_LIKE_V2_MESSAGE)
    title = data.get("title")
    if not isinstance(title, str) or title == "":
        raise plain_error(400, "Dashboard spec is missing required title property")
    raise_refresh_to_minimum(data, store.settings.min_refresh_interval)
    uid = as_str(data.get("uid")).strip()
    version, has_version = _spec_version(data.get("version"))
    if len(command.message.encode()) > MAX_MESSAGE_LENGTH:
        raise plain_error(400, "message too long, max 500 characters")
    error = uid_errors(uid, traced=False)
    if error is not None:
        raise error
    folder_uid = command.folder_uid
    if folder_uid and folder_uid not in store.folders:
        raise plain_error(400, "folder not found")
    existing = _existing_dashboard(store, as_int(data.get("id")), uid)
    if existing is not None:
        manager = manager_properties(existing.annotations)
        if (manager is not None and not manager[2]) or is_read_only_provisioned(existing):
            raise plain_error(400, "Cannot save provisioned dashboard")
        if not command.overwrite and (not has_version or version != existing.version):
            raise plain_error(409, "Dashboard already exists. Use overwrite flag to update.")
        return _write_unified(store, existing, existing.uid, data, folder_uid, command)
    return _write_unified(store, None, uid or generate_short_uid(), data, folder_uid, command)


def _spec_version(value: Any) -> tuple[int, bool]:
    """nestedSpecVersion: absent or null → missing; an integer literal → it; a non-integer
    number (decoded as json.Number) → "spec.version is not an integer"; any other type →
    "spec.version has unsupported type". Both 400s carry the error (traceID)."""
    if value is None:
        return 0, False
    if isinstance(value, (bool, str, list, dict)):
        go_type = {bool: "bool", str: "string", list: "[]interface {}",
                   dict: "map[string]interface {}"}[type(value)]
        raise plain_error(400, f"spec.version has unsupported type {go_type}", traced=True)
    if isinstance(value, float):
        raise plain_error(400, f'spec.version is not an integer: strconv.ParseInt: parsing '
                               f'"{value!r}": invalid syntax', traced=True)
    return value, True


def raise_refresh_to_minimum(data: dict[str, Any], minimum: str) -> None:
    """Grafana raises a too-short (or unparsable) refresh to min_refresh_interval."""
    refresh = data.get("refresh")
    if not isinstance(refresh, str) or refresh in ("", "auto") or not minimum:
        return
    try:
        too_short = parse_grafana_duration(refresh) < parse_grafana_duration(minimum)
    except ValueError:
        too_short = True
    if too_short:
        data["refresh"] = minimum


def _normalise_title_and_uid(data: dict[str, Any]) -> tuple[str, str]:
    title = as_str(data.get("title")).strip()
    uid = as_str(data.get("uid")).strip()
    data["title"] = title
    return title, uid


def _validate_basics(title: str, uid: str, message: str) -> None:
    """BuildSaveDashboardCommand's first checks, in its order (the 12.x
    ValidateBasicDashboardProperties keeps it). The lengths are Go's len(), in UTF-8 bytes.
    The title-length check is in the 11.0-11.2 service and in 12+, not in the 11.5 copy read:
    whether 11.3.0 has it is a guess."""
    if title == "":
        raise status_error(400, "empty-name", "Dashboard title cannot be empty")
    if len(title.encode()) > MAX_TITLE_LENGTH:
        raise status_error(400, "title-too-long",
                           "Dashboard title cannot contain more than 5 000 characters")
    if len(message.encode()) > MAX_MESSAGE_LENGTH:
        raise plain_error(400, "message too long, max 500 characters")
    error = uid_errors(uid, traced=False)
    if error is not None:
        raise error


def _resolve_folder(store: Store, command: SaveCommand) -> str:
    """The target folder's uid; "" (root) when folderUid is left out."""
    if command.folder_uid:
        if command.folder_uid not in store.folders:
            raise plain_error(400, "folder not found")
        return command.folder_uid
    if command.folder_id:
        folder = store.folder_by_id(command.folder_id)
        if folder is None:
            raise plain_error(400, "folder not found")
        return folder.uid
    return ""


def _existing_dashboard(store: Store, dashboard_id: int, uid: str) -> DashboardRecord | None:
    by_id = None
    if dashboard_id > 0:
        by_id = store.dashboard_by_id(dashboard_id)
        if by_id is None:
            if store.folder_by_id(dashboard_id) is not None:
                raise _type_mismatch()
            raise status_error(404, "not-found", "Dashboard not found")
        uid = uid or by_id.uid
    if uid in store.folders:
        raise _type_mismatch()
    by_uid = store.dashboards.get(uid) if uid else None
    if by_id is not None and by_uid is not None and by_id.id != by_uid.id:
        raise plain_error(400, "A dashboard with the same uid already exists")
    return by_id or by_uid


def _type_mismatch() -> ApiError:
    return plain_error(400, "Dashboard cannot be changed to a folder")


def _check_update_allowed(existing: DashboardRecord, sent_version: int,
                          command: SaveCommand) -> None:
    if sent_version != existing.version and not command.overwrite:
        raise status_error(412, "version-mismatch",
                           "The dashboard has been changed by someone else")
    if existing.plugin_id and not command.overwrite:
        raise status_error(412, "plugin-dashboard",
                           f"The dashboard belongs to plugin {existing.plugin_id}.")
    if is_read_only_provisioned(existing) and not command.allow_provisioned:
        raise plain_error(400, "Cannot save provisioned dashboard")


def is_read_only_provisioned(dashboard: DashboardRecord) -> bool:
    return dashboard.provisioned and not dashboard.allow_ui_updates


def _create(store: Store, data: dict[str, Any], uid: str, title: str, folder_uid: str,
            command: SaveCommand) -> DashboardRecord:
    now = now_timestamp()
    parent_version = as_int(data.get("version"))
    record = DashboardRecord(
        id=store.next_dashboard_id(), uid=uid, title=title, folder_uid=folder_uid, data=data,
        version=1, created=now, updated=now, created_by=command.user, updated_by=command.user)
    _stamp(record)
    store.dashboards[uid] = record
    store.add_version(record, parent_version, command.message, command.restored_from)
    return record


def _update(store: Store, existing: DashboardRecord, data: dict[str, Any], folder_uid: str,
            command: SaveCommand) -> DashboardRecord:
    # Every save writes a new version, even when nothing changed (SQL store).
    parent_version = existing.version
    existing.data = data
    existing.title = data["title"]
    existing.folder_uid = folder_uid
    existing.version = parent_version + 1
    existing.updated = now_timestamp()
    existing.updated_by = command.user
    _stamp(existing)
    store.add_version(existing, parent_version, command.message, command.restored_from)
    return existing


def _stamp(record: DashboardRecord) -> None:
    """Grafana writes id, uid and version into the stored JSON."""
    record.data["id"] = record.id
    record.data["uid"] = record.uid
    record.data["version"] = record.version


def save_result(record: DashboardRecord) -> dict[str, Any]:
    slug = slugify(record.title)
    return {
        "id": record.id,
        "uid": record.uid,
        "url": dashboard_url(record.uid, slug),
        "status": "success",
        "version": record.version,
        "slug": slug,
        "folderUid": record.folder_uid,
    }


def folder_of(store: Store, record: DashboardRecord) -> FolderRecord | None:
    return store.folders.get(record.folder_uid) if record.folder_uid else None


def as_str(value: Any) -> str:
    """simplejson's MustString: anything but a string reads as ""."""
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int:
    """simplejson's MustInt/MustInt64 on a body Grafana decoded with UseNumber
    (pkg/components/simplejson): a number is a json.Number, and json.Number.Int64 fails for
    anything but an integer literal, so 3.0 or 2.5 read as 0, as does any non-number."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value
