"""Prometheus's HTTP API, and its Alertmanager's: what verify, the verify stack, preview and
deploy ask them.

    prometheus = Prometheus("http://127.0.0.1:9090")
    prometheus.query_range("sum(rate(x_total[1m]))", start, end, step)     # [Series]

Every /api/v1 answer is an envelope, {"status": "success" | "error", "data", "errorType",
"error"}, whatever its HTTP status: a query Prometheus rejects comes back with 400 or 422, one
that timed out with 503 (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview).
The client returns `data`; an error envelope raises QueryError in Prometheus's own words;
no answer, or one that is not the API's (a proxy's error page), raises Unreachable.

The HTTP is niquests' (the library grafana-client speaks to Grafana with): one kept-alive
connection for the many queries verify sends, a timeout per request, and urllib3's retries
for a caller that asks for them (deploy's reload).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import niquests

from dashsmith import http_errors

DEFAULT_TIMEOUT = 10.0


class PrometheusError(Exception):
    """Prometheus or Alertmanager did not give the answer asked for. `status`: the HTTP status
    of the answer it gave instead (None: nothing answered)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Unreachable(PrometheusError):
    """Nothing answered, or something that is not the API did; str() is '<url>: <why>'."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}", status)


class QueryError(PrometheusError):
    """Prometheus answered with an error (bad_data, execution, timeout ...); the message is
    Prometheus's."""


@dataclass(frozen=True)
class Series:
    """One series of a query's answer: its labels and its samples, oldest first (one for an
    instant query or a scalar)."""

    labels: dict[str, str]
    times: tuple[float, ...]  # unix seconds
    values: tuple[float, ...]  # Prometheus's "NaN", "+Inf" and "-Inf" are floats here too

    @property
    def last(self) -> float:
        return self.values[-1]


def series(data: dict) -> list[Series]:
    """A query answer's data as series, whatever its result type (a scalar is one unlabelled
    series; a string is none)."""
    kind, result = data.get("resultType"), data.get("result") or []
    if kind == "matrix":
        return [_series(item.get("metric", {}), item["values"]) for item in result]
    if kind == "vector":
        return [_series(item.get("metric", {}), [item["value"]]) for item in result]
    if kind == "scalar":
        return [_series({}, [result])]
    return []


def _series(labels: dict[str, str], samples: list) -> Series:
    return Series(labels, tuple(float(t) for t, _ in samples),
                  tuple(float(v) for _, v in samples))


def has_values(found: list[Series]) -> bool:
    """Whether any series has a value that is a number (NaN shows as nothing in Grafana)."""
    return any(not math.isnan(v) for s in found for v in s.values)


class _Client:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, retries: int = 0):
        """`retries`: how often a request that found nothing answering (connection refused,
        timed out) is sent again, with exponential backoff; for idempotent calls only."""
        # user:password@ in the URL (PROMETHEUS_URL=https://bob:hunter2@prometheus...) is sent
        # as Basic auth and never shown: `url` is what messages print, and every message that
        # quotes an answer or an exception passes through redact().
        shown, self._user, self._password = http_errors.split_credentials(url)
        self.url = shown.rstrip("/")
        self.timeout = timeout
        policy = niquests.RetryConfiguration(total=retries, backoff_factor=0.2,
                                             allowed_methods=None) if retries else 0
        self._session = niquests.Session(retries=policy)
        if self._user is not None:
            self._session.auth = (self._user, self._password or "")

    def redact(self, text: str) -> str:
        """`text` without the URL's password, in any form it can take."""
        return http_errors.redact(text, (), user=self._user, password=self._password)

    def _send(self, method: str, path: str, params: dict | None = None) -> niquests.Response:
        """The answer, whatever its status; Unreachable if nothing answered. A POST sends the
        parameters as a form (as Grafana sends queries: no URL length limit)."""
        form = method == "POST"
        if not self.url.startswith(("http://", "https://")):
            # niquests would say "No connection adapters were found for '127.0.0.1:9090/...'"
            raise Unreachable(self.url, f"not a URL: add http:// (http://{self.url})")
        try:
            return self._session.request(method, self.url + path,
                                         params=None if form else params,
                                         data=params if form else None, timeout=self.timeout)
        except niquests.exceptions.RequestException as error:
            raise Unreachable(self.url, self.redact(http_errors.reason(error))) from None

    def _json(self, method: str, path: str, params: dict | None = None) -> Any:
        """The answer's JSON body, whatever its status (an API's errors have one too)."""
        return _body(self._send(method, path, params), self.url, self.redact)


class Prometheus(_Client):
    """Prometheus's HTTP API (/api/v1) and its lifecycle API (/-/reload)."""

    def _api(self, method: str, path: str, params: dict | None = None) -> Any:
        """The answer's `data`: JSON, shaped as the API documents for `path`."""
        response = self._send(method, "/api/v1/" + path, params)
        answer = _body(response, self.url, self.redact)
        if not isinstance(answer, dict) or "status" not in answer:
            raise Unreachable(self.url, "not a Prometheus API answer", response.status_code)
        if answer["status"] != "success":
            raise QueryError(self.redact(str(answer.get("error") or answer.get("errorType")
                                             or "query failed")), response.status_code)
        return answer["data"]

    def query(self, expr: str, time: float) -> list[Series]:
        """`expr` evaluated at `time` (unix seconds)."""
        return series(self._api("POST", "query", {"query": expr, "time": f"{time:.3f}"}))

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        return series(self._api("POST", "query_range", {
            "query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}))

    def label_values(self, label: str, match: str | None, start: float, end: float) -> list[str]:
        """The values `label` has in the series `match` selects (all series if None), sorted."""
        params = {"start": f"{start:.3f}", "end": f"{end:.3f}"}
        if match:
            params["match[]"] = match
        return sorted(self._api("GET", f"label/{quote(label)}/values", params))

    def metadata(self) -> dict[str, list[dict]]:
        metadata: dict[str, list[dict]] = self._api("GET", "metadata")
        return metadata

    def alerts(self) -> list[dict]:
        alerts: list[dict] = self._api("GET", "alerts")["alerts"]
        return alerts

    def rule_groups(self) -> list[dict]:
        """The rule groups Prometheus has loaded, each with its `file` and `name`."""
        groups: list[dict] = self._api("GET", "rules").get("groups", [])
        return groups

    def format_query(self, expr: str) -> str:
        """`expr` as Prometheus prints it once parsed (QueryError if it does not parse)."""
        return str(self._api("GET", "format_query", {"query": expr}))

    def targets(self) -> list[dict]:
        """The active scrape targets, each with `labels` (job, instance), `health`, `scrapeUrl`
        and `lastError`."""
        targets: list[dict] = self._api("GET", "targets", {"state": "active"})["activeTargets"]
        return targets

    def targets_up(self) -> bool:
        """Whether every scrape target has been scraped successfully."""
        targets = self.targets()
        return bool(targets) and all(t["health"] == "up" for t in targets)

    def global_config(self) -> str:
        """The loaded configuration as YAML text."""
        config: str = self._api("GET", "status/config")["yaml"]
        return config

    def ready(self) -> bool:
        try:
            self._api("GET", "status/buildinfo")
            return True
        except PrometheusError:
            return False

    def reload(self) -> None:
        """Make Prometheus read its configuration and rule files again. It answers once that
        is done, with the error if a file is bad; only when it runs with
        --web.enable-lifecycle (403 otherwise)."""
        answer = self._send("POST", "/-/reload")
        if answer.status_code == 403:
            raise PrometheusError(f"Prometheus at {self.url} refused /-/reload: start it with "
                                  "--web.enable-lifecycle", 403)
        if answer.status_code != 200:
            raise PrometheusError(f"Prometheus at {self.url} could not reload its "
                                  f"configuration: {answer.status_code} "
                                  f"{self.redact((answer.text or '').strip()[:500])}",
                                  answer.status_code)


class Alertmanager(_Client):
    """Alertmanager's HTTP API (/api/v2)."""

    def alerts(self) -> list[dict]:
        answer = self._json("GET", "/api/v2/alerts")
        if not isinstance(answer, list):
            raise Unreachable(self.url, "not an Alertmanager API answer")
        return answer

    def ready(self) -> bool:
        try:
            self._json("GET", "/api/v2/status")
            return True
        except Unreachable:
            return False


def _body(response: niquests.Response, url: str, redact: Callable[[str], str]) -> Any:
    """The JSON body of `response` (from `url`, shown without credentials), whatever its
    status; Unreachable if it has none, its text through `redact`."""
    body = response.content or b""
    try:
        return json.loads(body)
    except ValueError as error:
        status = response.status_code or 0
        if status >= 400:
            where = http_errors.split_credentials(response.url or url)[0]
            raise Unreachable(where, redact(f"HTTP {status} {body[:200]!r}"), status) from None
        raise Unreachable(url, redact(str(error)), status) from None

