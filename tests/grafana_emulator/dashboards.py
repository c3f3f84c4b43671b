"""Dashboard endpoints: save, get, delete, versions and restore (Grafana 11.3 shapes).

Where later releases answer differently, store.behaviour says how (behaviour.py): the
versions list wrapped in an object (11.6+), versions read from resource history (12+), the
406 or the lossy v1 view of a schema v2 dashboard, ?apiVersion (13.x)."""

from __future__ import annotations

from typing import Any

from .auth import role_at_least
from .dashboard_save import (
    SaveCommand,
    as_int,
    folder_of,
    is_read_only_provisioned,
    save_dashboard,
    save_result,
)
from .dashboard_schema import classic_to_v2, migrate, v2_to_classic
from .errors import bad_request_data, dashboard_not_found, plain_error
from .http_types import Identity, Request, Response, json_response
from .kube import NAMESPACE, decode_continue, encode_continue
from .store import DashboardRecord, Store, VersionRecord
from .unified import history_at, request_writer, spec_of
from .values import copy_json, dashboard_url, folder_url, slugify

# dashboards.SaveDashboardCommand's typed fields: encoding/json refuses a value of another type,
# and a number that is not an integer literal (3.0) for the int64 folderId.
_COMMAND_FIELD_TYPES = {"folderUid": str, "message": str, "overwrite": bool, "folderId": int}


def post_dashboard(store: Store, request: Request) -> Response:
    body = request.json_object()
    _check_command_types(body)
    if body.get("isFolder") is True:
        raise plain_error(400, "Use folders endpoint for saving folders.")
    dashboard = body.get("dashboard")
    command = SaveCommand(
        dashboard=dashboard if isinstance(dashboard, dict) else {},  # parsed for this request
        folder_uid=body.get("folderUid") or "",
        folder_id=as_int(body.get("folderId")),
        message=body.get("message") or "",
        overwrite=body.get("overwrite") is True,
        user=request.identity.login,
        writer=request_writer(request),
    )
    return json_response(200, save_result(save_dashboard(store, command)))



def _check_command_types(body: dict[str, Any]) -> None:
    """Go's JSON binding rejects a field of the wrong type with 'bad request data'."""
    for name, expected in _COMMAND_FIELD_TYPES.items():
        value = body.get(name)
        if value is not None and (not isinstance(value, expected) or
                                  (expected is not bool and isinstance(value, bool))):
            raise bad_request_data()


def get_dashboard(store: Store, request: Request) -> Response:
    record = _dashboard_or_404(store, request.params["uid"])
    behaviour = store.behaviour
    if not behaviour.unified_storage:
        return json_response(200, {
            "dashboard": _dashboard_json(record),
            "meta": dashboard_meta(store, record, request.identity),
        })
    wanted = request.arg("apiVersion").strip() if behaviour.legacy_get_api_version_param else ""
    if wanted not in behaviour.dashboard_versions:
        wanted = ""  # "If that request fails, the default version is used instead."
    if record.is_v2 and not wanted and behaviour.legacy_get_of_v2 == "406":
        # GetDashboard: "v2 is not supported in /api" (response.Error with a nil error)
        raise plain_error(406, "dashboard api version not supported, use "
                               f"/apis/dashboard.grafana.app/{record.api_version}/namespaces/"
                               f"{NAMESPACE}/dashboards/{record.uid} instead")
    dashboard = legacy_view(store, record, wanted)
    dashboard.update(id=record.id, uid=record.uid, version=record.version)
    meta = dashboard_meta(store, record, request.identity)
    # dtos.DashboardMeta.APIVersion (12+): the version the dashboard was read as
    meta["apiVersion"] = wanted or record.api_version
    return json_response(200, {"dashboard": dashboard, "meta": meta})


def legacy_view(store: Store, record: DashboardRecord, api_version: str = "") -> dict[str, Any]:
    """The dashboard JSON a 12+ legacy GET answers: the stored spec as it is (legacy saves are
    v0alpha1, unmigrated); a v2 dashboard as a lossy v1 conversion (13.x, guess); with
    ?apiVersion, the spec as read through that version: migrated for v1/v1beta1, the v2 spec
    for v2* (what the handler puts in "dashboard" then is a guess)."""
    spec = spec_of(record)
    target = store.behaviour.schema_version
    if api_version.startswith("v2"):
        if record.is_v2:
            return spec
        return classic_to_v2(migrate(spec, target))
    if record.is_v2:
        return v2_to_classic(spec, target)
    if api_version in ("v1", "v1beta1"):
        return migrate(spec, target)
    return spec  # a fresh top-level dict sharing the stored values: only serialized


def _dashboard_or_404(store: Store, uid: str) -> DashboardRecord:
    record = store.dashboards.get(uid)
    if record is None:
        raise dashboard_not_found()
    return record


def _dashboard_json(record: DashboardRecord) -> dict[str, Any]:
    data = copy_json(record.data)
    data.update(id=record.id, uid=record.uid, version=record.version)
    return data


def dashboard_meta(store: Store, record: DashboardRecord, identity: Identity) -> dict[str, Any]:
    """dtos.DashboardMeta as HTTPServer.GetDashboard fills it (pkg/api/dashboard.go; the 11.x
    struct in pkg/api/dtos/dashboard.go). isStarred and publicDashboardEnabled are omitempty and
    always false here, so they are left out; canStar is c.IsSignedIn, which the context handler
    sets for every non-anonymous identity, service accounts included
    (contexthandler.go: IsSignedIn = !IsAnonymous)."""
    slug = slugify(record.title)
    folder = folder_of(store, record)
    can_write = role_at_least(identity.role, "Editor")
    return {
        "type": "db",
        "canSave": can_write,
        "canEdit": can_write,
        "canAdmin": role_at_least(identity.role, "Admin"),
        "canStar": True,
        "canDelete": can_write,
        "slug": slug,
        "url": dashboard_url(record.uid, slug),
        "expires": "0001-01-01T00:00:00Z",
        "created": record.created,
        "updated": record.updated,
        "updatedBy": record.updated_by,
        "createdBy": record.created_by,
        "version": record.version,
        "hasAcl": False,
        "isFolder": False,
        "folderId": folder.id if folder else 0,
        "folderUid": record.folder_uid,
        "folderTitle": folder.title if folder else "General",
        "folderUrl": folder_url(folder.uid, slugify(folder.title)) if folder else "",
        "provisioned": is_read_only_provisioned(record),
        "provisionedExternalId": record.external_id if record.provisioned else "",
        "annotationsPermissions": {
            "dashboard": {"canAdd": can_write, "canEdit": can_write, "canDelete": can_write},
            "organization": {"canAdd": can_write, "canEdit": can_write, "canDelete": can_write},
        },
    }


def delete_dashboard(store: Store, request: Request) -> Response:
    uid = request.params["uid"]
    if uid in store.folders:
        raise plain_error(400, "Use folders endpoint for deleting folders.")
    record = _dashboard_or_404(store, uid)
    if record.provisioned:
        raise plain_error(400, "provisioned dashboard cannot be deleted", traced=True)
    store.delete_dashboard(uid)
    return json_response(200, {
        "title": record.title,
        "message": f"Dashboard {record.title} deleted",
        "uid": record.uid,
    })


# --- versions ----------------------------------------------------------------

def list_versions(store: Store, request: Request) -> Response:
    """11.3 answers a bare array, newest first (11.6+ wraps it in an object). The messages are
    the handler's, not the stored ones: see listed_message.

    Each entry carries the version's dashboard JSON as "data": HTTPServer.GetDashboardVersions
    copies Data into every DashboardVersionMeta, whose tag has no omitempty, and the SQL store's
    List selects dashboard_version.data (pkg/services/dashboardversion/dashverimpl/xorm_store.go
    List). A page with no version (e.g. `start` past the last one) is the store's
    ErrNoVersionsForDashboardID, which the handler answers 404 "No versions found for
    dashboardId <id>" (response.Error with the error, so with a traceID)."""
    record = _dashboard_or_404(store, request.params["uid"])
    if store.behaviour.unified_storage:
        return _list_history(store, record, request)
    versions = sorted(store.versions.get(record.uid, []), key=lambda v: -v.version)
    start = max(request.int_arg("start", 0), 0)
    limit = request.int_arg("limit", 0) or 1000  # dashverimpl.Service.List: 0 means 1000
    page = versions[start:start + limit]
    if not page:
        raise plain_error(404, f"No versions found for dashboardId {record.id}", traced=True)
    listed = [{**_version_meta(v, with_data=True), "message": listed_message(v)} for v in page]
    if store.behaviour.versions_list_wrapped:
        # 11.6+ (grafana#104556): dashver.DashboardVersionResponseMeta; the SQL store gives no
        # continue token
        return json_response(200, {"continueToken": "", "versions": listed})
    return json_response(200, listed)


def _list_history(store: Store, record: DashboardRecord, request: Request) -> Response:
    """12+: dashverimpl listHistoryThroughK8s — a LIST of the object's history (newest first),
    `limit` (0 → 1000) and `continueToken` page it, `start` is ignored; an empty history is an
    empty list, not a 404. Each version: id = resourceVersion, version = generation,
    parentVersion = version - 1, restoredFrom parsed from the message, created = the object's
    creationTimestamp, createdBy = the entry's updatedBy (else createdBy); the handler then
    rewrites the messages (listed_message)."""
    limit = request.int_arg("limit", 0) or 1000
    token = request.arg("continueToken")
    offset = decode_continue(token) if token else 0
    history = sorted(store.versions.get(record.uid, []), key=lambda v: -v.resource_version)
    page = history[offset:offset + limit]
    more = offset + limit < len(history)
    listed = [{**_version_meta(v, with_data=True), "message": listed_message(v)} for v in page]
    return json_response(200, {
        "continueToken": encode_continue(offset + limit, record.resource_version) if more else "",
        "versions": listed})


def listed_message(version: VersionRecord) -> str:
    """The message GET /api/dashboards/uid/:uid/versions shows for `version`.

    Grafana's handler rewrites three kinds of version before answering, whatever message the
    save carried: pkg/api/dashboard.go, HTTPServer.GetDashboardVersions, the same loop from the
    10.x/11.x handler (plain array) to the 13.x one (`continueToken`, versions read through the
    Kubernetes-style history in dashverimpl.Service.List). The three `if`s run in this order
    with no `continue`, so the last that applies wins: a first version (parentVersion 0) is
    always "Initial save". Only GET …/versions/:id (GetDashboardVersion) returns the stored
    message."""
    message = version.message
    if version.restored_from == version.version:
        message = "Initial save (created by migration)"
    if version.restored_from > 0:
        message = f"Restored from version {version.restored_from}"
    if version.parent_version == 0:
        message = "Initial save"
    return message


def get_version(store: Store, request: Request) -> Response:
    """GetDashboardVersion parses ":id" with strconv.ParseInt and ignores the error, so anything
    but a number looks up version 0; a version that does not exist answers 500 (not 404)."""
    record = _dashboard_or_404(store, request.params["uid"])
    if store.behaviour.unified_storage:
        return _get_history_version(store, record, request.params["version"])
    number = _parse_go_int(request.params["version"])
    version = _find_version(store, record, number)
    if version is None:
        raise plain_error(500, f"Dashboard version {number} not found for "
                               f"dashboardId {record.id}", traced=True)
    return json_response(200, _version_meta(version, with_data=True))


def _get_history_version(store: Store, record: DashboardRecord, text: str) -> Response:
    """12+: GetDashboardVersion parses :id (an error is response.Err: a 500, wording a guess)
    and dashverimpl getHistoryThroughK8s reads the object at resourceVersion :id — the newest
    history entry at or before it (resource_history_read.sql). So :id is a listed version's
    `id`; a generation number names no entry and answers 500 "Dashboard version N not found"."""
    if not text.lstrip("-").isdigit() or not text.isascii():
        raise plain_error(500, "Internal Server Error", traced=True)
    number = int(text)
    version = history_at(store, record.uid, number) if number > 0 else None
    if version is None:
        raise plain_error(500, f"Dashboard version {number} not found for "
                               f"dashboardId {record.id}", traced=True)
    return json_response(200, _version_meta(version, with_data=True))


def _parse_go_int(text: str) -> int:
    """strconv.ParseInt(text, 10, 32) with the error ignored: 0 unless `text` is a plain
    (optionally signed) decimal integer in the int32 range."""
    if not text.lstrip("+-").isdigit() or not text.isascii():
        return 0
    number = int(text)
    return number if -2**31 <= number < 2**31 else 0


def restore_version(store: Store, request: Request) -> Response:
    record = _dashboard_or_404(store, request.params["uid"])
    wanted = request.json_object().get("version")
    if store.behaviour.unified_storage:
        return _restore_history(store, record, as_int(wanted), request)
    version = _find_version(store, record, as_int(wanted))
    if version is None:
        raise plain_error(404, "Dashboard version not found", traced=True)
    data = copy_json(version.data)
    data.update(version=record.version, uid=record.uid)
    command = SaveCommand(dashboard=data, folder_uid=record.folder_uid,
                          message=f"Restored from version {version.version}",
                          user=request.identity.login, restored_from=version.version)
    return json_response(200, save_result(save_dashboard(store, command)))


def _restore_history(store: Store, record: DashboardRecord, number: int,
                     request: Request) -> Response:
    """12+: dashverimpl RestoreVersion reads the version like GET …/versions/:id (by
    resourceVersion) and saves it with "Restored from version <its version>"."""
    version = history_at(store, record.uid, number) if number > 0 else None
    if version is None:
        raise plain_error(404, "Dashboard version not found", traced=True)
    data = copy_json(version.data)
    data.update(version=record.version, uid=record.uid)
    command = SaveCommand(dashboard=data, folder_uid=record.folder_uid,
                          message=f"Restored from version {version.version}",
                          user=request.identity.login, restored_from=version.version,
                          writer=request_writer(request), via_service=True)
    return json_response(200, save_result(save_dashboard(store, command)))


def _find_version(store: Store, record: DashboardRecord, number: int) -> VersionRecord | None:
    return next((v for v in store.versions.get(record.uid, []) if v.version == number), None)


def _version_meta(version: VersionRecord, *, with_data: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": version.id,
        "dashboardId": version.dashboard_id,
        "uid": version.dashboard_uid,
        "parentVersion": version.parent_version,
        "restoredFrom": version.restored_from,
        "version": version.version,
        "created": version.created,
        "createdBy": version.created_by,
        "message": version.message,
    }
    if with_data:
        meta["data"] = copy_json(version.data)
        if version.resource_version:
            # 12+ (UnstructuredToLegacyDashboardVersion): the spec with uid and version only
            meta["data"].pop("id", None)
    return meta
