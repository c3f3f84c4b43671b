"""The few Prometheus and Alertmanager HTTP API calls verify and the stack need."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


class Unreachable(Exception):
    """The server did not answer, or answered something that is not its API."""


class QueryError(Exception):
    """Prometheus rejected a query (bad_data, execution error); the message is Prometheus's."""


@dataclass(frozen=True)
class Series:
    labels: dict
    values: list[tuple[float, float]]  # (unix time, value)

    @property
    def last(self) -> float:
        return self.values[-1][1]


def _number(text: str) -> float:
    return float(text)  # handles "NaN", "+Inf", "-Inf"


def series(data: dict) -> list[Series]:
    """A query answer as series, whatever its result type (a scalar is one unlabelled series)."""
    kind, result = data["resultType"], data["result"]
    if kind == "matrix":
        return [Series(item["metric"], [(t, _number(v)) for t, v in item["values"]])
                for item in result]
    if kind == "vector":
        return [Series(item["metric"], [(item["value"][0], _number(item["value"][1]))])
                for item in result]
    if kind == "scalar":
        return [Series({}, [(result[0], _number(result[1]))])]
    return []


def has_values(found: list[Series]) -> bool:
    """Whether any series has a value that is a number (NaN shows as nothing in Grafana)."""
    return any(not math.isnan(v) for s in found for _, v in s.values)


class _Client:
    def __init__(self, url: str, timeout: float = 10):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(self, path: str, params: dict | list | None = None, method: str = "GET"):
        query = urllib.parse.urlencode(params or {}, doseq=True)
        url = f"{self.url}{path}"
        data = None
        if method == "POST":
            data = query.encode()
        elif query:
            url += "?" + query
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return json.loads(body)
            except ValueError:
                raise Unreachable(f"{url}: HTTP {error.code} {body[:200]!r}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Unreachable(f"{self.url}: {getattr(error, 'reason', error)}") from None


class Prometheus(_Client):
    def _api(self, path: str, params=None, method: str = "GET"):
        answer = self._request("/api/v1/" + path, params, method)
        if not isinstance(answer, dict) or "status" not in answer:
            raise Unreachable(f"{self.url}: not a Prometheus API answer")
        if answer["status"] != "success":
            raise QueryError(answer.get("error") or answer.get("errorType") or "query failed")
        return answer["data"]

    def query(self, expr: str, time: float) -> list[Series]:
        return series(self._api("query", {"query": expr, "time": f"{time:.3f}"}, "POST"))

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        return series(self._api("query_range", {"query": expr, "start": f"{start:.3f}",
                                                "end": f"{end:.3f}", "step": f"{step:g}"}, "POST"))

    def label_values(self, label: str, match: str | None, start: float, end: float) -> list[str]:
        params = {"start": f"{start:.3f}", "end": f"{end:.3f}"}
        if match:
            params["match[]"] = match
        return sorted(self._api(f"label/{urllib.parse.quote(label)}/values", params))

    def metadata(self) -> dict[str, list[dict]]:
        return self._api("metadata")

    def alerts(self) -> list[dict]:
        return self._api("alerts")["alerts"]

    def targets_up(self) -> bool:
        """Whether every scrape target has been scraped successfully."""
        targets = self._api("targets", {"state": "active"})["activeTargets"]
        return bool(targets) and all(t["health"] == "up" for t in targets)

    def global_config(self) -> str:
        """The loaded configuration as YAML text."""
        return self._api("status/config")["yaml"]

    def ready(self) -> bool:
        try:
            self._api("status/buildinfo")
            return True
        except (Unreachable, QueryError):
            return False


class Alertmanager(_Client):
    def alerts(self) -> list[dict]:
        answer = self._request("/api/v2/alerts")
        if not isinstance(answer, list):
            raise Unreachable(f"{self.url}: not an Alertmanager API answer")
        return answer

    def ready(self) -> bool:
        try:
            self._request("/api/v2/status")
            return True
        except Unreachable:
            return False
