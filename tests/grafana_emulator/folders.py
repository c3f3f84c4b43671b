"""Folder endpoints with nested folders, as in Grafana 11.3.

From 12.x folders are also folder.grafana.app objects (unified.py gives them a
resourceVersion, a generation and annotations); the legacy answers stay 11.3's (a guess for
12+). 13.x counts the depth limit differently (behaviour.folder_depth_counts_new_level)."""

from __future__ import annotations

from typing import Any

from .auth import role_at_least
from .errors import (
    ApiError,
    folder_not_found,
    plain_error,
    status_error,
    structured_error,
    uid_errors,
)
from .http_types import Identity, Request, Response, json_response
from .search_index import FOLDER
from .store import FolderRecord, Store
from .unified import Writer, folder_changed, folder_created, request_writer
from .values import folder_url, generate_short_uid, now_timestamp, slugify

GENERAL_FOLDER_UID = "general"
ROOT_FOLDER_NAME = "General"  # dashboards.RootFolderName


# --- reading -----------------------------------------------------------------

def list_folders(store: Store, request: Request) -> Response:
    """Only the children of parentUid (the ROOT folders when it is absent)."""
    parent_uid = request.arg("parentUid")
    if parent_uid and parent_uid not in store.folders:
        raise folder_not_found()
    children = sorted((f for f in store.folders.values() if f.parent_uid == parent_uid),
                      key=lambda f: (f.title.lower(), f.id))
    limit = request.int_arg("limit", 1000) or 1000
    page = max(request.int_arg("page", 1), 1)
    page_items = children[(page - 1) * limit: page * limit]
    return json_response(200, [_folder_hit(f) for f in page_items])


def _folder_hit(folder: FolderRecord) -> dict[str, Any]:
    hit: dict[str, Any] = {"id": folder.id, "uid": folder.uid, "title": folder.title}
    if folder.parent_uid:
        hit["parentUid"] = folder.parent_uid
    return hit


def get_folder(store: Store, request: Request) -> Response:
    return json_response(200, folder_dto(store, _folder_or_404(store, request.params["uid"]),
                                         request.identity))


def get_folder_by_id(store: Store, request: Request) -> Response:
    folder = store.folder_by_id(int(request.params["id"]))
    if folder is None:
        raise folder_not_found()
    return json_response(200, folder_dto(store, folder, request.identity))


def _folder_or_404(store: Store, uid: str, *, structured: bool = False) -> FolderRecord:
    """The folder API's 404: {"status": "not-found", ...} (ToFolderErrorResponse); the move
    handler passes the store's errutil error on instead (a guess for the moved folder itself)."""
    folder = store.folders.get(uid)
    if folder is None:
        if structured:
            raise structured_error(404, "folder.notFound", "Not found")
        raise folder_not_found()
    return folder


def folder_dto(store: Store, folder: FolderRecord, identity: Identity | None,
               *, with_parents: bool = True) -> dict[str, Any]:
    """dtos.Folder as HTTPServer.newToFolderDto fills it (pkg/api/folder.go): no description
    (the DTO has no such field); parentUid and parents are omitempty, and parents lists every
    ancestor, root first, each a full DTO without its own parents. orgId: the struct has it
    without omitempty but the legacy handler never sets it, so it reads 0 (a guess for 11.3: read
    in the 11.5 handler and the 12 struct)."""
    can_write = identity is None or role_at_least(identity.role, "Editor")
    dto: dict[str, Any] = {
        "id": folder.id,
        "uid": folder.uid,
        "orgId": 0,
        "title": folder.title,
        "url": folder_url(folder.uid, slugify(folder.title)),
        "hasAcl": False,
        "canSave": can_write,
        "canEdit": can_write,
        "canAdmin": identity is None or role_at_least(identity.role, "Admin"),
        "canDelete": can_write,
        "createdBy": folder.created_by,
        "created": folder.created,
        "updatedBy": folder.updated_by,
        "updated": folder.updated,
        "version": folder.version,
    }
    if folder.parent_uid:
        dto["parentUid"] = folder.parent_uid
    parents = store.ancestors(folder.uid)
    if with_parents and parents:
        dto["parents"] = [folder_dto(store, p, identity, with_parents=False) for p in parents]
    return dto


# --- writing -----------------------------------------------------------------

def post_folder(store: Store, request: Request) -> Response:
    body = request.json_object()
    folder = create_folder(
        store,
        title=_text(body, "title"),
        uid=_text(body, "uid"),
        parent_uid=_text(body, "parentUid"),
        description=_text(body, "description"),
        user=request.identity.login,
        writer=request_writer(request),
    )
    return json_response(200, folder_dto(store, folder, request.identity))


def depth_limit(store: Store) -> int:
    """The most ancestors a new folder's parent may have (see folder_depth_counts_new_level)."""
    limit = store.settings.max_folder_depth
    return limit - 1 if store.behaviour.folder_depth_counts_new_level else limit


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


def create_folder(store: Store, *, title: str, uid: str = "", parent_uid: str = "",
                  description: str = "", user: str = "admin", writer: Writer | None = None
                  ) -> FolderRecord:
    title, uid = title.strip(), uid.strip()
    _validate_new_folder(store, title, uid, parent_uid)
    now = now_timestamp()
    folder = FolderRecord(
        id=store.next_dashboard_id(), uid=uid or generate_short_uid(), title=title,
        parent_uid=parent_uid, description=description, version=1,
        created=now, updated=now, created_by=user, updated_by=user)
    store.folders[folder.uid] = folder
    folder_created(store, folder, writer)
    return folder


def _validate_new_folder(store: Store, title: str, uid: str, parent_uid: str) -> None:
    """folderimpl.Service.Create (legacy path, before folders moved to the API server): the
    "general" uid, then buildSaveDashboardCommand (title, the reserved "General" title, the
    parent, the uid rules, ValidateDashboardBeforeSave), then nestedFolderCreate's depth check."""
    if uid == GENERAL_FOLDER_UID:
        # dashboards.ErrFolderInvalidUID; ToFolderErrorResponse has no branch for it, so this
        # 400 is a guess (by the code it would fall through to a 500 "Folder API error")
        raise plain_error(400, "invalid uid for folder provided")
    _validate_title(title)
    if parent_uid and parent_uid not in store.folders:
        raise folder_not_found()
    error = uid_errors(uid, traced=True)
    if error is not None:
        raise error
    if uid in store.dashboards:
        # ValidateDashboardBeforeSave finds a dashboard: ErrDashboardTypeMismatch, a DashboardErr,
        # which ToFolderErrorResponse answers with its status and message (and a traceID)
        raise plain_error(400, "Dashboard cannot be changed to a folder", traced=True)
    if uid in store.folders:
        # ValidateDashboardBeforeSave finds the folder; the new one has version 0, the stored one
        # at least 1, so without overwrite it is ErrDashboardVersionMismatch, which toFolderError
        # turns into ErrFolderVersionMismatch: 412 version-mismatch, not 409. (409
        # ErrFolderWithSameUIDExists needs an id and a uid naming different rows, which a create
        # cannot send.)
        raise _folder_version_mismatch()
    if parent_uid and len(store.ancestors(parent_uid)) >= depth_limit(store):
        # validateParent: the parent's own ancestors (GetParents leaves the folder itself out)
        # must be fewer than folder.MaxNestedFolderDepth (4), so a folder can sit 5 levels deep.
        raise _max_depth_on_create()


def _validate_title(title: str) -> None:
    """buildSaveDashboardCommand: empty (after trimming) is ErrDashboardTitleEmpty, which
    toFolderError turns into ErrFolderTitleEmpty (400, no traceID); "General" in any case is
    ErrDashboardFolderNameExists, a DashboardErr (400 with a traceID)."""
    if title == "":
        raise plain_error(400, "folder title cannot be empty")
    if title.lower() == ROOT_FOLDER_NAME.lower():
        raise plain_error(400, "A folder with that name already exists", traced=True)


def _folder_version_mismatch() -> ApiError:
    return status_error(412, "version-mismatch", "the folder has been changed by someone else")


def _max_depth_on_create() -> ApiError:
    """pkg/api/apierrors/folder.go ToFolderErrorResponse (the 11.x version with the
    maximum-depth branch) answers errors.Is(err, folder.ErrMaximumDepthReached) with
    {"messageId", "message": ErrMaximumDepthReached.Error()}; that is an errutil.Base, whose
    Error() is "[<messageId>] " plus an empty log message. No traceID (response.JSON)."""
    return ApiError(json_response(400, {"messageId": "folder.maximum-depth-reached",
                                        "message": "[folder.maximum-depth-reached] "}))


def put_folder(store: Store, request: Request) -> Response:
    """folderimpl legacyUpdate / prepareForUpdate: a missing or empty "title" keeps the stored
    title (only a non-empty NewTitle replaces it, then trimmed); the sent "version" (0 when
    absent) must be the stored one unless "overwrite"."""
    folder = _folder_or_404(store, request.params["uid"])
    body = request.json_object()
    sent = _text(body, "title")
    title = sent.strip() if sent else folder.title
    _validate_title(title)
    if body.get("version") != folder.version and body.get("overwrite") is not True:
        raise _folder_version_mismatch()
    changed = title != folder.title
    folder.title = title
    if isinstance(body.get("description"), str):
        changed = changed or body["description"] != folder.description
        folder.description = body["description"]
    _touch(folder, request.identity.login)
    folder_changed(store, folder, spec_or_parent_changed=changed, writer=request_writer(request))
    return json_response(200, folder_dto(store, folder, request.identity))


def _touch(folder: FolderRecord, user: str) -> None:
    folder.version += 1
    folder.updated = now_timestamp()
    folder.updated_by = user


def move_folder(store: Store, request: Request) -> Response:
    """HTTPServer.MoveFolder answers a failed folderService.Move with response.ErrOrFallback, so
    the service's errutil errors come back as their public form (statusCode, messageId, message,
    traceID). folderimpl Move: GetHeight walks down from the folder and meets the new parent
    (circular reference), then the depth check: the folder's height + the new parent's ancestors
    + 1 must not exceed folder.MaxNestedFolderDepth (4)."""
    folder = _folder_or_404(store, request.params["uid"], structured=True)
    new_parent = _text(request.json_object(), "parentUid")
    if new_parent:
        if new_parent not in store.folders:
            # the store's GetParents: folder.ErrFolderNotFound (errutil NotFound, no public
            # message, so "Not found"); where 11.3's Move first meets it is a guess
            raise structured_error(404, "folder.notFound", "Not found")
        if new_parent == folder.uid or new_parent in store.descendants(folder.uid):
            raise structured_error(400, "folder.circular-reference", "Circular reference detected")
        levels = store.subtree_height(folder.uid) + len(store.ancestors(new_parent)) + 1
        if levels > depth_limit(store):
            raise structured_error(400, "folder.maximum-depth-reached",
                                   "Maximum nested folder depth reached")
    changed = new_parent != folder.parent_uid
    folder.parent_uid = new_parent
    _touch(folder, request.identity.login)
    folder_changed(store, folder, spec_or_parent_changed=changed, writer=request_writer(request))
    return json_response(200, folder_dto(store, folder, request.identity))


def delete_folder(store: Store, request: Request) -> Response:
    """Deletes the folder, its subfolders and every dashboard in them. Alert rules
    in them are deleted with ?forceDeleteRules=true, else the delete is refused."""
    folder = _folder_or_404(store, request.params["uid"])
    force = request.arg("forceDeleteRules") == "true"
    delete_folder_tree(store, folder.uid, force_delete_rules=force)
    return json_response(200, {"message": "Folder deleted"})


def delete_folder_tree(store: Store, uid: str, *, force_delete_rules: bool) -> None:
    tree = {uid, *store.descendants(uid)}
    rules = list(store.rules_in_folders(tree))
    if rules and not force_delete_rules:
        raise structured_error(400, "folder.not-empty",
                               "Folder cannot be deleted: folder is not empty")
    for rule in rules:
        del store.alert_rules[rule.uid]
    for dashboard in [d for d in store.dashboards.values() if d.folder_uid in tree]:
        store.delete_dashboard(dashboard.uid)
    for folder_uid in tree:
        del store.folders[folder_uid]
        store.search_index.changed(store, folder_uid, FOLDER)
