"""An eventually consistent view of folders and dashboards for GET /api/search (12+).

From 12.x /api/search is served by the unified storage search index, which offers no
search-after-write guarantee (pkg/services/dashboards/service/dashboard_service.go
waitForSearchQuery: "US doesn't offer search-after-write guarantees"): a dashboard created
seconds ago can be missing, a renamed one can show its old title, a deleted one can linger.

With a lag of 0 (the default) search reads the live records. With a lag of N seconds every
write becomes visible to search N seconds after it happened; until then search shows what it
showed before the write. How long the real index lags is not documented (a lag is the
emulator's model of it, not a measured value).
"""

from __future__ import annotations

import copy
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store

DASHBOARD = "dashboard"
FOLDER = "folder"


class SearchIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lag = 0.0
        self._indexed: dict[str, dict[str, Any]] = {DASHBOARD: {}, FOLDER: {}}
        # (visible_at, kind, uid, snapshot or None for a deletion), in write order
        self._pending: list[tuple[float, str, str, Any]] = []

    @property
    def active(self) -> bool:
        return self.lag > 0

    def set_lag(self, store: Store, seconds: float) -> None:
        """Start (or change) lagging: what exists now is indexed; later writes wait."""
        with self._lock:
            if seconds <= 0:
                self.lag = 0.0
                self._pending.clear()
                return
            if not self.active:
                self._indexed = {
                    DASHBOARD: {uid: copy.copy(r) for uid, r in store.dashboards.items()},
                    FOLDER: {uid: copy.copy(r) for uid, r in store.folders.items()},
                }
            self.lag = float(seconds)

    def clear(self) -> None:
        with self._lock:
            self.lag = 0.0
            self._pending.clear()
            self._indexed = {DASHBOARD: {}, FOLDER: {}}

    def changed(self, store: Store, uid: str, kind: str = DASHBOARD) -> None:
        """Record a write (or deletion) of `uid`; called by every write path."""
        if not self.active:
            return
        records = store.dashboards if kind == DASHBOARD else store.folders
        record = records.get(uid)
        with self._lock:
            self._pending.append((time.monotonic() + self.lag, kind, uid,
                                  copy.copy(record) if record is not None else None))

    def settle(self) -> None:
        """Make every pending write visible now."""
        with self._lock:
            self._apply(float("inf"))

    def pending(self) -> int:
        with self._lock:
            self._apply(time.monotonic())
            return len(self._pending)

    def view(self, store: Store, kind: str) -> list[Any]:
        """The records search sees: the live ones, or the indexed snapshots when lagging."""
        if not self.active:
            return list((store.dashboards if kind == DASHBOARD else store.folders).values())
        with self._lock:
            self._apply(time.monotonic())
            return list(self._indexed[kind].values())

    def _apply(self, now: float) -> None:
        ready = [entry for entry in self._pending if entry[0] <= now]
        if not ready:
            return
        self._pending = [entry for entry in self._pending if entry[0] > now]
        for _, kind, uid, snapshot in ready:
            if snapshot is None:
                self._indexed[kind].pop(uid, None)
            else:
                self._indexed[kind][uid] = snapshot
