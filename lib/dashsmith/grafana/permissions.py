"""What the credentials may do in Grafana, read before any write, so that a token that cannot
deploy is named up front rather than found out by a dozen refused saves.

Grafana lists the caller's own permissions: GET /api/access-control/user/permissions answers
{action: [scope, ...]} for any signed-in caller, service accounts included
(pkg/services/accesscontrol/api/api.go getUserPermissions, middleware.ReqSignedIn;
ac.GroupScopesByAction). It is part of open-source Grafana's RBAC (role-based access control is
always on from 9.x). Where it answers 404 (an older Grafana, a proxy that routes only some
paths) nothing is guessed: the permissions are unverified, and `dashsmith doctor --probe` learns
them by trying (a refused write names the permission it lacked). The org role is no fallback:
GET /api/user/orgs, which carries it, is for users only (pkg/api/user.go getUserID: "Endpoint
only available for users"), and a role does not show custom or fixed roles granted on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError

from dashsmith.grafana import retry
from dashsmith.grafana.connection import Connection, explain

PERMISSIONS_PATH = "/access-control/user/permissions"
DEPLOY = "deploy"


@dataclass(frozen=True)
class Requirement:
    """Something deploy does, and the actions any one of which lets it."""

    what: str  # "create folders"
    actions: tuple[str, ...]
    needed_for: str = DEPLOY  # "deploy", or the option that needs it ("deploy --prune")

    @property
    def required(self) -> bool:
        """Needed by every deploy (not only with an option)."""
        return self.needed_for == DEPLOY

    def __str__(self) -> str:
        return f"{self.what} ({' or '.join(self.actions)})"


# What the basic roles get (pkg/api/roles.go declareFixedRoles): Editors folders:create
# (fixed:folders:creator) and dashboards:create at the root (fixed:dashboards:creator, scope
# folders:uid:general); saving and deleting dashboards comes with folder permissions (scoped to
# folders), or everywhere for Admins (fixed:dashboards:writer, fixed:folders:writer);
# datasources:read only Admins, which is why deploy finds its data source in the frontend
# settings instead. Alert rule writes take alert.provisioning:write or
# alert.rules.provisioning:write, routing writes alert.provisioning:write or
# alert.notifications.provisioning:write (pkg/services/ngalert/api/authorization.go).
DEPLOY_REQUIREMENTS = (
    Requirement("create folders", ("folders:create",)),
    Requirement("create dashboards", ("dashboards:create",)),
    Requirement("save dashboards", ("dashboards:write",)),
    Requirement("delete dashboards", ("dashboards:delete",), "deploy --prune"),
    Requirement("rename folders", ("folders:write",), "deploy --force (a folder renamed in "
                                                      "Grafana)"),
    Requirement("write alert rules", ("alert.provisioning:write",
                                      "alert.rules.provisioning:write"),
                "deploy --grafana-alerts"),
    Requirement("write contact points and policies", ("alert.provisioning:write",
                                                      "alert.notifications.provisioning:write"),
                "deploy --grafana-alerts"),
)

# Scopes that mean "everywhere" (a permission without a scope is unrestricted too).
_EVERYWHERE = ("*", "folders:*", "folders:uid:*", "dashboards:*", "dashboards:uid:*")


@dataclass(frozen=True)
class Grant:
    """Whether the credentials have a Requirement: `granted` None when unverified; `limited_to`
    the scopes when they do not reach everywhere (a folder, say)."""

    requirement: Requirement
    granted: bool | None
    limited_to: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"what": self.requirement.what, "actions": list(self.requirement.actions),
                "needed_for": self.requirement.needed_for, "granted": self.granted,
                "limited_to": list(self.limited_to)}


@dataclass(frozen=True)
class Permissions:
    """The caller's permissions ({action: scopes}), or None with `source` saying why not."""

    actions: Mapping[str, tuple[str, ...]] | None
    source: str

    @property
    def verified(self) -> bool:
        return self.actions is not None

    def grant(self, requirement: Requirement) -> Grant:
        if self.actions is None:
            return Grant(requirement, None)
        held = [action for action in requirement.actions if action in self.actions]
        if not held:
            return Grant(requirement, False)
        scopes = tuple(scope for action in held for scope in self.actions[action])
        everywhere = not scopes or any(s in _EVERYWHERE or not s for s in scopes)
        return Grant(requirement, True, () if everywhere else tuple(dict.fromkeys(scopes)))

    def grants(self, requirements: tuple[Requirement, ...] = DEPLOY_REQUIREMENTS
               ) -> list[Grant]:
        return [self.grant(requirement) for requirement in requirements]


def read_permissions(grafana: GrafanaApi, connection: Connection) -> Permissions:
    """The caller's permissions, with retries; never raises for an answer Grafana gives (a
    failure leaves them unverified, saying why)."""
    source = f"GET /api{PERMISSIONS_PATH}"
    try:
        answer = retry.call(lambda attempt: grafana.client.GET(PERMISSIONS_PATH))
    except GrafanaClientError as error:
        if error.status_code == 404:
            return Permissions(None, f"this Grafana does not list the caller's permissions "
                                     f"({source} answered 404)")
        return Permissions(None, f"{source} failed: {explain(error, connection)}")
    if not isinstance(answer, dict):
        return Permissions(None, f"{source} answered something else than permissions")
    actions = {str(action): tuple(str(s) for s in scopes or ())
               for action, scopes in answer.items() if isinstance(scopes, (list, tuple))}
    return Permissions(actions, source)
