"""Folder endpoints with nested folders, as in Grafana 11.3."""

from __future__ import annotations

from typing import Any

from .auth import role_at_least
from .errors import ApiError, folder_not_found, plain_error, status_error, structured_error, uid_errors
from .http_types import Identity, Request, Response, json_response
from .store import FolderRecord, Store
from .values import folder_url, generate_short_uid, now_timestamp, slugify

GENERAL_FOLDER_UID = "general"


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


def _folder_or_404(store: Store, uid: str) -> FolderRecord:
    folder = store.folders.get(uid)
    if folder is None:
        raise folder_not_found()
    return folder


def folder_dto(store: Store, folder: FolderRecord, identity: Identity | None,
               *, with_parents: bool = True) -> dict[str, Any]:
    can_write = identity is None or role_at_least(identity.role, "Editor")
    dto: dict[str, Any] = {
        "id": folder.id,
        "uid": folder.uid,
        "orgId": 1,
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
    if folder.description:
        dto["description"] = folder.description
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
    )
    return json_response(200, folder_dto(store, folder, request.identity))


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


def create_folder(store: Store, *, title: str, uid: str = "", parent_uid: str = "",
                  description: str = "", user: str = "admin") -> FolderRecord:
    title, uid = title.strip(), uid.strip()
    _validate_new_folder(store, title, uid, parent_uid)
    now = now_timestamp()
    folder = FolderRecord(
        id=store.next_dashboard_id(), uid=uid or generate_short_uid(), title=title,
        parent_uid=parent_uid, description=description, version=1,
        created=now, updated=now, created_by=user, updated_by=user)
    store.folders[folder.uid] = folder
    return folder


def _validate_new_folder(store: Store, title: str, uid: str, parent_uid: str) -> None:
    if uid == GENERAL_FOLDER_UID:
        raise plain_error(400, "invalid uid for folder provided")
    if title == "":
        raise plain_error(400, "folder title cannot be empty")
    error = uid_errors(uid, traced=True)
    if error is not None:
        raise error
    if parent_uid:
        if parent_uid not in store.folders:
            raise folder_not_found()
        if store.depth(parent_uid) >= store.settings.max_folder_depth:
            raise _max_depth_error()
    if uid and store.uid_taken(uid):
        # 11.3 answers 409 here; Grafana 12 answers 412 version-mismatch.
        raise plain_error(409, "a folder/dashboard with the same uid already exists")


def _max_depth_error() -> ApiError:
    return plain_error(400, "Maximum nested folder depth reached", traced=True)


def put_folder(store: Store, request: Request) -> Response:
    folder = _folder_or_404(store, request.params["uid"])
    body = request.json_object()
    title = _text(body, "title").strip() if "title" in body else folder.title
    if title == "":
        raise plain_error(400, "folder title cannot be empty")
    if body.get("version") != folder.version and body.get("overwrite") is not True:
        raise status_error(412, "version-mismatch", "the folder has been changed by someone else")
    folder.title = title
    if isinstance(body.get("description"), str):
        folder.description = body["description"]
    _touch(folder, request.identity.login)
    return json_response(200, folder_dto(store, folder, request.identity))


def _touch(folder: FolderRecord, user: str) -> None:
    folder.version += 1
    folder.updated = now_timestamp()
    folder.updated_by = user


def move_folder(store: Store, request: Request) -> Response:
    folder = _folder_or_404(store, request.params["uid"])
    new_parent = _text(request.json_object(), "parentUid")
    if new_parent:
        if new_parent not in store.folders:
            raise folder_not_found()
        if new_parent == folder.uid or new_parent in store.descendants(folder.uid):
            raise structured_error(400, "folder.circular-reference", "Circular reference detected")
        levels = store.depth(new_parent) + 1 + store.subtree_height(folder.uid)
        if levels > store.settings.max_folder_depth:
            raise _max_depth_error()
    folder.parent_uid = new_parent
    _touch(folder, request.identity.login)
    return json_response(200, folder_dto(store, folder, request.identity))


def delete_folder(store: Store, request: Request) -> Response:
    """Deletes the folder, its subfolders and every dashboard in them. Alert rules
    in them are deleted with ?forceDeleteRules=true, else the delete is refused."""
    folder = _folder_or_404(store, request.params["uid"])
    delete_folder_tree(store, folder.uid, force_delete_rules=request.arg("forceDeleteRules") == "true")
    return json_response(200, {"message": "Folder deleted"})


def delete_folder_tree(store: Store, uid: str, *, force_delete_rules: bool) -> None:
    tree = {uid, *store.descendants(uid)}
    rules = list(store.rules_in_folders(tree))
    if rules and not force_delete_rules:
        raise structured_error(400, "folder.not-empty", "Folder cannot be deleted: folder is not empty")
    for rule in rules:
        del store.alert_rules[rule.uid]
    for dashboard in [d for d in store.dashboards.values() if d.folder_uid in tree]:
        store.delete_dashboard(dashboard.uid)
    for folder_uid in tree:
        del store.folders[folder_uid]
