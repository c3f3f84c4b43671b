"""Fault injection: make matching requests fail, stall, drop or race a UI edit.

A fault matches an HTTP method (or any) and a regular expression searched in
the request path (query string excluded). It fires `times` times (None: for
ever), the first matching active fault winning, then stops matching.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass
class Fault:
    path_regex: str = ".*"
    method: str | None = None
    times: int | None = 1
    status: int | None = None  # answer this status instead of processing the request
    body: Any = None  # JSON body of that answer (default {"message": <reason phrase>})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (or processing)
    drop_connection: bool = False  # close the socket without any response
    # Simulates a user saving the dashboard in the UI just before the request is
    # processed: a dashboard uid, or True for the uid in the request's dashboard.
    concurrent_edit: str | bool | None = None
    # Process the request first, then delay the answer or drop the connection: the write
    # lands although the client sees a timeout or a broken connection.
    after_processing: bool = False
    # Called just before the request is processed: what someone else does in Grafana between
    # a client's read and its write (a kubectl label, a takeover)
    before: Callable[[], None] | None = None
    fired: int = 0

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)
        if self.method is not None:
            self.method = self.method.upper()

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, method: str, path: str) -> bool:
        return (not self.exhausted
                and (self.method is None or self.method == method.upper())
                and self._pattern.search(path) is not None)

    def response_body(self) -> Any:
        if self.body is not None:
            return self.body
        return {"message": HTTPStatus(self.status).phrase}

    @property
    def processes_request(self) -> bool:
        """False when the request never reaches the emulated Grafana."""
        return self.after_processing or (self.status is None and not self.drop_connection)


class FaultInjector:
    """Thread-safe list of faults: `emu.faults.add(...)`."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, path_regex: str = ".*", *, method: str | None = None, times: int | None = 1,
            status: int | None = None, body: Any = None, headers: dict[str, str] | None = None,
            delay: float = 0.0, drop_connection: bool = False,
            concurrent_edit: str | bool | None = None, retry_after: int | None = None,
            after_processing: bool = False, before: Callable[[], None] | None = None) -> Fault:
        """Register a fault. `retry_after=N` means a 429 with `Retry-After: N`;
        `after_processing=True` delays or drops the answer of a request that was processed."""
        headers = dict(headers or {})
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
            status = status or 429
        fault = Fault(path_regex=path_regex, method=method, times=times, status=status, body=body,
                      headers=headers, delay=delay, drop_connection=drop_connection,
                      concurrent_edit=concurrent_edit, after_processing=after_processing,
                      before=before)
        if after_processing and status is not None:
            raise ValueError("after_processing answers the real response late or not at all; "
                             "it cannot also answer a fault status")
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first active fault matching the request, counted as fired."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def __len__(self) -> int:
        return len(self.active())
