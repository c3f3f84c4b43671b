"""GrafanaEmulator: the public face of the emulator (server lifecycle, hooks, log).

`version` picks the behaviour family (11.3, 11.6, 12.4, 13.0, 13.2; behaviour.py); the test
hooks act as the matching Grafana would: a UI save of 13.x writes schema v2 (ui_save_v2), a
kubectl-style edit keeps every annotation (k8s_edit), search can lag behind writes
(search_lag), dashboards can be managed by another tool (add_dashboard(manager=...)), routing
writes can meet a concurrent Alertmanager change (routing_conflicts)."""

from __future__ import annotations

import copy
import ssl
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .alert_rule_model import to_json as alert_rule_json
from .alert_rules import seed_rule
from .apis import dashboard_object
from .application import Application
from .auth import Credentials
from .behaviour import DEFAULT_VERSION, Behaviour, behaviour_for
from .dashboard_save import SaveCommand, save_dashboard
from .dashboard_schema import classic_to_v2, migrate
from .faults import FaultInjector
from .folders import create_folder, folder_dto
from .instance import normalise_datasource
from .kube import (
    ANNO_MANAGER_ALLOWS_EDITS,
    ANNO_MANAGER_IDENTITY,
    ANNO_MANAGER_KIND,
    ANNO_MESSAGE,
    MANAGER_KINDS,
    NAMESPACE,
)
from .request_log import RecordedRequest, RequestLog
from .server import EmulatorHTTPServer
from .store import DashboardRecord, Settings, Store
from .unified import DashboardWrite, Writer, create_dashboard, spec_of, update_dashboard
from .values import copy_json, generate_short_uid

DashboardChange = Mapping[str, Any] | Callable[[dict[str, Any]], dict[str, Any] | None] | None


class GrafanaEmulator:
    """A stateful Grafana HTTP API on 127.0.0.1, for deploy tests (11.3 unless `version`).

        with GrafanaEmulator(version="13.2.3", tokens={"glsa_admin": "Admin"}) as emu:
            GrafanaApi(auth="glsa_admin", host=emu.host, port=emu.port, protocol="http")
    """

    def __init__(
        self,
        *,
        version: str = DEFAULT_VERSION,
        tokens: Mapping[str, str] | None = None,
        users: Mapping[tuple[str, str], str] | None = None,
        datasources: Iterable[Mapping[str, Any]] = (),
        min_refresh_interval: str = "5s",
        max_folder_depth: int = 4,
        expired_tokens: Iterable[str] = (),
        revoked_tokens: Iterable[str] = (),
        host: str = "127.0.0.1",
        tls: tuple[str, str] | None = None,
    ):
        """`version` ("13.2.3", ...) picks the behaviour family; `tls=(certfile, keyfile)`
        serves HTTPS with that certificate."""
        self.behaviour: Behaviour = behaviour_for(version)
        self.host = host
        self.tls = tls
        self.credentials = Credentials(
            tokens=dict(tokens or {}),
            users=dict(users if users is not None else {("admin", "admin"): "Admin"}),
            expired_tokens=frozenset(expired_tokens),
            revoked_tokens=frozenset(revoked_tokens),
        )
        sources = [normalise_datasource(dict(d), i) for i, d in enumerate(datasources, start=1)]
        settings = Settings(min_refresh_interval=min_refresh_interval,
                            max_folder_depth=max_folder_depth)
        self.store = Store(settings, sources, self.behaviour)
        self.faults = FaultInjector()
        self._log = RequestLog()
        self._stopping = threading.Event()
        self._application = Application(self.store, self.credentials, self.faults, self._log,
                                        self._concurrent_edit, self._stopping)
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------

    def start(self) -> GrafanaEmulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._stopping.clear()
        self._server = EmulatorHTTPServer(self.host, self._application)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            # the handshake happens on the first read, in the connection's own thread
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                      do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"grafana-emulator-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes requests sleeping in a delay fault
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> GrafanaEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def version(self) -> str:
        return self.behaviour.version

    @property
    def namespace(self) -> str:
        return NAMESPACE

    # --- request log -------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._log.entries()

    def requests_matching(self, method: str | None = None, path_regex: str | None = None
                          ) -> list[RecordedRequest]:
        return self._log.entries(method, path_regex)

    def writes(self, path_regex: str | None = None) -> list[RecordedRequest]:
        """Every non-GET request (POST, PUT, DELETE, ...), optionally by path."""
        return [r for r in self._log.entries(path_regex=path_regex) if r.is_write]

    def clear_requests(self) -> None:
        """Forget the recorded requests and the in-flight peaks."""
        self._log.clear()

    def peak_in_flight(self, *, writes: bool) -> int:
        """The most reads (or writes) served at once since the last clear: a client's
        concurrency, as the server sees it."""
        return self._log.peak_in_flight(writes=writes)

    @property
    def server_errors(self) -> list[str]:
        """Tracebacks of unexpected exceptions inside the emulator (should stay empty)."""
        return list(self._application.errors)

    # --- test hooks --------------------------------------------------------

    def ui_edit(self, uid: str, changes: DashboardChange = None, *, user: str = "ui-user",
                message: str = "") -> dict[str, Any]:
        """Save dashboard `uid` as a user would in the UI, keeping its schema.

        `changes` is a dict of top-level fields to set, or a function that edits
        the dashboard JSON in place (or returns a new one). Returns the stored JSON.

        11.x: a legacy save, the version goes up by one. 12+: the UI's PUT through the
        dashboard API without a resourceVersion (unconditional), keeping the object's labels
        and annotations and setting grafana.app/message to `message` (removing it when empty:
        a guess); a classic dashboard goes through the preferred classic version, so its spec
        is migrated; the version (generation) rises only if the content changed. On 13.x a
        person's UI save normally writes schema v2: see ui_save_v2.
        """
        with self.store.lock:
            record = self._dashboard_record(uid)
            if not self.behaviour.unified_storage:
                data = _changed(copy.deepcopy(record.data), changes)
                data["version"] = record.version
                command = SaveCommand(dashboard=data, folder_uid=record.folder_uid,
                                      message=message, user=user, allow_provisioned=True)
                return copy.deepcopy(save_dashboard(self.store, command).data)
            _refuse_read_only(record)
            version = record.api_version if record.is_v2 else self.behaviour.dashboard_preferred
            spec = copy_json(spec_of(record))
            if not record.is_v2:
                spec = migrate(spec, self.behaviour.schema_version)
            annotations = dict(record.annotations)
            annotations.pop(ANNO_MESSAGE, None)
            if message:
                annotations[ANNO_MESSAGE] = message
            self._k8s_write(record, _changed(spec, changes), version, annotations, user)
            return copy.deepcopy(record.data)

    def _concurrent_edit(self, uid: str) -> None:
        """The fault injector's concurrent_edit: a person saves the dashboard in the UI. On 11.x
        any save is a new version; from 12.x only a changed spec is, so the person changes the
        description (a content change a deploy must notice)."""
        if not self.behaviour.unified_storage:
            self.ui_edit(uid)
            return

        def edit(data: dict[str, Any]) -> None:
            data["description"] = f"Edited in the UI ({self._dashboard_record(uid).version + 1})"

        self.ui_edit(uid, edit)

    def k8s_edit(self, uid: str, changes: DashboardChange = None, *, user: str = "kubectl-user"
                 ) -> dict[str, Any]:
        """12+: a GET-modify-PUT through the preferred dashboard API version by another tool
        (kubectl, gcx, a script) that keeps every label and annotation — grafana.app/message
        and a manager's annotations included, so the previous writer's message survives
        (an annotation proves nothing about who made the current content)."""
        self._require_unified("k8s_edit")
        with self.store.lock:
            record = self._dashboard_record(uid)
            version = record.api_version if record.is_v2 else self.behaviour.dashboard_preferred
            spec = copy_json(spec_of(record))
            if not record.is_v2:
                spec = migrate(spec, self.behaviour.schema_version)
            self._k8s_write(record, _changed(spec, changes), version, dict(record.annotations),
                            user)
            return copy.deepcopy(record.data)

    def k8s_set_metadata(self, uid: str, *, labels: Mapping[str, str | None] | None = None,
                         annotations: Mapping[str, str | None] | None = None,
                         user: str = "kubectl-user") -> dict[str, Any]:
        """12+: another tool changes only the object's metadata (kubectl label/annotate: a
        GET-modify-PUT of the same spec), setting each given label and annotation (None
        removes it). The generation stays (no spec or folder change); the resourceVersion
        moves. Returns the object."""
        self._require_unified("k8s_set_metadata")
        with self.store.lock:
            record = self._dashboard_record(uid)
            merged_labels = _merged(record.labels, labels)
            merged_annotations = _merged(record.annotations, annotations)
            version = record.api_version if record.is_v2 else self.behaviour.dashboard_preferred
            update_dashboard(self.store, record, DashboardWrite(
                spec=copy_json(spec_of(record)), folder_uid=record.folder_uid,
                api_version=version, writer=Writer(login=user, uid=f"user:{user}",
                                                   is_admin=False),
                labels=merged_labels, annotations=merged_annotations))
        return self.dashboard_object(uid) or {}

    def ui_save_v2(self, uid: str, *, user: str = "ui-user", message: str = "",
                   tabs: bool = False) -> dict[str, Any]:
        """12+: a person opens dashboard `uid` in the UI and saves it with dynamic dashboards
        on (the default of 13.x, a toggle in 12.x): it is stored as schema v2
        (behaviour.ui_v2_version) with a spec of `elements` and a `layout` (GridLayout, or
        RowsLayout when it had rows; dashboard_schema.classic_to_v2). `tabs` wraps the layout
        in a TabsLayout, a structure no v1 dashboard can express. Labels and annotations are
        kept. Returns the stored v2 spec."""
        self._require_unified("ui_save_v2")
        with self.store.lock:
            record = self._dashboard_record(uid)
            _refuse_read_only(record)
            spec = copy_json(spec_of(record))
            if not record.is_v2:
                spec = classic_to_v2(migrate(spec, self.behaviour.schema_version), tabs=tabs)
            annotations = dict(record.annotations)
            annotations.pop(ANNO_MESSAGE, None)
            if message:
                annotations[ANNO_MESSAGE] = message
            self._k8s_write(record, spec, self.behaviour.ui_v2_version, annotations, user)
            return copy.deepcopy(spec_of(record))

    def _k8s_write(self, record: DashboardRecord, spec: dict[str, Any], version: str,
                   annotations: dict[str, str], user: str) -> None:
        update_dashboard(self.store, record, DashboardWrite(
            spec=spec, folder_uid=record.folder_uid, api_version=version,
            writer=Writer(login=user, uid=f"user:{user}", is_admin=False),
            labels=dict(record.labels), annotations=annotations))

    def _require_unified(self, hook: str) -> None:
        if not self.behaviour.unified_storage:
            raise ValueError(f"{hook} needs a 12.x or 13.x emulator (dashboards in unified "
                             f"storage); this one imitates {self.behaviour.version}")

    def add_dashboard(self, dashboard: Mapping[str, Any], folder_uid: str = "", *,
                      provisioned: bool = False, plugin_id: str = "", message: str = "",
                      manager: tuple[str, str] | None = None, allows_edits: bool = False,
                      labels: Mapping[str, str] | None = None,
                      annotations: Mapping[str, str] | None = None,
                      api_version: str = "v0alpha1") -> dict[str, Any]:
        """Seed a dashboard; saving over an existing uid overwrites it.

        12+ only: `manager=(kind, identity)` stamps grafana.app/managedBy and
        grafana.app/managerId, with grafana.app/managerAllowsEdits "true" when `allows_edits`
        (a dashboard another tool — Terraform, Git Sync, grafanactl — manages); `labels` and
        `annotations` are the object's; `api_version` is the version it is stored as
        ("v2"/"v2beta1" with a v2 spec seeds a dynamic dashboard; "v1"/"v1beta1" migrate it).
        """
        extras = manager is not None or labels or annotations or api_version != "v0alpha1"
        if extras and not self.behaviour.unified_storage:
            raise ValueError("manager, labels, annotations and api_version need a 12.x or 13.x "
                             f"emulator; this one imitates {self.behaviour.version}")
        with self.store.lock:
            if extras:
                record = self._seed_object(dict(dashboard), folder_uid, message, manager,
                                           allows_edits, labels, annotations, api_version)
            else:
                command = SaveCommand(dashboard=copy.deepcopy(dict(dashboard)),
                                      folder_uid=folder_uid, message=message, overwrite=True,
                                      allow_provisioned=True)
                record = save_dashboard(self.store, command)
            record.plugin_id = plugin_id
            if provisioned:
                self.provision(record.uid)
            return copy.deepcopy(record.data)

    def _seed_object(self, dashboard: dict[str, Any], folder_uid: str, message: str,
                     manager: tuple[str, str] | None, allows_edits: bool,
                     labels: Mapping[str, str] | None, annotations: Mapping[str, str] | None,
                     api_version: str) -> DashboardRecord:
        if api_version not in self.behaviour.dashboard_versions:
            raise ValueError(f"{self.behaviour.version} serves no "
                             f"dashboard.grafana.app/{api_version}")
        if folder_uid and folder_uid not in self.store.folders:
            raise KeyError(f"no folder with uid {folder_uid!r}")
        stamped = dict(annotations or {})
        if message:
            stamped[ANNO_MESSAGE] = message
        if manager is not None:
            kind, identity = manager
            if kind not in MANAGER_KINDS:
                raise ValueError(f"unknown manager kind {kind!r}; use one of {MANAGER_KINDS}")
            stamped.update({ANNO_MANAGER_KIND: kind, ANNO_MANAGER_IDENTITY: identity,
                            ANNO_MANAGER_ALLOWS_EDITS: "true" if allows_edits else "false"})
        spec = copy_json(dashboard)
        if api_version in ("v1", "v1beta1"):
            spec = migrate(spec, self.behaviour.schema_version)
        uid = spec.get("uid") if isinstance(spec.get("uid"), str) and spec.get("uid") else None
        write = DashboardWrite(spec=spec, folder_uid=folder_uid, api_version=api_version,
                               writer=Writer(), labels=dict(labels or {}), annotations=stamped)
        existing = self.store.dashboards.get(uid) if uid else None
        if existing is not None:
            return update_dashboard(self.store, existing, write)
        return create_dashboard(self.store, uid or generate_short_uid(), write)

    def add_folder(self, title: str, uid: str = "", parent_uid: str = "") -> dict[str, Any]:
        with self.store.lock:
            folder = create_folder(self.store, title=title, uid=uid, parent_uid=parent_uid)
            return folder_dto(self.store, folder, None)

    def add_alert_rule(self, rule: Mapping[str, Any], provenance: str = "api") -> dict[str, Any]:
        """Seed an alert rule with any provenance: "api", "file" or "" (none)."""
        with self.store.lock:
            return alert_rule_json(seed_rule(self.store, copy.deepcopy(dict(rule)), provenance))

    def provision(self, uid: str, *, allow_ui_updates: bool = False,
                  external_id: str | None = None) -> None:
        """Mark a dashboard as file-provisioned: the API can no longer save or delete it. On
        12+ it also carries the manager annotations file provisioning writes (kind
        classic-file-provisioning, dashboard_service.go)."""
        with self.store.lock:
            record = self._dashboard_record(uid)
            record.provisioned = True
            record.allow_ui_updates = allow_ui_updates
            record.external_id = external_id or f"{uid}.json"
            if self.behaviour.unified_storage:
                record.annotations.update({
                    ANNO_MANAGER_KIND: "classic-file-provisioning",
                    ANNO_MANAGER_IDENTITY: "dashboards",
                    # the file: legacy provisioning reads it back as the ExternalID
                    # (dashboard_service.go getProvisioningDataFromEvent)
                    "grafana.app/sourcePath": record.external_id,
                    ANNO_MANAGER_ALLOWS_EDITS: "true" if allow_ui_updates else "false"})

    def search_lag(self, seconds: float) -> None:
        """12+: from now on a write shows in /api/search only `seconds` after it happened
        (0 turns the lag off). The unified search index gives no search-after-write
        guarantee; 11.x searches SQL and has no lag, so this refuses an 11.x emulator."""
        self._require_unified("search_lag")
        with self.store.lock:
            self.store.search_index.set_lag(self.store, seconds)

    def settle_search(self) -> None:
        """Let search catch up with every write now (the lag stays on for later writes)."""
        self.store.search_index.settle()

    def routing_conflicts(self, count: int = 1) -> None:
        """The next `count` routing writes (contact points, policies, mute timings) answer 409
        alerting.notifications.conflict and change nothing, as when the Alertmanager
        configuration changes concurrently (see notifications.py)."""
        with self.store.lock:
            self.store.routing_conflicts = count

    def set_database_ok(self, ok: bool) -> None:
        """False makes /api/health answer 503 with "database": "failing"."""
        with self.store.lock:
            self.store.database_ok = ok

    def reset(self) -> None:
        """Forget all content, faults and recorded requests (credentials and data sources stay)."""
        self.store.clear()
        self.faults.clear()
        self._log.clear()
        self._application.errors.clear()

    # --- inspection --------------------------------------------------------

    def dashboard(self, uid: str) -> dict[str, Any] | None:
        """The stored dashboard JSON (with id, uid, version), or None."""
        with self.store.lock:
            record = self.store.dashboards.get(uid)
            return copy.deepcopy(record.data) if record else None

    def dashboard_folder(self, uid: str) -> str:
        """The uid of the folder holding dashboard `uid` ("" at the root)."""
        with self.store.lock:
            return self._dashboard_record(uid).folder_uid

    def dashboard_versions(self, uid: str) -> list[int]:
        """The version number of every stored version, oldest first (12+: of every history
        entry, so a write that changed only metadata repeats the generation)."""
        with self.store.lock:
            return [v.version for v in self.store.versions.get(uid, [])]

    def dashboard_object(self, uid: str, api_version: str | None = None) -> dict[str, Any] | None:
        """12+: the dashboard as GET /apis/dashboard.grafana.app/<api_version>/… answers it
        (the preferred version by default), or None."""
        self._require_unified("dashboard_object")
        with self.store.lock:
            record = self.store.dashboards.get(uid)
            if record is None:
                return None
            return copy_json(dashboard_object(self.store, record,
                                              api_version or self.behaviour.dashboard_preferred))

    def dashboard_api_version(self, uid: str) -> str:
        """12+: the version dashboard `uid` is stored as ("v0alpha1" after a legacy save,
        "v2"/"v2beta1" after a UI save with dynamic dashboards)."""
        with self.store.lock:
            return self._dashboard_record(uid).api_version

    def folder(self, uid: str) -> dict[str, Any] | None:
        with self.store.lock:
            folder = self.store.folders.get(uid)
            return folder_dto(self.store, folder, None) if folder else None

    def alert_rule(self, uid: str) -> dict[str, Any] | None:
        with self.store.lock:
            record = self.store.alert_rules.get(uid)
            return alert_rule_json(record) if record else None

    def _dashboard_record(self, uid: str) -> DashboardRecord:
        record = self.store.dashboards.get(uid)
        if record is None:
            raise KeyError(f"no dashboard with uid {uid!r}")
        return record


class ReadOnlyInTheUI(Exception):
    """The UI shows the dashboard read-only: a person cannot save it there."""


def _refuse_read_only(record: DashboardRecord) -> None:
    """Grafana's UI makes a managed dashboard read-only unless its manager allows edits
    (public/app/features/dashboard-scene/scene/DashboardScene.tsx
    managedResourceCannotBeEdited: managedBy set, not a repository, no
    grafana.app/managerAllowsEdits). The API would still take the save: this is what the UI
    lets a person do, so the UI hooks refuse."""
    kind = record.annotations.get(ANNO_MANAGER_KIND)
    if kind and kind != "repo" and not record.annotations.get(ANNO_MANAGER_ALLOWS_EDITS):
        raise ReadOnlyInTheUI(f"dashboard {record.uid} is managed by {kind} and read-only in "
                              "Grafana's UI")


def _changed(data: dict[str, Any], changes: DashboardChange) -> dict[str, Any]:
    if callable(changes):
        return changes(data) or data
    if changes:
        data.update(copy.deepcopy(dict(changes)))
    return data


def _merged(current: Mapping[str, str], changes: Mapping[str, str | None] | None
            ) -> dict[str, str]:
    out = dict(current)
    for key, value in (changes or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out
