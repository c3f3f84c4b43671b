"""Instance-wide endpoints: health, frontend settings, current user/org, data sources."""

from __future__ import annotations

import copy
from typing import Any

from .behaviour import DEFAULT_VERSION, commit_of
from .errors import plain_error
from .http_types import Request, Response, json_response
from .kube import NAMESPACE
from .store import Datasource, Store

GRAFANA_VERSION = DEFAULT_VERSION  # what an emulator imitates unless told otherwise
GRAFANA_COMMIT = "d9455ff7db73b694db7d412e49a68bec767f2b5a"


def health(store: Store, request: Request) -> Response:
    """/api/health needs no credentials; 503 when the database check fails. It reports the
    emulated version (esnet/gdg reads it from here to choose the API)."""
    body = {"commit": commit_of(store.behaviour),
            "database": "ok" if store.database_ok else "failing",
            "version": store.behaviour.version}
    return json_response(200 if store.database_ok else 503, body)


def frontend_settings(store: Store, request: Request) -> Response:
    """FrontendSettingsDTO: buildInfo.version and `namespace` ("default" for org 1; the field
    came with the API server work in 10.x/11.x — that 11.3 sends it is a guess)."""
    default = next((d for d in store.datasources if d.fields.get("isDefault")), None)
    version = store.behaviour.version
    commit = commit_of(store.behaviour)
    return json_response(200, {
        "appUrl": "http://localhost:3000/",
        "appSubUrl": "",
        "defaultDatasource": default.name if default else "",
        "datasources": {d.name: _frontend_datasource(d) for d in store.datasources},
        "minRefreshInterval": store.settings.min_refresh_interval,
        "namespace": NAMESPACE,
        "buildInfo": {
            "hideVersion": False,
            "version": version,
            "versionString": f"Grafana v{version} ({commit[:10]})",
            "commit": commit,
            "buildstamp": 1729000000,
            "edition": "Open Source",
            "latestVersion": "",
            "hasUpdate": False,
            "env": "production",
        },
    })


def _frontend_datasource(source: Datasource) -> dict[str, Any]:
    return {key: source.fields[key] for key in ("id", "uid", "name", "type", "isDefault")}


def current_user(store: Store, request: Request) -> Response:
    identity = request.identity
    return json_response(200, {
        "id": identity.user_id,
        "email": "" if identity.is_service_account else f"{identity.login}@localhost",
        "name": identity.login,
        "login": identity.login,
        "theme": "",
        "orgId": 1,
        "isGrafanaAdmin": identity.role == "Admin" and not identity.is_service_account,
        "isDisabled": False,
        "isExternal": False,
        "authLabels": [],
        "avatarUrl": "/avatar/46d229b033af06a191ff2267bca9ae56",
    })


def current_org(store: Store, request: Request) -> Response:
    return json_response(200, {
        "id": 1,
        "name": "Main Org.",
        "address": {"address1": "", "address2": "", "city": "", "zipCode": "", "state": "",
                    "country": ""},
    })


# --- data sources --------------------------------------------------------------

def normalise_datasource(fields: dict[str, Any], datasource_id: int) -> Datasource:
    """Fills the fields Grafana always returns for a data source."""
    if "uid" not in fields or "name" not in fields:
        raise ValueError("a data source needs at least 'uid' and 'name'")
    full: dict[str, Any] = {
        "id": datasource_id, "uid": "", "orgId": 1, "name": "", "type": "prometheus",
        "typeLogoUrl": "public/app/plugins/datasource/prometheus/img/prometheus_logo.svg",
        "access": "proxy", "url": "", "user": "", "database": "", "basicAuth": False,
        "basicAuthUser": "", "withCredentials": False, "isDefault": False, "jsonData": {},
        "secureJsonFields": {}, "version": 1, "readOnly": False,
    }
    full.update(copy.deepcopy(fields))
    return Datasource(full)


_LIST_FIELDS = ("id", "uid", "orgId", "name", "type", "typeLogoUrl", "access", "url", "user",
                "database", "basicAuth", "isDefault", "jsonData", "readOnly")


def list_datasources(store: Store, request: Request) -> Response:
    listed = [{k: copy.deepcopy(d.fields.get(k)) for k in _LIST_FIELDS} for d in store.datasources]
    for item, source in zip(listed, store.datasources, strict=True):
        item["typeName"] = source.fields["type"].capitalize()
    return json_response(200, sorted(listed, key=lambda d: d["name"].lower()))


def datasource_by_uid(store: Store, request: Request) -> Response:
    return _datasource_answer(store.datasource(uid=request.params["uid"]))


def datasource_by_name(store: Store, request: Request) -> Response:
    return _datasource_answer(store.datasource(name=request.params["name"]))


def _datasource_answer(source: Datasource | None) -> Response:
    if source is None:
        raise plain_error(404, "Data source not found")
    return json_response(200, copy.deepcopy(source.fields))
