"""GrafanaEmulator: the public face of the emulator (server lifecycle, hooks, log)."""

from __future__ import annotations

import copy
import ssl
import threading
from typing import Any, Callable, Iterable, Mapping

from .alert_rule_model import to_json as alert_rule_json
from .alert_rules import seed_rule
from .application import Application
from .auth import Credentials
from .dashboard_save import SaveCommand, save_dashboard
from .faults import FaultInjector
from .folders import create_folder, folder_dto
from .instance import normalise_datasource
from .request_log import RecordedRequest, RequestLog
from .server import EmulatorHTTPServer
from .store import DashboardRecord, Settings, Store

DashboardChange = Mapping[str, Any] | Callable[[dict[str, Any]], dict[str, Any] | None] | None


class GrafanaEmulator:
    """A stateful Grafana 11.3 HTTP API on 127.0.0.1, for deploy tests.

        with GrafanaEmulator(tokens={"glsa_admin": "Admin"}) as emu:
            GrafanaApi(auth="glsa_admin", host=emu.host, port=emu.port, protocol="http")
    """

    def __init__(
        self,
        *,
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
        """`tls=(certfile, keyfile)` serves HTTPS with that certificate."""
        self.host = host
        self.tls = tls
        self.credentials = Credentials(
            tokens=dict(tokens or {}),
            users=dict(users if users is not None else {("admin", "admin"): "Admin"}),
            expired_tokens=frozenset(expired_tokens),
            revoked_tokens=frozenset(revoked_tokens),
        )
        sources = [normalise_datasource(dict(d), i) for i, d in enumerate(datasources, start=1)]
        settings = Settings(min_refresh_interval=min_refresh_interval, max_folder_depth=max_folder_depth)
        self.store = Store(settings, sources)
        self.faults = FaultInjector()
        self._log = RequestLog()
        self._stopping = threading.Event()
        self._application = Application(self.store, self.credentials, self.faults, self._log,
                                        self.ui_edit, self._stopping)
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
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
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
        """Save dashboard `uid` as a user would in the UI: the version goes up by one.

        `changes` is a dict of top-level fields to set, or a function that edits
        the dashboard JSON in place (or returns a new one). Returns the stored JSON.
        """
        with self.store.lock:
            record = self._dashboard_record(uid)
            data = copy.deepcopy(record.data)
            if callable(changes):
                data = changes(data) or data
            elif changes:
                data.update(copy.deepcopy(dict(changes)))
            data["version"] = record.version
            command = SaveCommand(dashboard=data, folder_uid=record.folder_uid, message=message,
                                  user=user, allow_provisioned=True)
            return copy.deepcopy(save_dashboard(self.store, command).data)

    def add_dashboard(self, dashboard: Mapping[str, Any], folder_uid: str = "", *,
                      provisioned: bool = False, plugin_id: str = "", message: str = ""
                      ) -> dict[str, Any]:
        """Seed an (unmanaged) dashboard; saving over an existing uid overwrites it."""
        with self.store.lock:
            command = SaveCommand(dashboard=copy.deepcopy(dict(dashboard)), folder_uid=folder_uid,
                                  message=message, overwrite=True, allow_provisioned=True)
            record = save_dashboard(self.store, command)
            record.plugin_id = plugin_id
            if provisioned:
                self.provision(record.uid)
            return copy.deepcopy(record.data)

    def add_folder(self, title: str, uid: str = "", parent_uid: str = "") -> dict[str, Any]:
        with self.store.lock:
            folder = create_folder(self.store, title=title, uid=uid, parent_uid=parent_uid)
            return folder_dto(self.store, folder, None)

    def add_alert_rule(self, rule: Mapping[str, Any], provenance: str = "api") -> dict[str, Any]:
        """Seed an alert rule with any provenance: "api", "file" or "" (none)."""
        with self.store.lock:
            return alert_rule_json(seed_rule(self.store, copy.deepcopy(dict(rule)), provenance))

    def provision(self, uid: str, *, allow_ui_updates: bool = False, external_id: str | None = None) -> None:
        """Mark a dashboard as file-provisioned: the API can no longer save or delete it."""
        with self.store.lock:
            record = self._dashboard_record(uid)
            record.provisioned = True
            record.allow_ui_updates = allow_ui_updates
            record.external_id = external_id or f"{uid}.json"

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
        with self.store.lock:
            return [v.version for v in self.store.versions.get(uid, [])]

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
