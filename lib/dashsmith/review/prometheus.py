"""A minimal Prometheus HTTP API client for previews: range and instant queries."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class PrometheusError(Exception):
    pass


class UnreachableError(PrometheusError):
    """Prometheus did not answer at all (as opposed to rejecting one query)."""


@dataclass
class Series:
    labels: dict[str, str]
    times: list[float]  # unix seconds
    values: list[float]


class Prometheus:
    def __init__(self, url: str, timeout: float = 15):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        return self._query("query_range", {"query": expr, "start": start, "end": end,
                                           "step": step})

    def instant(self, expr: str, at: float) -> list[Series]:
        return self._query("query", {"query": expr, "time": at})

    def _query(self, endpoint: str, params: dict) -> list[Series]:
        body = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(f"{self.url}/api/v1/{endpoint}", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as error:
            payload = _error_payload(error)
        except (urllib.error.URLError, OSError) as error:
            raise UnreachableError(f"cannot reach Prometheus at {self.url}: "
                                   f"{getattr(error, 'reason', error)}")
        if payload.get("status") != "success":
            raise PrometheusError(payload.get("error") or "query failed")
        return _series(payload["data"])


def _error_payload(error: urllib.error.HTTPError) -> dict:
    try:
        return json.load(error)
    except ValueError:
        return {"status": "error", "error": f"HTTP {error.code}"}


def _series(data: dict) -> list[Series]:
    kind, result = data.get("resultType"), data.get("result")
    if kind == "matrix":
        return [Series(r.get("metric", {}), [float(t) for t, _ in r["values"]],
                       [float(v) for _, v in r["values"]]) for r in result]
    if kind == "vector":
        return [Series(r.get("metric", {}), [float(r["value"][0])], [float(r["value"][1])])
                for r in result]
    if kind == "scalar":
        return [Series({}, [float(result[0])], [float(result[1])])]
    return []
