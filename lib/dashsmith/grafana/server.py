"""Which Grafana this is, and what that means for a deploy: detected once after connect().

    info = detect(grafana, connection)
    info.describe()    # "Grafana 13.2.3 · dashboards via dashboard.grafana.app/v1 · namespace
                       #  default"
    info.dashboards()  # the /apis Resource deploy should use, or None for the legacy /api

The API is chosen by what the server says it serves (discovery), not by its version number:
a 12.x Grafana serves dashboard.grafana.app/v1beta1, a 13.x one v1 too, and a feature toggle,
a proxy or a managed offering can change either. Only what discovery cannot tell (how a legacy
stale save is refused, when a rule field came) is read from the version.

Where each fact comes from:
- version: GET /api/health `version` (pkg/api/health.go: shown to a signed-in caller; esnet/gdg
  reads it there), else `buildInfo.version` of GET /api/frontend/settings. Grafana Cloud reports
  e.g. "12.1.0-91295": the leading three numbers are the release.
- edition: `buildInfo.edition` ("Open Source", "Enterprise").
- namespace: `namespace` of /api/frontend/settings, which Grafana computes for the caller's org
  ("default" for org 1, "org-<id>", "stacks-<id>" on Grafana Cloud; grafana/mcp-grafana
  DashboardNamespace prefers it too); without it, derived from GET /api/org's id as Grafana's
  OrgNamespaceFormatter does (right on-premises, wrong on Cloud, so it is said which).
- what /apis serves: GET /apis (an APIGroupList, k8s.io/apimachinery discovery), or per group
  GET /apis/<group> when the list is refused. A 404 means none (11.x, or a proxy routing only
  /api): the legacy path. Any other failure stops detection rather than guess: falling back to
  /api on a server that stores v2 dashboards would read, and write, a lossy v1 copy
  (grafana/mcp-grafana tools/dashboard.go fetchDashboard "fails closed" for the same reason).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grafana_client.api import GrafanaApi

from dashsmith.grafana.apis import (
    DASHBOARD_GROUP,
    FOLDER_GROUP,
    ApisClient,
    ApisError,
    Resource,
    Target,
)
from dashsmith.grafana.connection import Connection, GrafanaUnavailable, call, explain

GROUPS = (DASHBOARD_GROUP, FOLDER_GROUP)

# The classic-schema (v1 JSON) versions deploy can write, best first: v1 from 13.0, v1beta1 in
# 12.x (apps/dashboard/kinds/manifest.cue; Grafana's apis-migration docs). v0alpha1 is left out:
# it stores bodies without schema migrations and is what the legacy /api writes through anyway.
CLASSIC_DASHBOARD_VERSIONS = ("v1", "v1beta1")
FOLDER_VERSIONS = ("v1", "v1beta1")  # apps/folder: v1beta1 in 12.x, v1 in 13.x
# Dynamic dashboards (schema v2), newest first: v2alpha1 and v2beta1 in 12.x, v2 in 13.x.
V2_DASHBOARD_VERSIONS = ("v2", "v2beta1", "v2alpha1")

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")


def parse_version(version: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of "13.2.3", "12.1.0-91295", "v11.3.0+security-01"; None if the
    text does not start with three numbers (a hidden version is "")."""
    match = _VERSION.match(version.strip())
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


@dataclass(frozen=True)
class ServerInfo:
    """What deploy needs to know about the Grafana it talks to (see the module docstring for
    where each field comes from)."""

    version: str  # as reported, "" when hidden
    edition: str  # "" when unknown
    namespace: str
    namespace_source: str  # "frontend settings" or "org id"
    # {group: versions served} for dashboard.grafana.app and folder.grafana.app; a group the
    # server does not serve is absent (every group on a server without /apis)
    served: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    preferred: Mapping[str, str] = field(default_factory=dict)  # {group: preferred version}
    # {name: uid} of the data sources this account may query (frontend settings)
    datasources: Mapping[str, str] = field(default_factory=dict)

    @property
    def version_tuple(self) -> tuple[int, int, int] | None:
        return parse_version(self.version)

    def _at_least(self, major: int, minor: int = 0) -> bool | None:
        parsed = self.version_tuple
        return None if parsed is None else parsed[:2] >= (major, minor)

    # --- what discovery says ------------------------------------------------------------

    @property
    def dashboard_api_version(self) -> str | None:
        """The dashboard.grafana.app version deploy should read and write classic dashboards
        through (v1 on 13.x, v1beta1 on 12.x), or None for the legacy /api."""
        return _best(self.served.get(DASHBOARD_GROUP, ()), CLASSIC_DASHBOARD_VERSIONS)

    @property
    def folder_api_version(self) -> str | None:
        """The folder.grafana.app version for folders, or None for the legacy /api."""
        return _best(self.served.get(FOLDER_GROUP, ()), FOLDER_VERSIONS)

    @property
    def dashboard_v2_version(self) -> str | None:
        """The newest dashboard.grafana.app version that serves dynamic dashboards (schema v2),
        or None: a dashboard stored as v2 can be read whole only through it."""
        return _best(self.served.get(DASHBOARD_GROUP, ()), V2_DASHBOARD_VERSIONS)

    @property
    def uses_apis(self) -> bool:
        """Whether deploy should take the /apis path for dashboards."""
        return self.dashboard_api_version is not None

    @property
    def serves_dashboard_v2(self) -> bool:
        return self.dashboard_v2_version is not None

    @property
    def dashboard_api(self) -> str:
        """"dashboard.grafana.app/v1", or "/api (legacy)"."""
        version = self.dashboard_api_version
        return f"{DASHBOARD_GROUP}/{version}" if version else "/api (legacy)"

    def dashboards(self) -> Resource | None:
        version = self.dashboard_api_version
        return Resource(DASHBOARD_GROUP, version, self.namespace, "dashboards") if version else None

    def dashboards_v2(self) -> Resource | None:
        version = self.dashboard_v2_version
        return Resource(DASHBOARD_GROUP, version, self.namespace, "dashboards") if version else None

    def folders(self) -> Resource | None:
        version = self.folder_api_version
        return Resource(FOLDER_GROUP, version, self.namespace, "folders") if version else None

    def target(self) -> Target | None:
        """Where deploy reads and writes on the /apis path; None for the legacy /api."""
        version = self.dashboard_api_version
        if version is None:
            return None
        return Target(self.namespace, version, self.folder_api_version,
                      self.dashboard_v2_version)

    # --- what only the version tells ----------------------------------------------------

    @property
    def stale_save_status(self) -> int | None:
        """The status POST /api/dashboards/db answers for a stale `version` without
        `overwrite`: 412 version-mismatch up to 13.0.x; 409 "Dashboard already exists. Use
        overwrite flag to update." from 13.1, where the legacy save goes through the Kubernetes
        client (grafana PR #122027, re-applied in #125950; pkg/api/dashboard.go
        saveDashboardViaK8s). None when the version is hidden. `dashsmith doctor --probe`
        measures it; deploy should take either as "changed since the plan"."""
        from_13_1 = self._at_least(13, 1)
        return None if from_13_1 is None else (409 if from_13_1 else 412)

    @property
    def search_eventually_consistent(self) -> bool:
        """Whether /api/search may miss a dashboard saved seconds ago: from 12.0 dashboards live
        in unified storage, whose search index gives no search-after-write guarantee
        (pkg/services/dashboards/service/dashboard_service.go waitForSearchQuery: "US doesn't
        offer search-after-write guarantees"). A server serving v1beta1/v1 is such a server
        whatever its version says."""
        return bool(self._at_least(12)) or self.uses_apis

    @property
    def supports_keep_firing_for(self) -> bool:
        """Whether alert rules written through the provisioning API keep `keep_firing_for`.
        It came in 12.0 (grafana PR #100750 "Alerting: Add backend support for keep_firing_for",
        February 2025; definitions.ProvisionedAlertRule `keep_firing_for`);
        terraform-provider-grafana tests the field only on ">=12.0.0"
        (TestAccAlertRule_keepFiringFor). An 11.x server drops the unknown field silently, so
        deploy should say so instead of sending it. With the version hidden, a server serving
        the 12.x APIs has it."""
        from_12 = self._at_least(12)
        return self.uses_apis if from_12 is None else from_12

    # --- reporting ----------------------------------------------------------------------

    def datasource_uid(self, name: str) -> str | None:
        """The uid of the data source called `name`, if this account may query it."""
        return self.datasources.get(name)

    def describe(self) -> str:
        """One line: "Grafana 13.2.3 · dashboards via dashboard.grafana.app/v1 · namespace
        default"."""
        name = f"Grafana {self.version}" if self.version else "Grafana (version hidden)"
        return f"{name} · dashboards via {self.dashboard_api} · namespace {self.namespace}"

    def as_json(self) -> dict[str, Any]:
        return {
            "describe": self.describe(),
            "version": self.version,
            "edition": self.edition,
            "namespace": self.namespace,
            "namespace_source": self.namespace_source,
            "apis": {group: {"served": list(self.served[group]),
                             "preferred": self.preferred.get(group, "")}
                     for group in GROUPS if group in self.served},
            "dashboard_api": self.dashboard_api,
            "folder_api": (f"{FOLDER_GROUP}/{self.folder_api_version}"
                           if self.folder_api_version else "/api (legacy)"),
            "dashboard_v2_api": (f"{DASHBOARD_GROUP}/{self.dashboard_v2_version}"
                                 if self.dashboard_v2_version else None),
            "stale_save_status": self.stale_save_status,
            "search_eventually_consistent": self.search_eventually_consistent,
            "keep_firing_for": self.supports_keep_firing_for,
        }


def _best(served: tuple[str, ...], wanted: tuple[str, ...]) -> str | None:
    return next((version for version in wanted if version in served), None)


# --- detection ----------------------------------------------------------------------------

def detect(grafana: GrafanaApi, connection: Connection) -> ServerInfo:
    """Ask the connected Grafana what it is (a few GETs, with retries). GrafanaUnavailable,
    secret-free, if it cannot be told."""
    health = _object(call(connection, lambda: grafana.client.GET("/health"), "read /api/health"))
    settings = _object(call(connection, lambda: grafana.client.GET("/frontend/settings"),
                            "read Grafana's frontend settings"))
    build = _object(settings.get("buildInfo"))
    version = str(health.get("version") or build.get("version") or "")
    namespace, source = str(settings.get("namespace") or ""), "frontend settings"
    if not namespace:
        org = _object(call(connection, lambda: grafana.client.GET("/org"), "read the org"))
        namespace, source = _org_namespace(int(org.get("id") or 1)), "org id"
    served, preferred = _discover(grafana, connection)
    return ServerInfo(version=version, edition=str(build.get("edition") or ""),
                      namespace=namespace, namespace_source=source, served=served,
                      preferred=preferred, datasources=_datasources(settings))


def _org_namespace(org_id: int) -> str:
    # Grafana's OrgNamespaceFormatter: org 1 is "default", any other "org-<id>"
    return "default" if org_id == 1 else f"org-{org_id}"


def _datasources(settings: Mapping[str, Any]) -> dict[str, str]:
    # `datasources` lists, by name, every data source the caller may query. An open effort
    # (grafana#114536, #127012) plans to stop shipping it; then this is empty.
    listed = _object(settings.get("datasources"))
    return {str(name): str(entry["uid"]) for name, entry in listed.items()
            if isinstance(entry, dict) and entry.get("uid")}


def _discover(grafana: GrafanaApi, connection: Connection
              ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    apis = ApisClient(grafana)
    served: dict[str, tuple[str, ...]] = {}
    preferred: dict[str, str] = {}
    try:
        listing = apis.discovery()
        groups = [] if listing is None else list(listing.get("groups") or [])
    except ApisError:
        # the whole list refused (not a 404): ask for each group, which a narrower
        # authorizer may still allow
        groups = [_group(apis, connection, name) for name in GROUPS]
    except Exception as error:  # noqa: BLE001 - a network failure after retries: cannot tell
        raise _undetermined(connection, error) from None
    for group in groups:
        name = group.get("name") if isinstance(group, dict) else None
        if name not in GROUPS:
            continue
        versions = tuple(str(v.get("version")) for v in group.get("versions") or []
                         if isinstance(v, dict) and v.get("version"))
        if versions:
            served[str(name)] = versions
            preferred[str(name)] = str(_object(group.get("preferredVersion")).get("version") or "")
    return served, preferred


def _group(apis: ApisClient, connection: Connection, name: str) -> dict[str, Any]:
    try:
        return apis.discovery(name) or {}
    except Exception as error:  # noqa: BLE001 - refused or unreachable: cannot tell
        raise _undetermined(connection, error) from None


def _undetermined(connection: Connection, error: BaseException) -> GrafanaUnavailable:
    return GrafanaUnavailable(connection.redact(
        f"cannot tell which dashboard API Grafana at {connection.url} serves: GET /apis "
        f"failed ({explain(error, connection)}); not falling back to /api, which would read "
        "dashboards stored as schema v2 as a lossy v1 copy"))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
