"""The bridge's loop and its /metrics: one store, polled every `interval` seconds (no more often
than the request budget allows), its day's totals and its health served to Prometheus.

A poll that fails (the store down, slow, refusing the keys, rate limiting) changes no total:
llm_bridge_up goes to 0, llm_bridge_poll_errors_total{reason} counts it, the loop waits longer
each time (doubling from `interval` to MAX_BACKOFF, or what a 429's Retry-After asks) and asks
for the same window again. Nothing a store answers ends the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

from prometheus_client import start_http_server
from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)

from dashsmith.bridge.budget import Stopped
from dashsmith.bridge.counting import DayTotals, Store, StoreError
from dashsmith.bridge.families import (
    COUNTED,
    COUNTED_UNTIL,
    LAST_SUCCESS,
    POLL_ERRORS,
    REASONS,
    UP,
    Family,
    Kind,
    sample,
)

MAX_BACKOFF = 900.0  # seconds: a store down for long is still asked every 15 minutes
log = logging.getLogger("dashsmith.bridge")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Bridge:
    def __init__(self, store: Store, *, interval: float, delay: float,
                 clock: Callable[[], datetime] = utc_now, stop: threading.Event | None = None):
        self.store = store
        self.interval = interval
        self.day = DayTotals(store, timedelta(seconds=delay))
        self.clock = clock
        self.stop = stop or threading.Event()
        self.up = 0
        self.last_success: float | None = None
        self.errors = dict.fromkeys(REASONS, 0)
        self.failures = 0  # in a row
        self.lock = threading.Lock()  # between the poll thread and the scrapes

    def poll(self) -> float:
        """One poll; the seconds to wait before the next."""
        try:
            with self.lock:
                counted = self.day.poll(self.clock())
        except StoreError as error:
            return self._failed(error.reason, str(error), error.retry_after)
        except Stopped:
            raise
        except Exception as error:  # noqa: BLE001 - an answer the bridge did not expect must not end it
            return self._failed("bad_response", f"unexpected {type(error).__name__} reading "
                                f"{self.store.name}'s answer", None)
        if self.failures or not self.up:
            log.info("%s: polled successfully, counted until %s", self.store.name,
                     self.day.counted_until)
        self.up, self.failures, self.last_success = 1, 0, time.time()
        if counted:
            log.debug("%s: counted until %s", self.store.name, self.day.counted_until)
        return self.interval

    def _failed(self, reason: str, message: str, retry_after: float | None) -> float:
        self.up = 0
        self.errors[reason] = self.errors.get(reason, 0) + 1
        self.failures += 1
        wait = min(MAX_BACKOFF, self.interval * 2 ** (self.failures - 1))
        if retry_after is not None:
            wait = max(wait, retry_after)
        log.warning("%s: poll failed (%s): %s; next try in %.1fs", self.store.name, reason,
                    message, wait)
        return wait

    def run(self) -> None:
        """Poll until `stop` is set."""
        while not self.stop.is_set():
            try:
                wait = self.poll()
            except Stopped:
                return
            self.stop.wait(wait)

    # prometheus_client's collector protocol

    def collect(self) -> Iterator[Metric]:
        with self.lock:
            shown = self.day.shown()
            counted_until = self.day.counted_until
        store = self.store.name
        for family in COUNTED:
            yield _family(family, shown)
        yield _gauge(UP, [((store,), float(self.up))])
        if self.last_success is not None:
            yield _gauge(LAST_SUCCESS, [((store,), self.last_success)])
        if counted_until is not None:
            yield _gauge(COUNTED_UNTIL, [((store,), counted_until.timestamp())])
        errors = CounterMetricFamily(POLL_ERRORS.name, POLL_ERRORS.help,
                                     labels=list(POLL_ERRORS.labels))
        for reason, count in sorted(self.errors.items()):
            errors.add_metric([store, reason], count)
        yield errors

    def serve(self, host: str, port: int) -> int:
        """Serve /metrics on host:port in a thread; the port it listens on."""
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        server, _ = start_http_server(port, addr=host, registry=registry)
        return int(server.server_port)


def _family(family: Family, shown: dict) -> Metric:
    labels = list(family.labels)
    if family.kind is Kind.SUMMARY:
        summary = SummaryMetricFamily(family.name, family.help, labels=labels)
        counts = {key: value for (name, key), value in shown.items()
                  if name == sample(family, "count")}
        for key in sorted(counts):
            summary.add_metric(list(key), counts[key],
                               shown.get((sample(family, "sum"), key), 0.0))
        return summary
    counter = CounterMetricFamily(family.name, family.help, labels=labels)
    for (name, key), value in sorted(shown.items()):
        if name == family.name:
            counter.add_metric(list(key), value)
    return counter


def _gauge(family: Family, values: list[tuple[tuple[str, ...], float]]) -> Metric:
    gauge = GaugeMetricFamily(family.name, family.help, labels=list(family.labels))
    for key, value in values:
        gauge.add_metric(list(key), value)
    return gauge
