"""The emulator's request and response values, independent of http.server."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Identity:
    """Who sent the request: a user (basic auth) or a service account (token)."""

    login: str
    role: str  # "Viewer" | "Editor" | "Admin"
    user_id: int
    is_service_account: bool


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    identity: Identity | None = None

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeated parameter; commas are NOT split (as Grafana)."""
        return list(self.query.get(name, []))

    def int_arg(self, name: str, default: int = 0) -> int:
        try:
            return int(self.arg(name, str(default)))
        except ValueError:
            return default

    def has_header(self, name: str) -> bool:
        return self.headers.get(name) is not None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body binds to {} as in Grafana."""
        from .errors import bad_request_data  # local: errors imports Response from here

        if not self.body.strip():
            return {}
        try:
            value = orjson.loads(self.body)  # fast; what it refuses, Python's json may read
        except orjson.JSONDecodeError:
            try:
                value = json.loads(self.body)
            except ValueError:
                raise bad_request_data() from None
        if not isinstance(value, dict):
            raise bad_request_data()
        return value


@dataclass
class Response:
    status: int
    body: Any = None
    has_body: bool = True
    headers: dict[str, str] = field(default_factory=dict)

    def encoded_body(self) -> bytes:
        if not self.has_body or self.status == 204:
            return b""
        try:  # fast (a dashboard is tens of KB); what orjson refuses, Python's json writes
            return orjson.dumps(self.body)
        except TypeError:
            return json.dumps(self.body, separators=(",", ":")).encode()

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.has_body and self.status != 204:
            headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
        return headers


def json_response(status: int, body: Any) -> Response:
    return Response(status, body)


def empty_response(status: int) -> Response:
    """A response with no body and no Content-Type (Grafana's response.Empty)."""
    return Response(status, None, has_body=False)
