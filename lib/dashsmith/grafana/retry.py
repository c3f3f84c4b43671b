"""Retries for transient failures: 429, 502, 503, 504, timeouts and failed connections, with
exponential backoff and full jitter (a Retry-After header, when Grafana or a proxy sends one,
is honoured up to the cap).

Only calls that are safe to repeat go through call(): reads, PUT of a rule group (it replaces
the group), DELETE, and the conditional saves of apply (sent with the version last seen and
`overwrite: false`, so a repeat of a save that already landed is refused, never applied twice).
The function gets the attempt number so a conditional save can tell a retry from a first try.

A Policy can retry more for its calls only: ROUTING_WRITE also retries the 409 that the alerting
provisioning writes (contact points, policies, mute timings) answer when the Alertmanager
configuration changed under them (refused whole, so sending them again is safe).
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
    # what else these calls may retry (None: only the transient failures of is_transient)
    also_retry: Callable[[BaseException], bool] | None = None

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.cap)
        return random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))


DEFAULT = Policy()


def is_concurrent_routing_change(error: BaseException) -> bool:
    """A 409 from a routing write (contact points, the policy tree, mute timings) that means
    the Alertmanager configuration changed under it.

    Those writes save the whole configuration under an optimistic lock; when another writer
    (another deploy, a person in the UI) saved it first, Grafana refuses the write whole, changing
    nothing: 409 provisioning.ErrVersionConflict, messageId "alerting.notifications.conflict"
    (pkg/services/ngalert/provisioning/errors.go). Sending the same write again is the fix;
    terraform-provider-grafana does so since PR #2946 (resource_alerting_contact_point.go
    isProvisioningConflict; contact point, policy tree and mute timing writes retried for up to
    2 minutes). Unlike Terraform, a 409 naming another cause is not retried: a time interval or
    contact point still in use (ErrTimeIntervalInUse, ErrContactPointReferenced,
    ErrContactPointUsedInRule, same file) stays so until someone changes the configuration.
    A 409 without a messageId (a proxy, an older release) counts as the concurrent change."""
    if not isinstance(error, GrafanaException) or error.status_code != 409:
        return False
    body = error.response
    message_id = body.get("messageId") if isinstance(body, dict) else None
    return not message_id or message_id == "alerting.notifications.conflict"


# The routing writes: transient failures and concurrent configuration changes, for up to
# ~35 s of backoff (a deploy waits, but not for ever).
ROUTING_WRITE = Policy(attempts=8, base=0.5, cap=10.0, also_retry=is_concurrent_routing_change)


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


def retries(error: BaseException, policy: Policy) -> bool:
    """Whether `policy` retries a call that failed with `error`."""
    return is_transient(error) or (policy.also_retry is not None and policy.also_retry(error))


def call(fn: Callable[[int], T], policy: Policy = DEFAULT, sleep=time.sleep,
         on_retry: Callable[[int, BaseException], None] | None = None) -> T:
    """fn(attempt) until it succeeds, fails for good, or the attempts run out."""
    for attempt in range(1, policy.attempts + 1):
        _last_response.retry_after = None
        try:
            return fn(attempt)
        except Exception as error:
            if attempt == policy.attempts or not retries(error, policy):
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
