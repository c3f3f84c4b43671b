"""Grafana's Kubernetes-style API (/apis, 12.x and 13.x) through the same session as
grafana-client: the same credentials, TLS settings, org header, Retry-After hook and -vv log.

    apis = ApisClient(grafana)                     # grafana: connect()'s GrafanaApi
    dashboards = Resource("dashboard.grafana.app", "v1", "default", "dashboards")
    for item in apis.list(dashboards, label_selector="app.kubernetes.io/managed-by=dashsmith"):
        ...
    created = apis.create(dashboards, {"metadata": {"name": uid, ...}, "spec": {...}})
    apis.update(dashboards, {**created, "spec": new_spec})   # Conflict if someone saved since

grafana-client builds every URL as `<base>/api` + path (GrafanaClient.url, _make_url), so it
cannot reach /apis; this module sends through its niquests session (`grafana.client.s`) to
`<base>/apis/...` instead. Paths: /apis/<group>/<version>/namespaces/<namespace>/<plural>[/<name>]
(Grafana's apis-migration docs, developer-resources/api-reference/http-api/apis-migration/).

Errors are Kubernetes Status objects ({"kind": "Status", "reason": "Conflict", "message": ...,
"code": 409}, k8s.io/apimachinery metav1.Status); they become ApisError and its subclasses,
which are GrafanaExceptions: connection.explain() describes them and retry.py retries the
transient ones (429, 502, 503, 504, timeouts, dropped connections). What a retry can meet:
- LIST and GET are reads;
- update() is conditional on metadata.resourceVersion, so a repeat of a PUT that landed is
  refused (Conflict) and never applied twice; the error says so (`retried`);
- create() sends metadata.name, so a repeat of a POST that landed answers AlreadyExists
  (`retried` again) rather than making a second object;
- delete() of an object an earlier attempt already deleted counts as done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import niquests
import orjson
from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaException, GrafanaTimeoutError

from dashsmith.grafana import retry

JSONObject = dict[str, Any]
_TIMEOUT_ERROR: Any = GrafanaTimeoutError  # its __init__ has no annotations

# A LIST without `limit` answers one page of 50 (pkg/storage/unified/resource/server.go List);
# asking for more per page means fewer round trips for a large estate.
PAGE_SIZE = 500
# What a client sends to LIST only the objects' metadata (kubectl, client-go's metadata client):
# the generic API server Grafana's is built on answers a PartialObjectMetadataList for any
# resource (k8s.io/apiserver endpoints/handlers/response.go transformResponseObject); that
# Grafana's does is unconfirmed. The plain JSON after the comma is what a server that does not
# offer it answers: the whole objects.
METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"


@dataclass(frozen=True)
class Resource:
    """One kind of object in one API version and namespace: dashboards in
    dashboard.grafana.app/v1 of namespace "default", say."""

    group: str
    version: str
    namespace: str
    plural: str

    @property
    def api_version(self) -> str:
        """What objects of this resource carry as `apiVersion`."""
        return f"{self.group}/{self.version}"

    @property
    def collection_path(self) -> str:
        return (f"/apis/{self.group}/{self.version}/namespaces/{quote(self.namespace, safe='')}"
                f"/{self.plural}")

    def item_path(self, name: str) -> str:
        return f"{self.collection_path}/{quote(name, safe='')}"

    def __str__(self) -> str:
        return f"{self.plural}.{self.api_version}"


DASHBOARD_GROUP = "dashboard.grafana.app"
FOLDER_GROUP = "folder.grafana.app"


@dataclass(frozen=True)
class Target:
    """Where a deploy on the /apis path reads and writes: the namespace, the classic-schema
    dashboard version (v1 on 13.x, v1beta1 on 12.x), the folder version (None: folders through
    the legacy /api) and the schema v2 version (to read dynamic dashboards whole). A plan
    records it, so a saved plan is applied through the API it was made on."""

    namespace: str
    dashboards: str
    folders: str | None = None
    v2: str | None = None

    def dashboard_resource(self) -> Resource:
        return Resource(DASHBOARD_GROUP, self.dashboards, self.namespace, "dashboards")

    def folder_resource(self) -> Resource | None:
        return Resource(FOLDER_GROUP, self.folders, self.namespace, "folders") \
            if self.folders else None

    def v2_resource(self) -> Resource | None:
        return Resource(DASHBOARD_GROUP, self.v2, self.namespace, "dashboards") \
            if self.v2 else None

    def as_json(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "dashboards": self.dashboards,
                "folders": self.folders, "v2": self.v2}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Target | None:
        if not data:
            return None
        return cls(str(data["namespace"]), str(data["dashboards"]), data.get("folders"),
                   data.get("v2"))

    def __str__(self) -> str:
        return f"{DASHBOARD_GROUP}/{self.dashboards}"


class ApisError(GrafanaException):
    """A refused /apis request. `reason` is the Status reason ("NotFound", "Conflict",
    "Forbidden", "Invalid"...), `message` its message; `retried` is True when an earlier
    attempt of the same call failed in transit (so it may have landed)."""

    def __init__(self, status_code: int, response: Any, message: str, reason: str = "",
                 retried: bool = False):
        # GrafanaException.__init__, which has no annotations: the same three attributes
        Exception.__init__(self, message)
        self.status_code = status_code
        self.response = response
        self.message = message
        self.reason = reason
        self.retried = retried

    def __str__(self) -> str:
        return f"{self.status_code} {self.reason}: {self.message}".replace(" : ", ": ")


class NotFound(ApisError):
    """404: no such object (or the server does not serve this group, version or resource)."""


class AlreadyExists(ApisError):
    """409 AlreadyExists: create() of a name that is taken."""


class Conflict(ApisError):
    """409 Conflict: update() with a metadata.resourceVersion that is no longer the object's
    (someone saved it since it was read). Never retried: the caller decides."""


class Forbidden(ApisError):
    """403: the credentials lack the permission (the message names the verb and resource)."""


def error_from(status_code: int, body: Any, retried: bool = False) -> ApisError:
    """The ApisError for a failed response: a Kubernetes Status body gives the reason and
    message; anything else (a proxy's page, Grafana's legacy error JSON) gives what it has."""
    reason, message = "", ""
    if isinstance(body, Mapping):
        reason = str(body.get("reason") or "")
        message = str(body.get("message") or body.get("title") or "")
    elif body:
        message = str(body).strip()[:200]
    kind: type[ApisError] = ApisError
    if status_code == 404:
        kind = NotFound
    elif status_code == 403:
        kind = Forbidden
    elif status_code == 409:
        kind = AlreadyExists if reason == "AlreadyExists" else Conflict
    return kind(status_code, body, message or reason or f"HTTP {status_code}", reason, retried)


class ApisClient:
    """LIST, GET, POST, PUT and DELETE on /apis resources, with retries.

    `write_slots` bounds the writes (POST, PUT, DELETE) in flight at Grafana, whatever the
    number of threads calling: a write holds a slot for its HTTP exchange only, so that more
    threads than slots can encode the next bodies, and decode and check the last answers,
    while the slots' writes are in flight (Grafana sees at most that many at once)."""

    def __init__(self, grafana: GrafanaApi, *, policy: retry.Policy = retry.DEFAULT,
                 write_slots: threading.Semaphore | None = None):
        client = grafana.client
        if not client.url.endswith("/api"):
            raise ValueError(f"unexpected grafana-client base URL {client.url!r}")
        self._client = client
        self._base = client.url[: -len("/api")]
        self._policy = policy
        self._write_slots = write_slots

    # --- discovery ---------------------------------------------------------------------

    def discovery(self, group: str | None = None) -> JSONObject | None:
        """GET /apis (an APIGroupList) or /apis/<group> (an APIGroup); None when the server
        answers 404: no Kubernetes-style API at all (11.x, or a proxy that routes only /api),
        or not this group."""
        path = "/apis" if group is None else f"/apis/{quote(group, safe='')}"
        try:
            return _object(self._call("GET", path))
        except NotFound:
            return None

    # --- reading -----------------------------------------------------------------------

    def pages(self, resource: Resource, *, label_selector: str | None = None,
              field_selector: str | None = None, limit: int = PAGE_SIZE,
              metadata_only: bool = False) -> Iterator[list[JSONObject]]:
        """The items of a LIST, one page at a time, following metadata.continue to the end.
        `metadata_only` asks for the objects' metadata without their spec (a
        PartialObjectMetadataList, see METADATA_ONLY); a server that does not offer it answers
        whole objects, which carry the same metadata."""
        token: str | None = None
        accept = METADATA_ONLY if metadata_only else None
        while True:
            params: dict[str, str] = {"limit": str(limit)}
            if label_selector:
                params["labelSelector"] = label_selector
            if field_selector:
                params["fieldSelector"] = field_selector
            if token:
                params["continue"] = token
            answer = self._call("GET", resource.collection_path, params=params,
                                accept=accept) or {}
            yield list(answer.get("items") or [])
            token = (answer.get("metadata") or {}).get("continue")
            if not token:
                return

    def list(self, resource: Resource, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int = PAGE_SIZE,
             metadata_only: bool = False) -> list[JSONObject]:
        """Every item of a LIST (all pages)."""
        return [item for page in self.pages(resource, label_selector=label_selector,
                                            field_selector=field_selector, limit=limit,
                                            metadata_only=metadata_only)
                for item in page]

    def get(self, resource: Resource, name: str) -> JSONObject | None:
        """The object, or None if there is none by that name."""
        try:
            return _object(self._call("GET", resource.item_path(name)))
        except NotFound:
            return None

    # --- writing -----------------------------------------------------------------------

    def create(self, resource: Resource, obj: Mapping[str, Any]) -> JSONObject:
        """POST a new object; its metadata.name is its uid. AlreadyExists if taken."""
        name = (obj.get("metadata") or {}).get("name")
        if not name:
            raise ValueError("create() needs metadata.name (the uid)")
        body = {"apiVersion": resource.api_version, **obj}
        return self._write("POST", resource.collection_path, body)

    def update(self, resource: Resource, obj: Mapping[str, Any], *,
               unconditional: bool = False) -> JSONObject:
        """PUT the object over the stored one. It must carry the metadata.resourceVersion it
        was read at: if someone saved it since, Grafana answers 409 and this raises Conflict
        with the Status message (nothing is written). `unconditional=True` leaves the
        resourceVersion out, which is how Grafana's UI saves: last writer wins."""
        metadata = dict(obj.get("metadata") or {})
        name = metadata.get("name")
        if not name:
            raise ValueError("update() needs metadata.name (the uid)")
        if unconditional:
            metadata.pop("resourceVersion", None)
        elif not metadata.get("resourceVersion"):
            raise ValueError("update() needs the metadata.resourceVersion the object was read "
                             "at (or unconditional=True)")
        body = {"apiVersion": resource.api_version, **obj, "metadata": metadata}
        return self._write("PUT", resource.item_path(name), body)

    def delete(self, resource: Resource, name: str, *,
               preconditions: Mapping[str, str] | None = None) -> None:
        """DELETE the object. NotFound if there was none (unless an earlier attempt of this
        call deleted it). `preconditions` ({"uid": ..., "resourceVersion": ...}, Kubernetes
        DeleteOptions.preconditions): the server deletes only the object that still has them,
        else answers 409 (Conflict)."""
        body = None
        if preconditions:
            body = {"kind": "DeleteOptions", "apiVersion": "v1",
                    "preconditions": dict(preconditions)}
        try:
            self._call("DELETE", resource.item_path(name), body=body)
        except NotFound as error:
            if not error.retried:
                raise

    # --- transport ---------------------------------------------------------------------

    def _write(self, method: str, path: str, body: JSONObject) -> JSONObject:
        answer = _object(self._call(method, path, body=body))
        if answer is None:
            raise ApisError(0, None, f"{method} {path} answered no object")
        return answer

    def _call(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
              body: JSONObject | None = None, accept: str | None = None) -> Any:
        failed_before = False
        # encoded once, by orjson: a dashboard is tens of KB, and the JSON encoder of the
        # standard library (what the HTTP library's json= uses) costs a deploy of 1,000
        # dashboards a second of CPU
        data = orjson.dumps(body) if body is not None else None

        def attempt(number: int) -> Any:
            nonlocal failed_before
            try:
                return self._send(method, path, params, data, accept or "application/json",
                                  retried=failed_before)
            except Exception:
                failed_before = True
                raise

        return retry.call(attempt, self._policy)

    def _send(self, method: str, path: str, params: Mapping[str, str] | None,
              data: bytes | None, accept: str, *, retried: bool) -> Any:
        client = self._client
        headers = {"Accept": accept}
        if data is not None:
            headers["Content-Type"] = "application/json"
        slot = self._write_slots if method != "GET" and self._write_slots is not None \
            else nullcontext()
        try:
            with slot:  # the exchange only: the answer is decoded after the slot is freed
                response = client.s.request(method, self._base + path, params=params,
                                            data=data, headers=headers, auth=client.auth,
                                            verify=client.verify, timeout=client.timeout)
        except niquests.exceptions.Timeout as error:
            # as grafana-client does, so explain() says "no answer within Ns"
            raise _TIMEOUT_ERROR(0, None, str(error)) from error
        status = response.status_code or 0
        try:
            answer = orjson.loads(response.content) if response.content else None
        except ValueError:
            answer = response.text
        if status >= 400:
            raise error_from(status, answer, retried)
        return answer


def _object(answer: Any) -> JSONObject | None:
    return answer if isinstance(answer, dict) else None
