"""The rules of saving a dashboard (POST /api/dashboards/db), in Grafana 11.3's order.

Follows DashboardServiceImpl.SaveDashboard / BuildSaveDashboardCommand /
ValidateDashboardBeforeSave and the SQL store's saveDashboard. The caller holds
the store lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError, plain_error, status_error, uid_errors
from .store import DashboardRecord, FolderRecord, Store
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


def save_dashboard(store: Store, command: SaveCommand) -> DashboardRecord:
    data = command.dashboard
    raise_refresh_to_minimum(data, store.settings.min_refresh_interval)
    title, uid = _normalise_title_and_uid(data)
    _validate_basics(title, uid, command.message)
    folder_uid = _resolve_folder(store, command)
    dashboard_id = as_int(data.get("id"))
    existing = _existing_dashboard(store, dashboard_id, uid)
    if existing is not None:
        _check_update_allowed(existing, as_int(data.get("version")), command)
        return _update(store, existing, data, folder_uid, command)
    return _create(store, data, uid or generate_short_uid(), title, folder_uid, command)


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


def _check_update_allowed(existing: DashboardRecord, sent_version: int, command: SaveCommand) -> None:
    if sent_version != existing.version and not command.overwrite:
        raise status_error(412, "version-mismatch", "The dashboard has been changed by someone else")
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
