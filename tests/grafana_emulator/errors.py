"""Grafana's error bodies, raised as ApiError and turned into responses by the server.

Three shapes exist (see the contract, section 0):
- plain:      {"message": ...}, plus "traceID" when Grafana logged an underlying error;
- status:     {"status": "<code>", "message": ...} for dashboard/folder DashboardErr;
- structured: {"message", "messageId", "statusCode", ...} for errutil errors.
"""

from __future__ import annotations

import random
from typing import Any

from .http_types import Response, empty_response, json_response
from .values import is_uid_too_long, is_valid_uid


class ApiError(Exception):
    """An HTTP error answer. Hooks of the Python API raise it too."""

    def __init__(self, response: Response):
        super().__init__(f"{response.status}: {response.body!r}")
        self.response = response

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def body(self) -> Any:
        return self.response.body


def plain_error(status: int, message: str, *, traced: bool = False) -> ApiError:
    body: dict[str, Any] = {"message": message}
    if traced:
        body["traceID"] = ""
    return ApiError(json_response(status, body))


def status_error(status: int, status_code: str, message: str) -> ApiError:
    return ApiError(json_response(status, {"status": status_code, "message": message}))


def structured_error(status: int, message_id: str, message: str, *,
                     extra: bool = False) -> ApiError:
    body: dict[str, Any] = {"message": message, "messageId": message_id, "statusCode": status}
    if extra:
        body["extra"] = None
    body["traceID"] = ""
    return ApiError(json_response(status, body))


def empty_error(status: int) -> ApiError:
    return ApiError(empty_response(status))


def bad_request_data() -> ApiError:
    return plain_error(400, "bad request data", traced=True)


def not_found_route() -> ApiError:
    return plain_error(404, "Not found")


def access_denied(action: str) -> ApiError:
    """The RBAC middleware's 403 body."""
    error_id = "ACE" + "".join(random.choices("0123456789", k=10))
    return ApiError(json_response(403, {
        "title": "Access denied",
        "message": "You'll need additional permissions to perform this action. "
                   f"Permissions needed: {action}",
        "accessErrorId": error_id,
    }))


# Folder and dashboard errors used by several modules.

def folder_not_found() -> ApiError:
    return status_error(404, "not-found", "folder not found")


def dashboard_not_found() -> ApiError:
    return plain_error(404, "Dashboard not found", traced=True)


def uid_errors(uid: str, *, traced: bool) -> ApiError | None:
    """The uid rules shared by folders and dashboards. The dashboard API answers
    them without a traceID, the folder API with one (it passes the error on)."""
    if not is_valid_uid(uid):
        return plain_error(400, "uid contains illegal characters", traced=traced)
    if is_uid_too_long(uid):
        return plain_error(400, "uid too long, max 40 characters", traced=traced)
    return None
