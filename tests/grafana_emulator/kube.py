"""Kubernetes API machinery the /apis endpoints share: Status errors, label selectors,
continue tokens, resource versions and the grafana.app metadata keys.

Shapes follow k8s.io/apimachinery (metav1.Status, apierrors.NewNotFound / NewAlreadyExists /
NewConflict / NewBadRequest / NewForbidden / NewInvalid) and Grafana's metadata accessor
(pkg/apimachinery/utils/meta.go).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from .errors import ApiError
from .http_types import json_response

NAMESPACE = "default"  # org 1 (pkg/services/apiserver/endpoints/request namespace mapper)

# Annotation and label keys (pkg/apimachinery/utils/meta.go).
ANNO_CREATED_BY = "grafana.app/createdBy"
ANNO_UPDATED_BY = "grafana.app/updatedBy"
ANNO_UPDATED_TIMESTAMP = "grafana.app/updatedTimestamp"
ANNO_FOLDER = "grafana.app/folder"
ANNO_MESSAGE = "grafana.app/message"
ANNO_MANAGER_KIND = "grafana.app/managedBy"
ANNO_MANAGER_IDENTITY = "grafana.app/managerId"
ANNO_MANAGER_ALLOWS_EDITS = "grafana.app/managerAllowsEdits"
ANNO_MANAGER_SUSPENDED = "grafana.app/managerSuspended"
ANNO_GRANT_PERMISSIONS = "grafana.app/grant-permissions"
LABEL_DEPRECATED_INTERNAL_ID = "grafana.app/deprecatedInternalID"
LABEL_GET_HISTORY = "grafana.app/get-history"
# Written by the server only: a client's values are replaced (prepare.go).
SERVER_ANNOTATIONS = (ANNO_CREATED_BY, ANNO_UPDATED_BY, ANNO_UPDATED_TIMESTAMP)

# utils.ManagerKind values. Storage enforces only `repo` (pkg/storage/unified/apistore/
# managed.go enforceManagerProperties: terraform and kubectl are a TODO that allows the write).
MANAGER_KINDS = ("repo", "terraform", "kubectl", "plugin", "grafana", "classic-file-provisioning",
                 "classic-api-provisioning")


# --- Status errors -------------------------------------------------------------

def status_error(code: int, reason: str, message: str, details: Mapping[str, Any] | None = None
                 ) -> ApiError:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "message": message, "reason": reason}
    if details is not None:
        body["details"] = dict(details)
    body["code"] = code
    return ApiError(json_response(code, body))


def qualified(resource: str, group: str) -> str:
    return f"{resource}.{group}"


def not_found(resource: str, group: str, name: str) -> ApiError:
    return status_error(404, "NotFound", f'{qualified(resource, group)} "{name}" not found',
                        {"name": name, "group": group, "kind": resource})


def already_exists(resource: str, group: str, name: str) -> ApiError:
    return status_error(409, "AlreadyExists",
                        f'{qualified(resource, group)} "{name}" already exists',
                        {"name": name, "group": group, "kind": resource})


def conflict(resource: str, group: str, name: str) -> ApiError:
    """apierrors.NewConflict with storage's optimistic-lock error (the generic registry store's
    "the object has been modified" text; Grafana's apistore raises the same for a stale
    metadata.resourceVersion — the exact wording is a guess)."""
    return status_error(409, "Conflict",
                        f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": '
                        "the object has been modified; please apply your changes to the latest "
                        "version and try again",
                        {"name": name, "group": group, "kind": resource})


def bad_request(message: str) -> ApiError:
    return status_error(400, "BadRequest", message)


def invalid(kind: str, group: str, name: str, message: str) -> ApiError:
    return status_error(422, "Invalid", f'{kind}.{group} "{name}" is invalid: {message}',
                        {"name": name, "group": group, "kind": kind})


def forbidden(resource: str, group: str, name: str, message: str) -> ApiError:
    target = f'{qualified(resource, group)} "{name}"' if name else qualified(resource, group)
    return status_error(403, "Forbidden", f"{target} is forbidden: {message}",
                        {"name": name, "group": group, "kind": resource} if name
                        else {"group": group, "kind": resource})


def check_name(kind: str, group: str, name: str) -> None:
    """A new object's name: the uid rules (letters, digits, '-', '_'; Grafana relaxes the
    Kubernetes name rules for dashboards and folders, which wording it uses is a guess) and
    the apistore's MaximumNameLength ("name exceeds maximum length (40)", a 400)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise invalid(kind, group, name, f'metadata.name: Invalid value: "{name}": a name may '
                                         "contain only letters, digits, '-' and '_'")
    if len(name) > 40:
        raise bad_request("name exceeds maximum length (40)")


def method_not_allowed() -> ApiError:
    return status_error(405, "MethodNotAllowed", "the server does not allow this method on the "
                                                 "requested resource")


# --- label values ---------------------------------------------------------------
# k8s.io/apimachinery pkg/util/validation/validation.go IsValidLabelValue: at most 63 characters
# (LabelValueMaxLength), empty or alphanumeric at both ends with '-', '_' or '.' between
# (labelValueFmt "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"). The API server checks every
# label of an object it stores (ValidateLabels, apimachinery/pkg/apis/meta/v1/validation) and
# answers 422 Invalid naming metadata.labels.
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
LABEL_VALUE_MESSAGE = ("a valid label must be an empty string or consist of alphanumeric "
                       "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                       "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
                       "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def label_value_problem(value: str) -> str | None:
    """What IsValidLabelValue says of `value` (its messages, joined); None when valid."""
    problems = []
    if len(value) > 63:
        problems.append("must be no more than 63 characters")
    if not _LABEL_VALUE.fullmatch(value):
        problems.append(LABEL_VALUE_MESSAGE)
    return "; ".join(problems) or None


def check_labels(kind: str, group: str, name: str, labels: Mapping[str, str]) -> None:
    for value in labels.values():
        problem = label_value_problem(value)
        if problem:
            raise invalid(kind, group, name, f'metadata.labels: Invalid value: "{value}": '
                                             f"{problem}")


# --- label selectors -----------------------------------------------------------

_REQUIREMENT = re.compile(r"^\s*(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*)|"
                          r"\s+(in|notin)\s*\(([^)]*)\))?\s*$")


def parse_label_selector(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """labels.Parse for the forms clients use: k=v, k==v, k!=v, k, !k, k in (a,b),
    k notin (a,b); requirements are ANDed. A malformed selector is a 400."""
    requirements: list[tuple[str, str, tuple[str, ...]]] = []
    for part in _split_selector(text):
        if not part.strip():
            continue
        match = _REQUIREMENT.match(part)
        if match is None:
            raise bad_request(f"unable to parse requirement: {part.strip()!r}")
        negated, key, op, value, set_op, values = match.groups()
        if set_op:
            requirements.append((key, set_op, tuple(v.strip() for v in values.split(","))))
        elif op:
            requirements.append((key, "!=" if op == "!=" else "=", (value,)))
        for index, given in enumerate(requirements[-1][2] if requirements else ()):
            problem = label_value_problem(given)
            if problem and (set_op or op):
                # labels.Parse → NewRequirement → validateLabelValue (selector.go)
                raise bad_request(f"unable to parse requirement: values[{index}][{key}]: "
                                  f'Invalid value: "{given}": {problem}')
        else:
            requirements.append((key, "!exists" if negated else "exists", ()))
    return requirements


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for character in text:
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        if character == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return parts


def labels_match(labels: Mapping[str, str], requirements: list[tuple[str, str, tuple[str, ...]]]
                 ) -> bool:
    for key, op, values in requirements:
        present = key in labels
        value = labels.get(key)
        if op == "=" and value != values[0]:
            return False
        if op == "!=" and value == values[0]:
            return False
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
        if op == "in" and value not in values:
            return False
        if op == "notin" and value in values:
            return False
    return True


# --- continue tokens -------------------------------------------------------------

def encode_continue(offset: int, resource_version: int) -> str:
    """An opaque token (the unified storage token is base64 JSON too; its fields are a guess)."""
    raw = json.dumps({"o": offset, "v": resource_version}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded))["o"]
    except (ValueError, KeyError, TypeError):
        raise bad_request("invalid continue token") from None
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("invalid continue token")
    return offset


# --- resource versions and timestamps ----------------------------------------------

class ResourceVersionClock:
    """Resource versions grow with every write, store-wide, and are large numbers (unified
    storage uses microsecond-based values), so a generation never doubles as one."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, int(time.time() * 1_000_000))
            return self._last


def rfc3339_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_uid(login: str, is_service_account: bool) -> str:
    """The typed identity the apistore writes into createdBy/updatedBy (info.GetUID(): the
    "<type>:<uid>" form; the uid part being the login here is a guess)."""
    return f"{'service-account' if is_service_account else 'user'}:{login}"


def manager_properties(annotations: Mapping[str, str]) -> tuple[str, str, bool] | None:
    """GetManagerProperties (pkg/apimachinery/utils/meta.go): managed only when managerId is
    set and not empty; the kind comes from managedBy; edits are allowed only when
    managerAllowsEdits is "true" (the newer accessor defaults AllowsEdits to false)."""
    identity = annotations.get(ANNO_MANAGER_IDENTITY, "")
    if not identity:
        return None
    return (annotations.get(ANNO_MANAGER_KIND, ""), identity,
            annotations.get(ANNO_MANAGER_ALLOWS_EDITS) == "true")
