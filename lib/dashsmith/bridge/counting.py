"""The day's totals of one trace store, counted window by window.

Why counters, and why these values. Both stores answer "how many, how much, between A and B"
(Langfuse: fromTimestamp/toTimestamp of a Metrics API query; LangSmith: a start_time filter on
run stats, created_at bounds on feedback). The bridge asks for consecutive windows
[counted_until, now - delay) and adds each answer into running totals: traces, cost, tokens,
durations and scores only ever add up, so they are counters, and Prometheus's rate() and
increase() give them over any dashboard range. Each total is what the store holds for the
current UTC day up to `counted_until`: a function of the store's data, not of the bridge's
history, so

- a restarted bridge counts the day from midnight again in one window and shows the same numbers
  it showed before (plus whatever arrived meanwhile): no double count;
- a failed window is asked again, whole, at the next poll: no gap, no double count;
- the totals start from 0 at midnight UTC, which Prometheus reads as a counter reset (and the
  backfill after a restart never reaches back more than a day, well within any store's
  retention).

A series that first appears after the bridge's first poll of the day (a new trace name, model
or score) is shown at 0 for one poll before its total: Prometheus's rate() cannot see the first
value of a series as an increase, and 0 first makes the whole first window count. On the first
poll after a start nothing is shown at 0: Prometheus may already hold those series from the
bridge before the restart, and a 0 would read as a reset (a double count).

`delay` is how long the store may take to make a record visible (ingestion is asynchronous in
both); what arrives later than that for an already counted window is missed until the next
restart or day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from dashsmith.bridge.families import Counts

DAY = timedelta(days=1)


class StoreError(Exception):
    """A window could not be counted. `reason` is one of families.REASONS; `retry_after` the
    seconds the store asked to wait (HTTP 429 Retry-After), if it said."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


class Store(Protocol):
    name: str  # the store label: langfuse or langsmith

    def counts(self, start: datetime, end: datetime) -> Counts:
        """Everything the store recorded in [start, end), as Counts; StoreError if it cannot."""
        ...


def number(value: Any) -> float:
    """A value from a store's JSON: a number, a numeric string (Langfuse's ClickHouse writes
    64-bit integers as strings, LangSmith decimals may come as strings) or null (nothing)."""
    if value is None:
        return 0.0
    if not isinstance(value, bool):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    raise StoreError("bad_response", f"expected a number, got {type(value).__name__}")


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class DayTotals:
    store: Store
    delay: timedelta
    day: datetime | None = None  # midnight UTC of the day the totals are for
    counted_until: datetime | None = None
    totals: Counts | None = None  # None until the first window is counted
    fresh: set = field(default_factory=set)  # keys shown at 0 until the next poll

    def poll(self, now: datetime) -> bool:
        """Count the next window, if time has moved past the last one; True if it did. On
        StoreError nothing changes (the same window is asked again next time)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        target = (now - self.delay).astimezone(timezone.utc).replace(microsecond=0)
        if self.counted_until is None or self.day is None:
            day, start, previous = midnight(target), midnight(target), None
        elif self.counted_until >= self.day + DAY:  # the day is complete: a new one begins
            day, start, previous = self.day + DAY, self.counted_until, Counts()
        else:
            day, start, previous = self.day, self.counted_until, self.totals
        end = min(target, day + DAY)
        if end <= start:
            self.fresh = set()
            return False
        window = self.store.counts(start, end)
        first = self.totals is None
        totals = (previous if previous is not None else Counts()).merged(window)
        shown = set() if self.totals is None or previous is not self.totals else set(self.totals)
        self.fresh = set() if first else set(totals) - shown
        self.day, self.counted_until, self.totals = day, end, totals
        return True

    def shown(self) -> Counts:
        """The totals as the exporter shows them (fresh series at 0); empty before the first
        window is counted, so that a restart never shows a 0 where Prometheus has a total."""
        if self.totals is None:
            return Counts()
        return Counts({key: 0.0 if key in self.fresh else value
                       for key, value in self.totals.items()})
