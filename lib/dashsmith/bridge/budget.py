"""A cap on the requests the bridge sends a store in any hour, whatever the poll interval, the
retries or the pages of a listing add up to. The trace stores meter their aggregation APIs:
Langfuse Cloud allows the Metrics API v2 100 requests a day on Hobby, 100 an hour on Core and
500 an hour on Pro and above (web/src/features/public-api/server/RateLimitService.ts,
resource public-api-v2-metrics; self-hosted Langfuse has no limit), and answers 429 past it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

HOUR = 3600.0


class Stopped(Exception):
    """The bridge is stopping while a request waited for the budget."""


class RequestBudget:
    def __init__(self, per_hour: int, *, clock: Callable[[], float] = time.monotonic,
                 stop: threading.Event | None = None):
        if per_hour < 1:
            raise ValueError("the request budget must allow at least one request an hour")
        self.per_hour = per_hour
        self.clock = clock
        self.stop = stop or threading.Event()
        self.sent: deque[float] = deque()  # when each request of the last hour was sent
        self.lock = threading.Lock()

    def wait_time(self) -> float:
        """Seconds until one more request fits in the budget (0: now)."""
        with self.lock:
            now = self.clock()
            while self.sent and self.sent[0] <= now - HOUR:
                self.sent.popleft()
            if len(self.sent) < self.per_hour:
                return 0.0
            return self.sent[0] + HOUR - now

    def acquire(self) -> None:
        """Block until a request fits, then count it as sent. Stopped if the bridge stops."""
        while True:
            wait = self.wait_time()
            if wait <= 0:
                with self.lock:
                    self.sent.append(self.clock())
                return
            if self.stop.wait(wait):
                raise Stopped()
