"""GET /api/access-control/user/permissions: the caller's permissions, {action: [scope, ...]}.

Grafana answers it for any signed-in caller, service accounts included
(pkg/services/accesscontrol/api/api.go: registered with middleware.ReqSignedIn;
getUserPermissions returns ac.GroupScopesByAction of the caller's permissions, an unscoped
permission listed with the scope ""). What each basic role holds comes from the fixed roles
granted to it (pkg/api/roles.go declareFixedRoles, pkg/services/dashboards/accesscontrol.go,
the alerting fixed roles of pkg/services/accesscontrol/ossaccesscontrol). The emulator lists
the actions deploy and doctor look at, for the three basic roles, with the scopes a fresh
instance gives them (every folder grants Editors edit by default, so their dashboard writes
reach every folder: "folders:*" here is a simplification of one scope per folder — guess);
the many other actions a real Grafana lists are left out. A test that needs narrower grants
answers the endpoint with a fault.
"""

from __future__ import annotations

from typing import Any

from .http_types import Request, Response, json_response
from .store import Store

_VIEWER: dict[str, list[str]] = {
    "dashboards:read": ["dashboards:*", "folders:*"],
    "folders:read": ["folders:*"],
    # open-source Grafana lets every role query data sources (fixed:datasources:querier)
    "datasources:query": ["datasources:*"],
}
_EDITOR: dict[str, list[str]] = {
    **_VIEWER,
    "folders:create": [""],  # fixed:folders:creator, unscoped
    "folders:write": ["folders:*"],
    "folders:delete": ["folders:*"],
    "dashboards:create": ["folders:*"],  # fixed:dashboards:creator, and each folder's Edit
    "dashboards:write": ["dashboards:*", "folders:*"],
    "dashboards:delete": ["dashboards:*", "folders:*"],
}
_ADMIN: dict[str, list[str]] = {
    **_EDITOR,
    "datasources:read": ["datasources:*"],  # fixed:datasources:reader: Admins only
    # fixed:alerting.provisioning:writer: Admins only
    "alert.provisioning:read": [""],
    "alert.provisioning:write": [""],
}
BASIC_ROLES: dict[str, dict[str, list[str]]] = {"Viewer": _VIEWER, "Editor": _EDITOR,
                                                "Admin": _ADMIN}


def user_permissions(store: Store, request: Request) -> Response:
    identity = request.identity
    assert identity is not None
    held: dict[str, Any] = {action: list(scopes)
                            for action, scopes in BASIC_ROLES[identity.role].items()}
    return json_response(200, held)
