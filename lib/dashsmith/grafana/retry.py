"""Retries for transient failures: 429, 502, 503, 504, timeouts and failed connections, with
exponential backoff and full jitter (a Retry-After header, when Grafana or a proxy sends one,
is honoured up to the cap).

Only calls that are safe to repeat go through call(): reads, PUT of a rule group (it replaces
the group), DELETE, and the conditional saves of apply (sent with the version last seen and
`overwrite: false`, so a repeat of a save that already landed is refused, never applied twice).
The function gets the attempt number so a conditional save can tell a retry from a first try.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import niquests
from grafana_client.client import GrafanaException, GrafanaTimeoutError

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
T = TypeVar("T")

_last_response = threading.local()


@dataclass(frozen=True)
class Policy:
    attempts: int = 5
    base: float = 0.2  # seconds; the n-th retry waits up to base * 2**(n-1)
    cap: float = 5.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.cap)
        return random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


DEFAULT = Policy()


def is_transient(error: BaseException) -> bool:
    if isinstance(error, GrafanaTimeoutError):
        return True
    if isinstance(error, GrafanaException):
        # status 0: grafana-client's wrapping of an HTTP-level failure without a response
        return error.status_code in TRANSIENT_STATUSES or error.status_code == 0
    if isinstance(error, niquests.exceptions.SSLError):
        return False
    return isinstance(error, (niquests.exceptions.ConnectionError, niquests.exceptions.Timeout,
                              ConnectionError))


def call(fn: Callable[[int], T], policy: Policy = DEFAULT, sleep=time.sleep,
         on_retry: Callable[[int, BaseException], None] | None = None) -> T:
    """fn(attempt) until it succeeds, fails for good, or the attempts run out."""
    for attempt in range(1, policy.attempts + 1):
        _last_response.retry_after = None
        try:
            return fn(attempt)
        except Exception as error:
            if attempt == policy.attempts or not is_transient(error):
                raise
            if on_retry:
                on_retry(attempt, error)
            sleep(policy.delay(attempt, _last_response.retry_after))
    raise AssertionError("unreachable")


def remember_retry_after(response, **kwargs):
    """A niquests response hook: keeps this thread's last Retry-After (seconds) for call()."""
    value = response.headers.get("Retry-After") if response.status_code in (429, 503) else None
    try:
        _last_response.retry_after = float(value) if value else None
    except ValueError:
        _last_response.retry_after = None  # an HTTP date: fall back to backoff
    return response
