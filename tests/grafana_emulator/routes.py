"""The route table: method + path pattern -> handler, with the role each needs.

A role below `min_role` gets the RBAC 403 naming `action`, as Grafana's
authorize middleware does before the handler runs. The /apis routes authorize in their
handlers (a Kubernetes Status 403) and answer 404 on releases that do not serve them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from . import (
    access_control,
    alert_rules,
    apis,
    dashboards,
    folders,
    instance,
    notifications,
    search,
)
from .http_types import Request, Response
from .store import Store

Handler = Callable[[Store, Request], Response]

UID = r"(?P<uid>[^/]+)"
NAME = r"(?P<name>[^/]+)"
PROVISIONING = "/api/v1/provisioning"
GROUP = PROVISIONING + r"/folder/(?P<folder>[^/]+)/rule-groups/(?P<group>[^/]+)"
APIS_GROUP_VERSION = r"/apis/(?P<group>[^/]+)/(?P<version>[^/]+)"
APIS_COLLECTION = APIS_GROUP_VERSION + r"/namespaces/(?P<ns>[^/]+)/(?P<resource>[^/]+)"
APIS_ITEM = APIS_COLLECTION + r"/(?P<name>[^/]+)"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    min_role: str | None = None
    action: str = ""
    public: bool = False  # answered without credentials


def _route(method: str, path: str, handler: Handler, min_role: str | None = None,
           action: str = "", public: bool = False) -> Route:
    return Route(method, re.compile(path), handler, min_role, action, public)


ROUTES: list[Route] = [
    _route("GET", "/api/health", instance.health, public=True),
    _route("GET", "/api/frontend/settings", instance.frontend_settings),
    _route("GET", "/api/user", instance.current_user),
    _route("GET", "/api/org", instance.current_org),
    # any signed-in caller (middleware.ReqSignedIn), service accounts included
    _route("GET", "/api/access-control/user/permissions", access_control.user_permissions),
    # datasources:read is granted by fixed:datasources:reader, to Admins only
    _route("GET", "/api/datasources", instance.list_datasources, "Admin", "datasources:read"),
    _route("GET", "/api/datasources/uid/" + UID, instance.datasource_by_uid, "Admin",
           "datasources:read"),
    _route("GET", "/api/datasources/name/(?P<name>[^/]+)", instance.datasource_by_name, "Admin",
           "datasources:read"),
    _route("GET", "/api/search", search.search),
    # folders
    _route("GET", "/api/folders", folders.list_folders),
    _route("GET", r"/api/folders/id/(?P<id>\d+)", folders.get_folder_by_id),
    _route("GET", "/api/folders/" + UID, folders.get_folder),
    _route("POST", "/api/folders", folders.post_folder, "Editor", "folders:create"),
    _route("PUT", "/api/folders/" + UID, folders.put_folder, "Editor", "folders:write"),
    _route("POST", f"/api/folders/{UID}/move", folders.move_folder, "Editor", "folders:write"),
    _route("DELETE", "/api/folders/" + UID, folders.delete_folder, "Editor", "folders:delete"),
    # dashboards. The route-level RBAC of pkg/api/api.go (registerRoutes, the "/dashboards" group):
    # POST /db needs ac.EvalAny(dashboards:create, dashboards:write), whose denial names both
    # ("any of ...", accesscontrol/evaluator.go anyEvaluator.String); the versions endpoints need
    # dashboards:write, so a Viewer gets the RBAC 403 before the handler runs (11.x handlers then
    # also ask guardian.CanSave, GetDashboardVersions).
    _route("POST", "/api/dashboards/db", dashboards.post_dashboard, "Editor",
           "any of dashboards:create, dashboards:write"),
    _route("GET", "/api/dashboards/uid/" + UID, dashboards.get_dashboard),
    _route("DELETE", "/api/dashboards/uid/" + UID, dashboards.delete_dashboard, "Editor",
           "dashboards:delete"),
    _route("GET", f"/api/dashboards/uid/{UID}/versions", dashboards.list_versions, "Editor",
           "dashboards:write"),
    # ":id" is any path segment; the handler parses it (GetDashboardVersion)
    _route("GET", f"/api/dashboards/uid/{UID}/versions/(?P<version>[^/]+)", dashboards.get_version,
           "Editor", "dashboards:write"),
    _route("POST", f"/api/dashboards/uid/{UID}/restore", dashboards.restore_version, "Editor",
           "dashboards:write"),
    # alerting provisioning (fixed:alerting.provisioning roles: Admin only)
    _route("GET", PROVISIONING + "/alert-rules", alert_rules.list_rules, "Admin",
           "alert.provisioning:read"),
    _route("POST", PROVISIONING + "/alert-rules", alert_rules.post_rule, "Admin",
           "alert.provisioning:write"),
    _route("GET", f"{PROVISIONING}/alert-rules/{UID}", alert_rules.get_rule, "Admin",
           "alert.provisioning:read"),
    _route("PUT", f"{PROVISIONING}/alert-rules/{UID}", alert_rules.put_rule, "Admin",
           "alert.provisioning:write"),
    _route("DELETE", f"{PROVISIONING}/alert-rules/{UID}", alert_rules.delete_rule, "Admin",
           "alert.provisioning:write"),
    _route("GET", GROUP, alert_rules.get_group, "Admin", "alert.provisioning:read"),
    _route("PUT", GROUP, alert_rules.put_group, "Admin", "alert.provisioning:write"),
    _route("DELETE", GROUP, alert_rules.delete_group, "Admin", "alert.provisioning:write"),
    _route("GET", PROVISIONING + "/contact-points", notifications.list_contact_points, "Admin",
           "alert.provisioning:read"),
    _route("POST", PROVISIONING + "/contact-points", notifications.post_contact_point, "Admin",
           "alert.provisioning:write"),
    _route("PUT", f"{PROVISIONING}/contact-points/{UID}", notifications.put_contact_point, "Admin",
           "alert.provisioning:write"),
    _route("DELETE", f"{PROVISIONING}/contact-points/{UID}", notifications.delete_contact_point,
           "Admin", "alert.provisioning:write"),
    _route("GET", PROVISIONING + "/policies", notifications.get_policies, "Admin",
           "alert.provisioning:read"),
    _route("PUT", PROVISIONING + "/policies", notifications.put_policies, "Admin",
           "alert.provisioning:write"),
    _route("DELETE", PROVISIONING + "/policies", notifications.delete_policies, "Admin",
           "alert.provisioning:write"),
    _route("GET", PROVISIONING + "/mute-timings", notifications.list_mute_timings, "Admin",
           "alert.provisioning:read"),
    _route("GET", f"{PROVISIONING}/mute-timings/{NAME}", notifications.get_mute_timing, "Admin",
           "alert.provisioning:read"),
    _route("POST", PROVISIONING + "/mute-timings", notifications.post_mute_timing, "Admin",
           "alert.provisioning:write"),
    _route("PUT", f"{PROVISIONING}/mute-timings/{NAME}", notifications.put_mute_timing, "Admin",
           "alert.provisioning:write"),
    _route("DELETE", f"{PROVISIONING}/mute-timings/{NAME}", notifications.delete_mute_timing,
           "Admin", "alert.provisioning:write"),
    # the Kubernetes-style API (12+)
    _route("GET", "/apis", apis.api_groups),
    _route("GET", r"/apis/(?P<group>[^/]+)", apis.api_group),
    _route("GET", APIS_GROUP_VERSION, apis.api_resources),
    _route("GET", APIS_COLLECTION, apis.list_or_create),
    _route("POST", APIS_COLLECTION, apis.list_or_create),
    _route("GET", APIS_ITEM, apis.item),
    _route("PUT", APIS_ITEM, apis.item),
    _route("DELETE", APIS_ITEM, apis.item),
]


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if route.method != method:
            continue
        match = route.pattern.fullmatch(path)
        if match:
            return route, {k: unquote(v) for k, v in match.groupdict().items()}
    return None
