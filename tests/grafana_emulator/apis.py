"""The Kubernetes-style API of 12.x and 13.x: /apis/dashboard.grafana.app and folder.grafana.app.

Served only when store.behaviour.serves_apis (12.4: v1beta1, 13.x: v1 and v2; see
behaviour.py). The objects are the same records the legacy /api endpoints read and write
(unified.py), so a dashboard saved through one path is visible through the other.

- Discovery: GET /apis (APIGroupList), /apis/<group> (APIGroup), /apis/<group>/<version>
  (APIResourceList), in k8s.io/apimachinery's shapes.
- Collection: GET (LIST) pages by `limit` (default 50, pkg/storage/unified/resource/server.go
  List) with metadata.continue; `labelSelector` (k8s syntax, kube.parse_label_selector);
  `fieldSelector=metadata.name=<n>`; history with labelSelector grafana.app/get-history=<name>
  (dashverimpl listHistoryThroughK8s) or grafana.app/get-history=true plus
  fieldSelector=metadata.name=<name>. POST creates (metadata.name is the uid, or generateName;
  a taken name → 409 AlreadyExists).
- Item: GET; PUT replaces (metadata.resourceVersion, when sent, must be the current one, else
  409 Conflict; without it the write is unconditional, as the UI saves); DELETE answers a
  Success Status.
- Dashboards: a write through v1/v1beta1 migrates the classic spec to the behaviour's
  schemaVersion (the mutate hook); v0alpha1 stores it as sent; v2* stores a v2 spec. A read
  converts between the stored version and the requested one (dashboard_schema.py); crossing
  between classic and v2 sets status.conversion.storedVersion (guess on when it is set).
- Errors are metav1.Status objects (kube.py). Reads need any role, writes Editor (the 403's
  wording follows Kubernetes RBAC and is a guess for Grafana's authorizer).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any

from .auth import role_at_least
from .dashboard_schema import classic_to_v2, migrate, v2_to_classic
from .errors import ApiError, not_found_route
from .folders import create_folder, delete_folder_tree, depth_limit
from .http_types import Request, Response, json_response
from .kube import (
    ANNO_FOLDER,
    LABEL_GET_HISTORY,
    NAMESPACE,
    SERVER_ANNOTATIONS,
    already_exists,
    bad_request,
    check_labels,
    check_name,
    conflict,
    decode_continue,
    encode_continue,
    forbidden,
    invalid,
    labels_match,
    not_found,
    parse_label_selector,
    status_error,
)
from .store import DashboardRecord, FolderRecord, Store, VersionRecord
from .unified import (
    DashboardWrite,
    check_manager_on_delete,
    check_manager_on_write,
    create_dashboard,
    folder_changed,
    folder_spec,
    request_writer,
    spec_of,
    strip_stamps,
    update_dashboard,
)

DASHBOARD_GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"
DEFAULT_PAGE = 50
RESOURCES = {DASHBOARD_GROUP: ("dashboards", "dashboard", "Dashboard"),
             FOLDER_GROUP: ("folders", "folder", "Folder")}
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


# --- discovery -------------------------------------------------------------------

def _served(store: Store) -> dict[str, tuple[tuple[str, ...], str]]:
    behaviour = store.behaviour
    if not behaviour.serves_apis:
        raise not_found_route()
    return {DASHBOARD_GROUP: (behaviour.dashboard_versions, behaviour.dashboard_preferred),
            FOLDER_GROUP: (behaviour.folder_versions, behaviour.folder_preferred)}


def _group_json(group: str, versions: tuple[str, ...], preferred: str) -> dict[str, Any]:
    ordered = [preferred] + [v for v in reversed(versions) if v != preferred]
    return {"name": group,
            "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in ordered],
            "preferredVersion": {"groupVersion": f"{group}/{preferred}", "version": preferred}}


def _no_such_resource() -> ApiError:
    return status_error(404, "NotFound", "the server could not find the requested resource", {})


def api_groups(store: Store, request: Request) -> Response:
    groups = [_group_json(g, v, p) for g, (v, p) in _served(store).items()]
    return json_response(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})


def api_group(store: Store, request: Request) -> Response:
    served = _served(store)
    group = request.params["group"]
    if group not in served:
        raise _no_such_resource()
    return json_response(200, {"kind": "APIGroup", "apiVersion": "v1",
                               **_group_json(group, *served[group])})


def api_resources(store: Store, request: Request) -> Response:
    group, version = _group_version(store, request)
    plural, singular, kind = RESOURCES[group]
    return json_response(200, {
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}",
        "resources": [{"name": plural, "singularName": singular, "namespaced": True,
                       "kind": kind, "verbs": VERBS}]})


def _group_version(store: Store, request: Request) -> tuple[str, str]:
    served = _served(store)
    group, version = request.params["group"], request.params["version"]
    if group not in served or version not in served[group][0]:
        raise _no_such_resource()
    return group, version


def _target(store: Store, request: Request) -> tuple[str, str]:
    group, version = _group_version(store, request)
    if request.params["resource"] != RESOURCES[group][0]:
        raise _no_such_resource()
    namespace = request.params["ns"]
    if namespace != NAMESPACE:
        # the org-1 identities of the emulator may not use another org's namespace (guess)
        raise forbidden(RESOURCES[group][0], group, "",
                        f'namespace "{namespace}" does not belong to the requester\'s org')
    return group, version


def _authorize(request: Request, verb: str, group: str, name: str = "") -> None:
    identity = request.identity
    assert identity is not None
    if verb in ("get", "list") or role_at_least(identity.role, "Editor"):
        return
    resource = RESOURCES[group][0]
    raise forbidden(resource, group, name,
                    f'User "{identity.login}" cannot {verb} resource "{resource}" in API group '
                    f'"{group}" in the namespace "{NAMESPACE}"')


# --- object rendering ---------------------------------------------------------------

def _metadata(name: str, k8s_uid: str, resource_version: int, generation: int, created: str,
              labels: dict[str, str], annotations: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": NAMESPACE, "uid": k8s_uid,
                                "resourceVersion": str(resource_version),
                                "generation": generation, "creationTimestamp": created}
    if labels:
        metadata["labels"] = dict(labels)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return metadata


def dashboard_view(store: Store, spec: dict[str, Any], stored: str, version: str
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec and status of a dashboard stored as `stored`, read as `version`. The spec may
    share parts with the stored one: it is for serializing, copy it before changing it."""
    target = store.behaviour.schema_version
    stored_v2 = stored.startswith("v2")
    status: dict[str, Any] = {}
    if version.startswith("v2"):
        if stored_v2:
            return spec, status
        status["conversion"] = {"failed": False, "storedVersion": stored}
        return classic_to_v2(migrate(spec, target)), status
    if stored_v2:
        status["conversion"] = {"failed": False, "storedVersion": stored}
        return v2_to_classic(spec, target), status
    if version == "v0alpha1":
        return spec, status
    return migrate(spec, target), status


def dashboard_object(store: Store, record: DashboardRecord, version: str) -> dict[str, Any]:
    spec, status = dashboard_view(store, spec_of(record), record.api_version, version)
    return {"kind": "Dashboard", "apiVersion": f"{DASHBOARD_GROUP}/{version}",
            "metadata": _metadata(record.uid, record.k8s_uid, record.resource_version,
                                  record.version, record.created, record.labels,
                                  record.annotations),
            "spec": spec, "status": status}


def _history_object(store: Store, record: DashboardRecord, entry: VersionRecord, version: str
                    ) -> dict[str, Any]:
    spec, status = dashboard_view(store, strip_stamps(entry.data), entry.api_version, version)
    return {"kind": "Dashboard", "apiVersion": f"{DASHBOARD_GROUP}/{version}",
            "metadata": _metadata(record.uid, record.k8s_uid, entry.resource_version,
                                  entry.version, record.created, entry.labels, entry.annotations),
            "spec": spec, "status": status}


def folder_object(folder: FolderRecord, version: str) -> dict[str, Any]:
    return {"kind": "Folder", "apiVersion": f"{FOLDER_GROUP}/{version}",
            "metadata": _metadata(folder.uid, folder.k8s_uid, folder.resource_version,
                                  folder.generation, folder.created, folder.labels,
                                  folder.annotations),
            "spec": folder_spec(folder), "status": {}}


# --- collection --------------------------------------------------------------------

def list_or_create(store: Store, request: Request) -> Response:
    group, version = _target(store, request)
    if request.method == "POST":
        _authorize(request, "create", group)
        create = _create_dashboard if group == DASHBOARD_GROUP else _create_folder
        return json_response(201, create(store, request, version))
    _authorize(request, "list", group)
    return json_response(200, _list(store, request, group, version))


def _list(store: Store, request: Request, group: str, version: str) -> dict[str, Any]:
    metadata_only = _wants_metadata_only(request)
    requirements = parse_label_selector(request.arg("labelSelector"))
    field_name = _field_selector_name(request.arg("fieldSelector"))
    limit = request.int_arg("limit", 0)
    limit = limit if limit > 0 else DEFAULT_PAGE
    token = request.arg("continue")
    offset = decode_continue(token) if token else 0
    history = [r for r in requirements if r[0] == LABEL_GET_HISTORY]
    items: list[dict[str, Any]]
    if history and group == DASHBOARD_GROUP:
        name = history[0][2][0] if history[0][2] and history[0][2][0] != "true" else field_name
        record = store.dashboards.get(name or "")
        entries = sorted(store.versions.get(record.uid, []), key=lambda v: -v.resource_version
                         ) if record else []
        page = entries[offset:offset + limit]
        items = [_history_object(store, record, e, version) for e in page] if record else []
        total = len(entries)
    else:
        records: list[Any] = sorted(
            (store.dashboards if group == DASHBOARD_GROUP else store.folders).values(),
            key=lambda r: r.uid)
        matching = [r for r in records if labels_match(r.labels, requirements)
                    and (field_name is None or r.uid == field_name)]
        page = matching[offset:offset + limit]
        render: Callable[[Any], dict[str, Any]] = (
            (lambda r: dashboard_object(store, r, version)) if group == DASHBOARD_GROUP
            else (lambda r: folder_object(r, version)))
        if metadata_only:
            render = _partial_metadata
        items = [render(r) for r in page]
        total = len(matching)
    latest = store.resource_versions.next()
    metadata: dict[str, Any] = {"resourceVersion": str(latest)}
    if offset + limit < total:
        metadata["continue"] = encode_continue(offset + limit, latest)
    if metadata_only:
        return {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                "metadata": metadata, "items": items}
    return {"kind": f"{RESOURCES[group][2]}List", "apiVersion": f"{group}/{version}",
            "metadata": metadata, "items": items}


# A client may ask for the objects' metadata only: Accept
# "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" (kubectl get -o name,
# client-go's metadata client). The generic API server answers it for any resource
# (k8s.io/apiserver pkg/endpoints/handlers/response.go transformResponseObject,
# asPartialObjectMetadataList); that Grafana's API server, built on it, does too is a guess
# that `dashsmith doctor --probe` can check. Other Accept values get the whole objects.
PARTIAL_METADATA = "as=PartialObjectMetadataList"


def _wants_metadata_only(request: Request) -> bool:
    accept = request.headers.get("Accept") or ""
    first = accept.split(",")[0]
    return PARTIAL_METADATA in first.replace(" ", "") and "g=meta.k8s.io" in first


def _partial_metadata(record: Any) -> dict[str, Any]:
    generation = record.version if isinstance(record, DashboardRecord) else record.generation
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": _metadata(record.uid, record.k8s_uid, record.resource_version,
                                  generation, record.created, record.labels,
                                  record.annotations)}


def _field_selector_name(text: str) -> str | None:
    """fieldSelector: only metadata.name=<n> (or ==) is understood; others are a 400 (guess)."""
    if not text.strip():
        return None
    key, _, value = text.replace("==", "=").partition("=")
    if key.strip() != "metadata.name" or "," in value:
        raise bad_request(f'"{text}" is not a known field selector: only "metadata.name"')
    return value.strip()


def _object_body(request: Request, group: str, version: str
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    body = request.json_object()
    api_version = body.get("apiVersion")
    if api_version not in (None, "", f"{group}/{version}"):
        raise bad_request(f"the API version in the data ({api_version}) does not match the "
                          f"expected API version ({group}/{version})")
    kind = body.get("kind")
    if kind not in (None, "", RESOURCES[group][2]):
        raise bad_request(f"the kind in the data ({kind}) does not match the expected kind "
                          f"({RESOURCES[group][2]})")
    metadata = _object(body, "metadata")
    for key in ("labels", "annotations"):
        value = metadata.get(key)
        if value is not None and (not isinstance(value, dict) or
                                  not all(isinstance(v, str) for v in value.values())):
            raise bad_request(f"metadata.{key} must map strings to strings")
    check_labels(RESOURCES[group][2], group, str(metadata.get("name") or ""),
                 metadata.get("labels") or {})
    return body, metadata


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""


def _new_name(metadata: dict[str, Any], kind: str, group: str) -> str:
    name = metadata.get("name") or ""
    if not name and metadata.get("generateName"):
        name = metadata["generateName"] + "".join(random.choices(string.ascii_lowercase
                                                                 + string.digits, k=5))
    if not isinstance(name, str) or not name:
        raise invalid(kind, group, "", "metadata.name: Required value: name or generateName "
                                       "is required")
    check_name(kind, group, name)
    return name


def _spec_for_write(store: Store, body: dict[str, Any], version: str, kind: str, name: str
                    ) -> dict[str, Any]:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise invalid(kind, DASHBOARD_GROUP, name, "spec: Required value")
    # the request's body is this write's own (parsed for it): no copy needed
    spec = strip_stamps(spec)
    if version.startswith("v2"):
        spec.setdefault("elements", {})
        if not isinstance(spec.get("layout"), dict):  # the mutate hook's default layout
            spec["layout"] = {"kind": "GridLayout", "spec": {"items": []}}
        return spec
    if version == "v0alpha1":
        return spec
    return migrate(spec, store.behaviour.schema_version)


def _folder_of(store: Store, annotations: dict[str, str], kind: str, group: str, name: str) -> str:
    folder_uid = annotations.get(ANNO_FOLDER, "")
    if folder_uid and folder_uid not in store.folders:
        # reading the parent fails (apistore getParentFolder); the status is a guess
        raise bad_request(f"failed to read folder {folder_uid}: folder not found")
    return folder_uid


def _create_dashboard(store: Store, request: Request, version: str) -> dict[str, Any]:
    body, metadata = _object_body(request, DASHBOARD_GROUP, version)
    name = _new_name(metadata, "Dashboard", DASHBOARD_GROUP)
    if name in store.dashboards:
        raise already_exists("dashboards", DASHBOARD_GROUP, name)
    annotations = dict(metadata.get("annotations") or {})
    writer = request_writer(request)
    check_manager_on_write("dashboards", DASHBOARD_GROUP, name, None, annotations, writer)
    folder_uid = _folder_of(store, annotations, "Dashboard", DASHBOARD_GROUP, name)
    spec = _spec_for_write(store, body, version, "Dashboard", name)
    record = create_dashboard(store, name, DashboardWrite(
        spec=spec, folder_uid=folder_uid, api_version=version, writer=writer,
        labels=dict(metadata.get("labels") or {}), annotations=annotations))
    return dashboard_object(store, record, version)


def _create_folder(store: Store, request: Request, version: str) -> dict[str, Any]:
    body, metadata = _object_body(request, FOLDER_GROUP, version)
    name = _new_name(metadata, "Folder", FOLDER_GROUP)
    if name in store.folders:
        raise already_exists("folders", FOLDER_GROUP, name)
    annotations = dict(metadata.get("annotations") or {})
    writer = request_writer(request)
    check_manager_on_write("folders", FOLDER_GROUP, name, None, annotations, writer)
    spec = _object(body, "spec")
    title, description = _text(spec, "title"), _text(spec, "description")
    try:
        folder = create_folder(store, title=title, uid=name,
                               parent_uid=annotations.get(ANNO_FOLDER, ""),
                               description=description, user=writer.login, writer=writer)
    except ApiError as error:
        raise _as_status(error) from None
    folder.labels = dict(metadata.get("labels") or {})
    folder.annotations.update({k: v for k, v in annotations.items()
                               if k not in SERVER_ANNOTATIONS and k != ANNO_FOLDER})
    return folder_object(folder, version)


def _as_status(error: ApiError) -> ApiError:
    """A legacy service error met on the /apis path, as a Status with its code and message
    (how Grafana's folder storage words these is a guess)."""
    body = error.body if isinstance(error.body, dict) else {}
    message = body.get("message") or "error"
    reasons = {400: "BadRequest", 404: "NotFound", 409: "Conflict", 412: "Conflict",
               403: "Forbidden"}
    code = 409 if error.status == 412 else error.status
    return status_error(code, reasons.get(code, "InternalError"), str(message))


# --- items ------------------------------------------------------------------------

def item(store: Store, request: Request) -> Response:
    group, version = _target(store, request)
    name = request.params["name"]
    if request.method == "GET":
        _authorize(request, "get", group, name)
        if group == DASHBOARD_GROUP:
            return json_response(200, dashboard_object(store, _dashboard(store, name), version))
        return json_response(200, folder_object(_folder(store, name), version))
    if request.method == "PUT":
        _authorize(request, "update", group, name)
        update = _update_dashboard if group == DASHBOARD_GROUP else _update_folder
        return json_response(200, update(store, request, version, name))
    _authorize(request, "delete", group, name)
    return json_response(200, _delete(store, group, name, _preconditions(request)))


def _dashboard(store: Store, name: str) -> DashboardRecord:
    record = store.dashboards.get(name)
    if record is None:
        raise not_found("dashboards", DASHBOARD_GROUP, name)
    return record


def _folder(store: Store, name: str) -> FolderRecord:
    folder = store.folders.get(name)
    if folder is None:
        raise not_found("folders", FOLDER_GROUP, name)
    return folder


def _check_put(metadata: dict[str, Any], name: str, resource: str, group: str,
               current_rv: int) -> None:
    if metadata.get("name") != name:
        raise bad_request(f"the name of the object ({metadata.get('name') or ''}) does not match "
                          f"the name on the URL ({name})")
    sent = metadata.get("resourceVersion")
    if sent in (None, ""):
        return  # unconditional update
    if str(sent) != str(current_rv):
        raise conflict(resource, group, name)


def _update_dashboard(store: Store, request: Request, version: str, name: str) -> dict[str, Any]:
    record = _dashboard(store, name)
    body, metadata = _object_body(request, DASHBOARD_GROUP, version)
    _check_put(metadata, name, "dashboards", DASHBOARD_GROUP, record.resource_version)
    annotations = dict(metadata.get("annotations") or {})
    writer = request_writer(request)
    check_manager_on_write("dashboards", DASHBOARD_GROUP, name, record.annotations, annotations,
                           writer)
    folder_uid = _folder_of(store, annotations, "Dashboard", DASHBOARD_GROUP, name)
    spec = _spec_for_write(store, body, version, "Dashboard", name)
    update_dashboard(store, record, DashboardWrite(
        spec=spec, folder_uid=folder_uid, api_version=version, writer=writer,
        labels=dict(metadata.get("labels") or {}), annotations=annotations))
    return dashboard_object(store, record, version)


def _update_folder(store: Store, request: Request, version: str, name: str) -> dict[str, Any]:
    folder = _folder(store, name)
    body, metadata = _object_body(request, FOLDER_GROUP, version)
    _check_put(metadata, name, "folders", FOLDER_GROUP, folder.resource_version)
    annotations = dict(metadata.get("annotations") or {})
    writer = request_writer(request)
    check_manager_on_write("folders", FOLDER_GROUP, name, folder.annotations, annotations, writer)
    spec = _object(body, "spec")
    title = _text(spec, "title").strip()
    if not title:
        raise bad_request("folder title cannot be empty")
    description = _text(spec, "description")
    parent = annotations.get(ANNO_FOLDER, "")
    if parent != folder.parent_uid:
        _check_move(store, folder, parent)
    changed = (title, description, parent) != (folder.title, folder.description,
                                               folder.parent_uid)
    folder.title, folder.description, folder.parent_uid = title, description, parent
    kept = {k: folder.annotations[k] for k in SERVER_ANNOTATIONS if k in folder.annotations}
    folder.annotations = {**{k: v for k, v in annotations.items() if k not in SERVER_ANNOTATIONS},
                          **kept}
    folder.labels = dict(metadata.get("labels") or {})
    if changed:
        folder.updated_by = writer.login
    folder_changed(store, folder, spec_or_parent_changed=changed, writer=writer)
    return folder_object(folder, version)


def _check_move(store: Store, folder: FolderRecord, parent: str) -> None:
    """As the legacy move (folders.move_folder): the parent must exist, not be the folder or
    below it, and the moved tree must fit the depth limit (the Status wording is a guess)."""
    if not parent:
        return
    if parent not in store.folders:
        raise bad_request(f"failed to read folder {parent}: folder not found")
    if parent == folder.uid or parent in store.descendants(folder.uid):
        raise bad_request("Circular reference detected")
    levels = store.subtree_height(folder.uid) + len(store.ancestors(parent)) + 1
    if levels > depth_limit(store):
        raise bad_request("Maximum nested folder depth reached")


def _preconditions(request: Request) -> dict[str, str]:
    """A DELETE's body, when it has one, is a DeleteOptions; its `preconditions` (uid,
    resourceVersion) are what the object must still have."""
    found = _object(request.json_object(), "preconditions")
    return {key: str(found[key]) for key in ("uid", "resourceVersion")
            if found.get(key) not in (None, "")}


def _check_preconditions(resource: str, group: str, name: str, k8s_uid: str,
                         resource_version: int, preconditions: dict[str, str]) -> None:
    """storage.Preconditions.Check (k8s.io/apiserver pkg/storage/interfaces.go), which Grafana's
    apistore calls on the object it reads before deleting (pkg/storage/unified/apistore/store.go
    Storage.Delete); the registry answers its failure as a 409 Conflict
    (storeerr.InterpretDeleteError: an InvalidObj error becomes apierrors.NewConflict)."""
    for key, have in (("uid", k8s_uid), ("resourceVersion", str(resource_version))):
        wanted = preconditions.get(key)
        if wanted is not None and wanted != have:
            label = "UID" if key == "uid" else "ResourceVersion"
            raise status_error(409, "Conflict",
                               f'Operation cannot be fulfilled on {resource}.{group} "{name}": '
                               f"Precondition failed: {label} in precondition: {wanted}, "
                               f"{label} in object meta: {have}",
                               {"name": name, "group": group, "kind": resource})


def _delete(store: Store, group: str, name: str, preconditions: dict[str, str] | None = None
            ) -> dict[str, Any]:
    if group == DASHBOARD_GROUP:
        record = _dashboard(store, name)
        _check_preconditions("dashboards", group, name, record.k8s_uid, record.resource_version,
                             preconditions or {})
        check_manager_on_delete("dashboards", group, name, record.annotations)
        if record.provisioned:
            # the dashboard admission Validate: ErrDashboardCannotDeleteProvisionedDashboard
            raise status_error(400, "BadRequest", "provisioned dashboard cannot be deleted")
        k8s_uid = record.k8s_uid
        store.delete_dashboard(name)
    else:
        folder = _folder(store, name)
        _check_preconditions("folders", group, name, folder.k8s_uid, folder.resource_version,
                             preconditions or {})
        check_manager_on_delete("folders", group, name, folder.annotations)
        k8s_uid = folder.k8s_uid
        try:
            delete_folder_tree(store, name, force_delete_rules=False)
        except ApiError as error:
            raise _as_status(error) from None
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": {"name": name, "group": group, "kind": RESOURCES[group][0],
                        "uid": k8s_uid}}
