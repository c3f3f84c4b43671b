"""Every request the emulator received, so tests can count reads and writes."""

from __future__ import annotations

import json
import re
import threading
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

    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, method: str | None = None, path_regex: str | None = None) -> list[RecordedRequest]:
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
