"""Which Grafana the emulator imitates: one frozen Behaviour per release family.

`behaviour_for("13.2.3")` picks the family of a version; handlers read the switches from
`store.behaviour` and never compare version numbers themselves. Each switch below names its
evidence: the Grafana source (grafana/grafana paths), the pull request or issue, or the peer
tool that saw it live. "guess" marks what no source settled.

Families and what they stand for:
- 11.3: the SQL-backed dashboards and folders the emulator was first built on (11.0-11.5).
- 11.6: 11.3 plus the versions list wrapped in {versions, continueToken} (grafana#104556).
- 12.4: dashboards and folders live in unified storage behind the Kubernetes-style API server
  (featureToggles: "always" from 12.2): /apis serves dashboard.grafana.app v1beta1, versions
  are generations, history is resource history, search is eventually consistent, and the
  legacy GET of a schema v2 dashboard answers 406 (pkg/api/dashboard.go GetDashboard).
- 13.0: dashboard.grafana.app v1 and v2, folder.grafana.app v1; dashboardNewLayouts on (a UI
  save stores schema v2); the legacy GET has no 406 and takes ?apiVersion (grafana PR #120842);
  a stale legacy save still answers 412.
- 13.2: 13.0 plus the legacy save written through the Kubernetes client (13.1+, grafana PR
  #122027 re-applied in #125950, pkg/api/dashboard.go saveDashboardViaK8s): stale or missing
  version 409, v2-looking or title-less bodies 400, managed dashboards 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FAMILIES = ("11.3", "11.6", "12.4", "13.0", "13.2")
DEFAULT_VERSION = "11.3.0"

# A placeholder commit per family for /api/health and buildInfo: not the release's real commit
# (guess; no client should read meaning into it).
_COMMITS = {
    "11.3": "d9455ff7db73b694db7d412e49a68bec767f2b5a",
    "11.6": "0e8c5b7f6d3a4e1b9c2a7d5e8f1b3c6a9d2e4f70",
    "12.4": "5a1f9c3e7b2d4a6c8e0f1a3b5c7d9e2f4a6b8c01",
    "13.0": "9c7e5a3b1d2f4e6a8c0b2d4f6a8c1e3b5d7f9a12",
    "13.2": "3e5c7a9b1d3f5e7c9a1b3d5f7e9c1a3b5d7f9e23",
}


@dataclass(frozen=True)
class Behaviour:
    version: str
    family: str

    # GET /api/dashboards/uid/:uid/versions answers {"versions": [...], "continueToken": ...}
    # instead of a bare array: grafana#104556, in 11.6 (pkg/api/dashboard.go
    # GetDashboardVersions returns dashver.DashboardVersionResponseMeta).
    versions_list_wrapped: bool

    # Dashboards and folders are stored by the API server ("unified storage"): the legacy
    # /api endpoints read and write through it. Consequences, each from the source:
    # - the legacy "version" is metadata.generation, which rises only when the spec or the
    #   folder changes (pkg/storage/unified/apistore/prepare.go prepareObjectForUpdate), so
    #   saving identical content creates no version;
    # - a legacy save is a fresh object with only grafana.app/folder and grafana.app/message
    #   annotations (pkg/services/dashboards/service/dashboard_service.go
    #   saveDashboardThroughK8s, LegacySaveCommandToUnstructured), stored as v0alpha1 without
    #   schema migrations;
    # - the versions list reads resource history (pkg/services/dashboardversion/dashverimpl/
    #   dashver.go listHistoryThroughK8s): id = resourceVersion, parentVersion = version - 1,
    #   message = the grafana.app/message annotation, `start` ignored; GET …/versions/:id reads
    #   the history at resourceVersion :id (getHistoryThroughK8s; resource_history_read.sql
    #   takes the newest entry at or before it), so a generation number is not a valid :id;
    # - search is served by an index with no search-after-write guarantee
    #   (dashboard_service.go waitForSearchQuery: "US doesn't offer search-after-write
    #   guarantees"), which emu.search_lag() imitates.
    unified_storage: bool

    # dashboard.grafana.app versions served under /apis and the preferred one
    # (apps/dashboard/kinds/manifest.cue; v1beta1 in 12.x, v1 from 13.0). Empty: no /apis.
    # 11.x serves v0alpha1 groups behind feature toggles; the emulator serves none there, so a
    # client falls back to /api (guess for 11.x).
    dashboard_versions: tuple[str, ...]
    dashboard_preferred: str
    # folder.grafana.app (apps/folder: v1beta1 in 12.x, v1 in 13.x).
    folder_versions: tuple[str, ...]
    folder_preferred: str

    # What the legacy GET answers for a dashboard stored as schema v2:
    # "406": 12.x, pkg/api/dashboard.go GetDashboard ("dashboard api version not supported,
    #        use /apis/dashboard.grafana.app/<version>/namespaces/<ns>/dashboards/<uid> instead"),
    #        seen live on 12.1 (esnet/gdg#467);
    # "convert": 13.x handlers have no 406; peers report a lossy v1 conversion
    #        (grafana/mcp-grafana tools/dashboard.go) — the conversion itself is a guess;
    # "": no schema v2 dashboards exist (11.x).
    legacy_get_of_v2: str
    # GET /api/dashboards/uid/:uid?apiVersion=<v> reads through that version first (13.x:
    # grafana PR #120842; pkg/api/dashboard.go GetDashboard, getDashboardHelper).
    legacy_get_api_version_param: bool

    # POST /api/dashboards/db goes through the Kubernetes client (13.1+: grafana PR #122027,
    # re-applied in #125950; pkg/api/dashboard.go postDashboard, saveDashboardViaK8s):
    # stale or missing version without overwrite → 409 "Dashboard already exists. Use
    # overwrite flag to update."; a v2-looking body or an empty title → 400; a dashboard whose
    # manager does not allow edits → 400 "Cannot save provisioned dashboard"; folderId
    # ignored; annotations reset to folder and message.
    legacy_save_via_k8s: bool

    # The dashboardNewLayouts toggle is on: a dashboard a person saves in the UI is stored as
    # schema v2 (featureToggles of @grafana/data 13.x). emu.ui_save_v2() also works on 12.x,
    # where the toggle can be switched on.
    ui_saves_v2: bool
    # The apiVersion a UI save stores schema v2 dashboards as: v2beta1 in 12.x (the 406 seen by
    # grafana/mcp-grafana names v2beta1), v2 in 13.x (guess).
    ui_v2_version: str

    # The schemaVersion a save or read through dashboard.grafana.app v1/v1beta1 migrates a
    # classic spec to (apps/dashboard/pkg/migration/schemaversion/migrations.go LATEST_VERSION
    # = 42; the apistore mutate hook and the v0→v1 conversion run it). 42 for 12.4 is a guess.
    schema_version: int

    # How the folder depth limit (the emulator's max_folder_depth, 4 by default) counts:
    # 11.x/12.x validateParent lets a folder sit 5 deep (the parent's ancestors must be fewer
    # than folder.MaxNestedFolderDepth = 4); 13.x's [folder] max_nested_folder_depth (default
    # 4) counts the new folder's own level, so a folder sits at most 4 deep.
    folder_depth_counts_new_level: bool

    # Alert rules carry keep_firing_for (always, "0s" when unset) and
    # missingSeriesEvalsToResolve (omitempty): definitions.ProvisionedAlertRule in
    # pkg/services/ngalert/api/tooling/definitions/provisioning_alert_rules.go. From which
    # release exactly is a guess (12.4 on).
    rule_keep_firing_for: bool
    # A rule PUT whose provenance differs from the stored one answers 409
    # alerting.provenanceMismatch "cannot update with provided provenance '…', needs '…'"
    # (pkg/services/ngalert/provisioning/alert_rules.go errProvenanceMismatch; reported live on
    # 12.4.5) instead of 11.x's 500 "cannot change provenance from …".
    rule_provenance_conflict_409: bool

    @property
    def stale_dashboard_status(self) -> int:
        return 409 if self.legacy_save_via_k8s else 412

    @property
    def serves_apis(self) -> bool:
        return bool(self.dashboard_versions)


def parse_version(version: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", version)
    if match is None:
        raise ValueError(f"not a Grafana version: {version!r} (want e.g. '13.2.3')")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def family_of(version: str) -> str:
    major, minor, _ = parse_version(version)
    if major == 11:
        return "11.6" if minor >= 6 else "11.3"
    if major == 12:
        return "12.4"
    if major == 13:
        return "13.2" if minor >= 1 else "13.0"
    raise ValueError(f"the emulator imitates Grafana 11.x to 13.x, not {version}")


def behaviour_for(version: str = DEFAULT_VERSION) -> Behaviour:
    family = family_of(version)
    unified = family in ("12.4", "13.0", "13.2")
    thirteen = family in ("13.0", "13.2")
    dashboards: tuple[str, ...]
    folders: tuple[str, ...]
    if thirteen:
        dashboards = ("v0alpha1", "v1beta1", "v1", "v2alpha1", "v2beta1", "v2")
        folders = ("v1beta1", "v1")
    elif unified:
        dashboards = ("v0alpha1", "v1beta1", "v2alpha1", "v2beta1")
        folders = ("v1beta1",)
    else:
        dashboards = folders = ()
    return Behaviour(
        version=version,
        family=family,
        versions_list_wrapped=family != "11.3",
        unified_storage=unified,
        dashboard_versions=dashboards,
        dashboard_preferred="v1" if thirteen else ("v1beta1" if unified else ""),
        folder_versions=folders,
        folder_preferred="v1" if thirteen else ("v1beta1" if unified else ""),
        legacy_get_of_v2="convert" if thirteen else ("406" if unified else ""),
        legacy_get_api_version_param=thirteen,
        legacy_save_via_k8s=family == "13.2",
        ui_saves_v2=thirteen,
        ui_v2_version="v2" if thirteen else "v2beta1",
        schema_version=42,
        folder_depth_counts_new_level=thirteen,
        rule_keep_firing_for=unified,
        rule_provenance_conflict_409=unified,
    )


def commit_of(behaviour: Behaviour) -> str:
    return _COMMITS[behaviour.family]
