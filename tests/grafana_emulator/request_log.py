"""Every request the emulator received, so tests can count reads and writes, and how many
were being served at once (to check a client's concurrency bound)."""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    status: int | None  # None when the connection was dropped without a response
    body: Any  # the parsed JSON body, the raw text if it is not JSON, None if empty
    faulted: bool  # a fault was applied to this request

    @property
    def is_write(self) -> bool:
        return self.method not in READ_METHODS


def decode_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)  # fast: every request of a 1,000-dashboard deploy is logged
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)  # what orjson refuses and Python's json reads (NaN, ...)
    except ValueError:
        return raw.decode(errors="replace")


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._in_flight = {False: 0, True: 0}  # by is-a-write
        self._peak = {False: 0, True: 0}

    @contextmanager
    def serving(self, method: str):
        """Around the whole of one request, its fault delays included."""
        write = method not in READ_METHODS
        with self._lock:
            self._in_flight[write] += 1
            self._peak[write] = max(self._peak[write], self._in_flight[write])
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[write] -= 1

    def peak_in_flight(self, *, writes: bool) -> int:
        """The most reads (or writes) served at once since the last clear()."""
        with self._lock:
            return self._peak[writes]

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, method: str | None = None,
                path_regex: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            entries = list(self._entries)
        if method is not None:
            entries = [e for e in entries if e.method == method.upper()]
        if path_regex is not None:
            entries = [e for e in entries if re.search(path_regex, e.path)]
        return entries

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._peak = dict(self._in_flight)
