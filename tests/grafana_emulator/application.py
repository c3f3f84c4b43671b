"""From a parsed request to a response: faults, authentication, routing, logging.

Handlers run one at a time under the store lock, so each request is atomic;
fault delays happen outside the lock.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from .auth import Credentials, authorize
from .errors import ApiError, not_found_route, plain_error
from .faults import Fault, FaultInjector
from .http_types import Request, Response
from .request_log import RecordedRequest, RequestLog, decode_body
from .routes import find_route
from .store import Store


class Application:
    def __init__(self, store: Store, credentials: Credentials, faults: FaultInjector,
                 log: RequestLog, ui_edit: Callable[[str], Any], stopping: threading.Event):
        self.store = store
        self.credentials = credentials
        self.faults = faults
        self.log = log
        self._ui_edit = ui_edit
        self._stopping = stopping
        self.errors: list[str] = []  # tracebacks of unexpected exceptions (emulator bugs)

    def handle(self, request: Request) -> Response | None:
        """The response to send, or None to drop the connection without one."""
        fault = self.faults.take(request.method, request.path)
        with self.log.serving(request.method):
            response = self._respond(request, fault)
        self.log.record(RecordedRequest(
            method=request.method, path=request.path, query=request.query,
            status=response.status if response else None, body=decode_body(request.body),
            faulted=fault is not None))
        return response

    def _respond(self, request: Request, fault: Fault | None) -> Response | None:
        if fault is None:
            return self.dispatch(request)
        if fault.after_processing:
            return self._answer_lost(request, fault)
        if fault.delay:
            self._stopping.wait(fault.delay)
        if fault.drop_connection:
            return None
        if fault.status is not None:
            return Response(fault.status, fault.response_body(), headers=dict(fault.headers))
        if fault.concurrent_edit:
            self._apply_concurrent_edit(fault, request)
        if fault.before is not None:
            fault.before()
        return self.dispatch(request)

    def _answer_lost(self, request: Request, fault: Fault) -> Response | None:
        """The request takes effect; its answer comes `delay` seconds late, or never."""
        response = self.dispatch(request)
        if fault.delay:
            self._stopping.wait(fault.delay)
        return None if fault.drop_connection else response

    def _apply_concurrent_edit(self, fault: Fault, request: Request) -> None:
        uid = fault.concurrent_edit
        if uid is True:
            body = decode_body(request.body)
            dashboard = body.get("dashboard") if isinstance(body, dict) else None
            uid = dashboard.get("uid") if isinstance(dashboard, dict) else None
        if isinstance(uid, str) and uid in self.store.dashboards:
            self._ui_edit(uid)

    def dispatch(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except ApiError as error:
            return error.response
        except Exception:  # noqa: BLE001 - an emulator bug: answer like Grafana, keep the traceback
            self.errors.append(traceback.format_exc())
            return plain_error(500, "Internal Server Error").response

    def _dispatch(self, request: Request) -> Response:
        found = find_route(request.method, request.path)
        if found is None:
            raise not_found_route()
        route, request.params = found
        if not route.public:
            request.identity = self.credentials.authenticate(request.headers.get("Authorization"))
            authorize(request.identity, route.min_role, route.action)
        with self.store.lock:
            return route.handler(self.store, request)
