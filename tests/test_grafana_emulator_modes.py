"""The emulator's version modes (11.3, 11.6, 12.4, 13.0, 13.2) over real HTTP: grafana-client for
the legacy /api, plain HTTP for /apis. Each test names the Grafana source (or peer report) the
behaviour follows; the emulator's own comments (behaviour.py) say which parts are guesses."""

from __future__ import annotations

import ast
import io
import json
import pathlib
import time
import tokenize
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

from grafana_emulator import GrafanaEmulator, behaviour_for

ADMIN, EDITOR, VIEWER = "glsa_admin", "glsa_editor", "glsa_viewer"
ALL = ["11.3.0", "11.6.2", "12.4.1", "13.0.1", "13.2.3"]
LEGACY_ONLY = ["11.3.0", "11.6.2"]
UNIFIED = ["12.4.1", "13.0.1", "13.2.3"]
THIRTEEN = ["13.0.1", "13.2.3"]
DASHBOARDS = "/apis/dashboard.grafana.app"
FOLDERS = "/apis/folder.grafana.app"

_running: dict[str, GrafanaEmulator] = {}


@pytest.fixture(scope="module", autouse=True)
def _stop_emulators():
    yield
    for emulator in _running.values():
        emulator.stop()
    _running.clear()


def start(version: str) -> GrafanaEmulator:
    """One running emulator per version for the module, emptied for each test."""
    emulator = _running.get(version)
    if emulator is None:
        emulator = GrafanaEmulator(version=version,
                                   tokens={ADMIN: "Admin", EDITOR: "Editor", VIEWER: "Viewer"})
        _running[version] = emulator.start()
    emulator.reset()
    return emulator


@pytest.fixture
def emu(request):
    emulator = start(request.param)
    yield emulator
    assert emulator.server_errors == []


def modes(*versions: str):
    return pytest.mark.parametrize("emu", versions, indirect=True)


def client(emu: GrafanaEmulator, token: str = ADMIN) -> GrafanaApi:
    return GrafanaApi(auth=token, host=emu.host, port=emu.port, protocol="http")


@dataclass
class Reply:
    status: int
    body: Any


def call(emu: GrafanaEmulator, method: str, path: str, body: Any = None,
         token: str | None = ADMIN) -> Reply:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emu.url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            raw = response.read()
            return Reply(response.status, json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        return Reply(error.code, json.loads(raw) if raw else None)


def dashboards(emu: GrafanaEmulator, name: str = "", version: str = "") -> str:
    version = version or emu.behaviour.dashboard_preferred
    return f"{DASHBOARDS}/{version}/namespaces/default/dashboards" + (f"/{name}" if name else "")


def folders(emu: GrafanaEmulator, name: str = "", version: str = "") -> str:
    version = version or emu.behaviour.folder_preferred
    return f"{FOLDERS}/{version}/namespaces/default/folders" + (f"/{name}" if name else "")


def save(emu: GrafanaEmulator, dashboard: dict[str, Any], token: str = ADMIN, **command: Any
         ) -> dict[str, Any]:
    return client(emu, token).dashboard.update_dashboard({"dashboard": dashboard, **command})


def legacy_error(emu: GrafanaEmulator, dashboard: dict[str, Any], **command: Any) -> Reply:
    return call(emu, "POST", "/api/dashboards/db", {"dashboard": dashboard, **command})


def k8s_dashboard(name: str, spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, **metadata}, "spec": spec}


CLASSIC = {
    "title": "Service", "schemaVersion": 39, "refresh": False, "tags": ["b", "a"],
    "timepicker": {"refresh_intervals": ["5s", "1m"], "time_options": ["5m", "1h"]},
    "panels": [
        {"id": 1, "type": "timeseries", "title": "Requests",
         "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
         "datasource": {"type": "prometheus", "uid": "prom"},
         "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m])",
                      "datasource": {"type": "prometheus", "uid": "prom"}}],
         "fieldConfig": {"defaults": {}, "overrides": [
             {"matcher": {"id": "byName", "options": "x"},
              "properties": [{"id": "custom.hideFrom",
                              "value": {"viz": True, "legend": False}}]}]}},
        {"id": 2, "type": "row", "title": "Details", "collapsed": False,
         "gridPos": {"x": 0, "y": 8, "w": 24, "h": 1}, "panels": []},
        {"id": 3, "type": "stat", "title": "Errors", "gridPos": {"x": 0, "y": 9, "w": 6, "h": 4},
         "targets": [{"refId": "A", "expr": "sum(errors)"}]},
    ],
}


def classic(uid: str = "svc", **fields: Any) -> dict[str, Any]:
    return json.loads(json.dumps({**CLASSIC, "uid": uid, **fields}))


# --- versions: health, frontend settings, families -------------------------------

@modes(*ALL)
def test_health_and_frontend_settings_report_the_version_and_the_namespace(emu):
    # pkg/api/health.go answers the build version; FrontendSettingsDTO carries buildInfo.version
    # and namespace ("default" for org 1, pkg/services/apiserver/endpoints/request)
    assert call(emu, "GET", "/api/health", token=None).body["version"] == emu.version
    settings = call(emu, "GET", "/api/frontend/settings").body
    assert settings["buildInfo"]["version"] == emu.version
    assert settings["namespace"] == "default"
    assert client(emu).version == emu.version


def test_a_version_selects_its_family_and_unknown_majors_are_refused():
    # families of behaviour.py: 11.0-11.5, 11.6+, 12.x, 13.0, 13.1+ (13.1 took the k8s legacy
    # save, grafana PR #122027 / #125950)
    assert [behaviour_for(v).family for v in ("11.3.0", "11.5.9", "11.6.0", "12.0.0", "12.4.1",
                                              "13.0.1", "13.1.0", "13.2.3")] == [
        "11.3", "11.3", "11.6", "12.4", "12.4", "13.0", "13.2", "13.2"]
    with pytest.raises(ValueError):
        GrafanaEmulator(version="10.4.0")
    with pytest.raises(ValueError):
        GrafanaEmulator(version="13")


# --- discovery ---------------------------------------------------------------------

@modes(*LEGACY_ONLY)
def test_11x_serves_no_apis_so_clients_use_the_legacy_api(emu):
    # behaviour.py: 11.x serves only v0alpha1 groups behind toggles; the emulator none (guess)
    assert call(emu, "GET", "/apis").status == 404
    assert call(emu, "GET", f"{DASHBOARDS}/v1/namespaces/default/dashboards").status == 404


@modes("12.4.1")
def test_12_4_discovery_offers_v1beta1_dashboards_and_folders(emu):
    # apps/dashboard/kinds/manifest.cue: v1beta1 is 12.x's classic version; folder v1beta1
    groups = {g["name"]: g for g in call(emu, "GET", "/apis").body["groups"]}
    assert groups[DASHBOARDS[6:]]["preferredVersion"]["version"] == "v1beta1"
    assert {v["version"] for v in groups[DASHBOARDS[6:]]["versions"]} == {
        "v0alpha1", "v1beta1", "v2alpha1", "v2beta1"}
    assert groups[FOLDERS[6:]]["preferredVersion"]["version"] == "v1beta1"
    group = call(emu, "GET", DASHBOARDS).body
    assert (group["kind"], group["preferredVersion"]["groupVersion"]) == (
        "APIGroup", "dashboard.grafana.app/v1beta1")
    resources = call(emu, "GET", f"{DASHBOARDS}/v1beta1").body
    assert resources["resources"][0]["name"] == "dashboards"
    missing = call(emu, "GET", f"{DASHBOARDS}/v1/namespaces/default/dashboards")
    assert (missing.status, missing.body["kind"], missing.body["reason"]) == (
        404, "Status", "NotFound")


@modes(*THIRTEEN)
def test_13_discovery_offers_v1_and_v2_dashboards_and_v1_folders(emu):
    # 13.x: dashboard.grafana.app v1 (classic) and v2 (dynamic), folder.grafana.app v1
    # (manifest.cue preferredVersion "v1"; grafana-12-13 reference, "The /apis endpoints")
    group = call(emu, "GET", DASHBOARDS).body
    versions = {v["version"] for v in group["versions"]}
    assert group["preferredVersion"]["version"] == "v1" and {"v1", "v2", "v1beta1"} <= versions
    assert call(emu, "GET", FOLDERS).body["preferredVersion"]["version"] == "v1"


# --- the versions list ----------------------------------------------------------------

@modes(*LEGACY_ONLY)
def test_versions_list_is_an_array_on_11_3_and_an_object_from_11_6(emu):
    # grafana#104556 (11.6): GetDashboardVersions answers DashboardVersionResponseMeta
    save(emu, {"uid": "d", "title": "D"})
    save(emu, {"uid": "d", "title": "D", "version": 1})
    listed = call(emu, "GET", "/api/dashboards/uid/d/versions").body
    if emu.behaviour.family == "11.3":
        assert [v["version"] for v in listed] == [2, 1]  # every SQL save is a version
    else:
        assert listed["continueToken"] == ""
        assert [v["version"] for v in listed["versions"]] == [2, 1]


@modes(*UNIFIED)
def test_12plus_version_is_the_generation_and_identical_content_makes_no_version(emu):
    # pkg/storage/unified/apistore/prepare.go prepareObjectForUpdate: generation + 1 only when
    # the spec or the folder changed; the legacy "version" is the generation
    first = save(emu, {"uid": "d", "title": "D", "panels": []}, message="deploy")
    again = save(emu, {"uid": "d", "title": "D", "panels": [], "version": 1}, message="deploy")
    assert (first["version"], again["version"]) == (1, 1)
    assert len(call(emu, "GET", "/api/dashboards/uid/d/versions").body["versions"]) == 1
    changed = save(emu, {"uid": "d", "title": "D2", "panels": [], "version": 1}, message="deploy")
    assert changed["version"] == 2
    folder = client(emu).folder.create_folder("F", uid="f")
    moved = save(emu, {"uid": "d", "title": "D2", "panels": [], "version": 2},
                 folderUid=folder["uid"], message="deploy")
    assert moved["version"] == 3  # a folder change is a change


@modes(*UNIFIED)
def test_12plus_versions_list_reads_resource_history(emu):
    # dashverimpl listHistoryThroughK8s / UnstructuredToLegacyDashboardVersion: id =
    # resourceVersion, parentVersion = version - 1, message = grafana.app/message (then the
    # handler's rewrites), `start` ignored, limit + continueToken page it
    for n, title in enumerate(["A", "B", "C"]):
        save(emu, {"uid": "d", "title": title, "version": n}, message=f"m{n}")
    body = call(emu, "GET", "/api/dashboards/uid/d/versions?start=2").body
    listed = body["versions"]
    assert [v["version"] for v in listed] == [3, 2, 1]
    assert [v["parentVersion"] for v in listed] == [2, 1, 0]
    assert [v["message"] for v in listed] == ["m2", "m1", "Initial save"]
    assert listed[0]["id"] > 10**12  # a resourceVersion, not a row number
    assert listed[0]["data"]["title"] == "C" and "id" not in listed[0]["data"]
    page = call(emu, "GET", "/api/dashboards/uid/d/versions?limit=2").body
    assert len(page["versions"]) == 2 and page["continueToken"]
    rest = call(emu, "GET", f"/api/dashboards/uid/d/versions?limit=2&continueToken="
                            f"{page['continueToken']}").body
    assert [v["version"] for v in rest["versions"]] == [1] and rest["continueToken"] == ""


@modes(*UNIFIED)
def test_12plus_single_version_is_read_by_resource_version_not_by_generation(emu):
    # GetDashboardVersion → dashverimpl getHistoryThroughK8s(rv = :id); resource_history_read.sql
    # takes the newest entry at or before it, so version numbers are no ids (500 "not found")
    save(emu, {"uid": "d", "title": "A"}, message="first")
    save(emu, {"uid": "d", "title": "B", "version": 1}, message="second")
    first = call(emu, "GET", "/api/dashboards/uid/d/versions").body["versions"][-1]
    by_id = call(emu, "GET", f"/api/dashboards/uid/d/versions/{first['id']}")
    assert (by_id.status, by_id.body["message"], by_id.body["version"]) == (200, "first", 1)
    by_number = call(emu, "GET", "/api/dashboards/uid/d/versions/1")
    assert by_number.status == 500
    assert by_number.body["message"].startswith("Dashboard version 1 not found for dashboardId")
    restored = call(emu, "POST", "/api/dashboards/uid/d/restore", {"version": first["id"]})
    assert restored.status == 200 and restored.body["version"] == 3
    newest = call(emu, "GET", "/api/dashboards/uid/d/versions").body["versions"][0]
    assert (newest["message"], newest["restoredFrom"]) == ("Restored from version 1", 1)


# --- the legacy save's conflict status ----------------------------------------------------

@modes("11.3.0", "11.6.2", "12.4.1", "13.0.1")
def test_stale_legacy_save_answers_412_up_to_13_0(emu):
    # ValidateDashboardBeforeSave → ErrDashboardVersionMismatch (412) until 13.0.x
    save(emu, {"uid": "d", "title": "D"})
    stale = legacy_error(emu, {"uid": "d", "title": "D2", "version": 0})
    assert (stale.status, stale.body["status"]) == (412, "version-mismatch")
    assert emu.behaviour.stale_dashboard_status == 412


@modes("13.2.3")
def test_13_2_stale_or_missing_version_answers_409(emu):
    # pkg/api/dashboard.go saveDashboardViaK8s (13.1+, grafana PR #122027 / #125950)
    save(emu, {"uid": "d", "title": "D"})
    for body in ({"uid": "d", "title": "D2", "version": 7}, {"uid": "d", "title": "D2"}):
        reply = legacy_error(emu, body)
        assert reply.status == 409
        assert reply.body == {"message": "Dashboard already exists. Use overwrite flag to update."}
    assert save(emu, {"uid": "d", "title": "D3"}, overwrite=True)["version"] == 2
    assert save(emu, {"uid": "d", "title": "D4", "version": 2})["version"] == 3


@modes("13.2.3")
def test_13_2_refuses_v2_bodies_and_title_less_dashboards(emu):
    # postDashboard: LooksLikeV2Spec → 400; saveDashboardViaK8s: empty spec.title → 400; the
    # title is not trimmed any more; nestedSpecVersion: a non-integer version → 400
    v2 = legacy_error(emu, {"uid": "v", "title": "V", "elements": {},
                            "layout": {"kind": "GridLayout"}})
    assert v2.status == 400 and "'apiVersion'" in v2.body["message"]
    untitled = legacy_error(emu, {"uid": "u"})
    assert untitled.body == {"message": "Dashboard spec is missing required title property"}
    assert save(emu, {"uid": "t", "title": "  spaced  "})["slug"] == "spaced"
    assert emu.dashboard("t")["title"] == "  spaced  "
    assert legacy_error(emu, {"uid": "t", "title": "x", "version": 1.5}).status == 400


@modes(*ALL)
def test_a_concurrent_ui_edit_makes_the_next_save_stale_in_every_mode(emu):
    # the fault's UI save: on 11.x any save is a version, from 12.x it changes the content
    # (generation); the stale save then answers the mode's conflict status (412, 409 on 13.1+)
    save(emu, {"uid": "d", "title": "D"})
    emu.faults.add(method="POST", path_regex=r"/api/dashboards/db", concurrent_edit=True)
    stale = legacy_error(emu, {"uid": "d", "title": "Mine", "version": 1})
    assert stale.status == emu.behaviour.stale_dashboard_status
    assert client(emu).dashboard.get_dashboard("d")["meta"]["version"] == 2


@modes(*UNIFIED)
def test_12plus_ui_edit_keeps_labels_and_annotations_and_writes_its_message(emu):
    # the UI saves through the dashboard API without resourceVersion, keeping the object's
    # metadata; its message becomes grafana.app/message (dropping an older one is a guess)
    emu.add_dashboard({"uid": "d", "title": "D"}, labels={"team": "a"}, message="dashsmith")
    emu.ui_edit("d", {"title": "Edited"}, user="alice", message="tweak")
    meta = call(emu, "GET", dashboards(emu, "d")).body["metadata"]
    assert meta["labels"]["team"] == "a" and meta["generation"] == 2
    assert meta["annotations"]["grafana.app/message"] == "tweak"
    assert meta["annotations"]["grafana.app/updatedBy"] == "user:alice"
    emu.ui_edit("d", {"title": "Edited"}, user="alice")
    assert "grafana.app/message" not in call(emu, "GET", dashboards(emu, "d")).body[
        "metadata"]["annotations"]


# --- one store behind /api and /apis ---------------------------------------------------------

@modes(*UNIFIED)
def test_a_legacy_save_is_an_object_of_the_apis_and_an_apis_create_a_legacy_dashboard(emu):
    # the legacy command becomes a v0alpha1 object (LegacySaveCommandToUnstructured): spec
    # without id/uid/version (mutate hook), grafana.app/folder and grafana.app/message
    folder = client(emu).folder.create_folder("Team", uid="team")
    save(emu, {"uid": "legacy", "title": "Legacy"}, folderUid=folder["uid"], message="from api")
    obj = call(emu, "GET", dashboards(emu, "legacy")).body
    assert obj["metadata"]["annotations"]["grafana.app/folder"] == "team"
    assert obj["metadata"]["annotations"]["grafana.app/message"] == "from api"
    assert obj["metadata"]["generation"] == 1 and obj["metadata"]["resourceVersion"].isdigit()
    assert not {"id", "uid", "version"} & set(obj["spec"])
    created = call(emu, "POST", dashboards(emu), k8s_dashboard(
        "viaapis", {"title": "Via apis", "schemaVersion": 39},
        annotations={"grafana.app/folder": "team"}, labels={"app": "dashsmith"}))
    assert created.status == 201 and created.body["metadata"]["name"] == "viaapis"
    legacy = client(emu).dashboard.get_dashboard("viaapis")
    assert legacy["meta"]["folderUid"] == "team" and legacy["dashboard"]["uid"] == "viaapis"
    assert legacy["meta"]["apiVersion"] == emu.behaviour.dashboard_preferred
    assert legacy["dashboard"]["schemaVersion"] == 42  # a v1 write migrates (mutate hook)
    hits = client(emu).search.search_dashboards(query="Via")
    assert [h["uid"] for h in hits] == ["viaapis"]


@modes(*UNIFIED)
def test_reads_through_v1_migrate_to_schema_42_and_legacy_saves_stay_unmigrated(emu):
    # apps/dashboard/pkg/migration/schemaversion V40 (refresh a string), V41 (no
    # timepicker.time_options), V42 (hideFrom.tooltip where viz); legacy saves are v0alpha1
    save(emu, classic())
    spec = call(emu, "GET", dashboards(emu, "svc")).body["spec"]
    assert (spec["schemaVersion"], spec["refresh"]) == (42, "")
    assert "time_options" not in spec["timepicker"]
    hide_from = spec["panels"][0]["fieldConfig"]["overrides"][0]["properties"][0]["value"]
    assert hide_from == {"viz": True, "legend": False, "tooltip": True}
    raw = call(emu, "GET", dashboards(emu, "svc", "v0alpha1")).body["spec"]
    assert (raw["schemaVersion"], raw["refresh"]) == (39, False)
    legacy = client(emu).dashboard.get_dashboard("svc")["dashboard"]
    assert legacy["timepicker"]["time_options"] == ["5m", "1h"]
    assert client(emu).dashboard.get_dashboard("svc")["meta"]["apiVersion"] == "v0alpha1"


@modes(*UNIFIED)
def test_apis_create_of_a_taken_name_is_409_already_exists(emu):
    # apierrors.NewAlreadyExists as a metav1.Status
    body = k8s_dashboard("dup", {"title": "Dup"})
    assert call(emu, "POST", dashboards(emu), body).status == 201
    taken = call(emu, "POST", dashboards(emu), body)
    assert taken.status == 409
    assert (taken.body["kind"], taken.body["reason"], taken.body["details"]["name"]) == (
        "Status", "AlreadyExists", "dup")


@modes(*UNIFIED)
def test_apis_put_checks_resource_version_only_when_sent(emu):
    # optimistic concurrency on metadata.resourceVersion (stale → 409 Conflict); without it
    # the update is unconditional, as the UI saves
    created = call(emu, "POST", dashboards(emu), k8s_dashboard("d", {"title": "One"})).body
    rv = created["metadata"]["resourceVersion"]
    ok = call(emu, "PUT", dashboards(emu, "d"),
              k8s_dashboard("d", {"title": "Two"}, resourceVersion=rv))
    assert ok.status == 200 and ok.body["metadata"]["generation"] == 2
    stale = call(emu, "PUT", dashboards(emu, "d"),
                 k8s_dashboard("d", {"title": "Three"}, resourceVersion=rv))
    assert (stale.status, stale.body["reason"]) == (409, "Conflict")
    blind = call(emu, "PUT", dashboards(emu, "d"), k8s_dashboard("d", {"title": "Four"}))
    assert blind.status == 200 and blind.body["spec"]["title"] == "Four"
    wrong = call(emu, "PUT", dashboards(emu, "d"), k8s_dashboard("other", {"title": "x"}))
    assert wrong.status == 400
    missing = call(emu, "PUT", dashboards(emu, "nope"), k8s_dashboard("nope", {"title": "x"}))
    assert missing.status == 404


@modes(*UNIFIED)
def test_generation_rises_on_spec_or_folder_changes_only(emu):
    # prepareObjectForUpdate: a label change is a new resourceVersion with the same generation
    call(emu, "POST", folders(emu), {"metadata": {"name": "f"}, "spec": {"title": "F"}})
    created = call(emu, "POST", dashboards(emu), k8s_dashboard("g", {"title": "G"})).body
    relabelled = call(emu, "PUT", dashboards(emu, "g"),
                      k8s_dashboard("g", created["spec"], labels={"team": "a"})).body
    assert relabelled["metadata"]["generation"] == 1
    assert relabelled["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    assert "grafana.app/updatedBy" not in relabelled["metadata"]["annotations"]
    moved = call(emu, "PUT", dashboards(emu, "g"), k8s_dashboard(
        "g", created["spec"], labels={"team": "a"}, annotations={"grafana.app/folder": "f"})).body
    assert moved["metadata"]["generation"] == 2
    updated_by = moved["metadata"]["annotations"]["grafana.app/updatedBy"]
    assert updated_by == "service-account:sa-1-token-1"
    assert "grafana.app/updatedTimestamp" in moved["metadata"]["annotations"]
    same = call(emu, "PUT", dashboards(emu, "g"), k8s_dashboard(
        "g", created["spec"], labels={"team": "a"}, annotations={"grafana.app/folder": "f"})).body
    assert same["metadata"]["resourceVersion"] == moved["metadata"]["resourceVersion"]  # no-op


@modes(*UNIFIED)
def test_list_answers_pages_of_50_with_continue_limit_and_label_selectors(emu):
    # pkg/storage/unified/resource/server.go List: no limit → 50 per page and metadata.continue
    for n in range(53):
        labels = {"app.kubernetes.io/managed-by": "dashsmith"} if n % 2 else {}
        call(emu, "POST", dashboards(emu), k8s_dashboard(f"d{n:02}", {"title": f"D{n}"},
                                                          labels=labels))
    first = call(emu, "GET", dashboards(emu)).body
    assert (first["kind"], len(first["items"])) == ("DashboardList", 50)
    assert [i["metadata"]["name"] for i in first["items"]][:2] == ["d00", "d01"]
    rest = call(emu, "GET", dashboards(emu) + f"?continue={first['metadata']['continue']}").body
    assert len(rest["items"]) == 3 and "continue" not in rest["metadata"]
    assert len(call(emu, "GET", dashboards(emu) + "?limit=7").body["items"]) == 7
    selector = "?labelSelector=app.kubernetes.io/managed-by%3Ddashsmith"
    owned = call(emu, "GET", dashboards(emu) + selector).body
    assert len(owned["items"]) == 26
    others = call(emu, "GET", dashboards(emu) + "?labelSelector=!app.kubernetes.io/managed-by").body
    assert len(others["items"]) == 27


@modes(*UNIFIED)
def test_delete_answers_a_success_status_and_viewers_may_read_only(emu):
    call(emu, "POST", dashboards(emu), k8s_dashboard("d", {"title": "D"}))
    denied = call(emu, "DELETE", dashboards(emu, "d"), token=VIEWER)
    assert (denied.status, denied.body["reason"]) == (403, "Forbidden")
    assert call(emu, "GET", dashboards(emu, "d"), token=VIEWER).status == 200
    gone = call(emu, "DELETE", dashboards(emu, "d"))
    assert (gone.status, gone.body["status"]) == (200, "Success")
    assert call(emu, "GET", dashboards(emu, "d")).body["reason"] == "NotFound"
    assert client(emu).search.search_dashboards() == []


@modes(*UNIFIED)
def test_a_message_annotation_survives_another_writer_that_keeps_annotations(emu):
    # grafana-12-13 reference ("An annotation written by one tool survives a later
    # GET-modify-PUT by another"); the versions list reads the annotation (dashver.go)
    save(emu, {"uid": "d", "title": "D"}, message="dashsmith deploy")
    emu.k8s_edit("d", {"title": "Edited by kubectl"})
    obj = call(emu, "GET", dashboards(emu, "d")).body
    assert obj["spec"]["title"] == "Edited by kubectl" and obj["metadata"]["generation"] == 2
    assert obj["metadata"]["annotations"]["grafana.app/message"] == "dashsmith deploy"
    newest = call(emu, "GET", "/api/dashboards/uid/d/versions").body["versions"][0]
    assert (newest["version"], newest["message"], newest["createdBy"]) == (
        2, "dashsmith deploy", "kubectl-user")
    # the same through plain HTTP: GET, change the spec, PUT back with the metadata kept
    obj["spec"]["title"] = "Edited by a script"
    put = call(emu, "PUT", dashboards(emu, "d"), obj, token=EDITOR).body
    assert put["metadata"]["annotations"]["grafana.app/message"] == "dashsmith deploy"
    history = call(emu, "GET", dashboards(emu) + "?labelSelector=grafana.app/get-history%3Dd").body
    assert [i["metadata"]["generation"] for i in history["items"]] == [3, 2, 1]


@modes(*UNIFIED)
def test_folders_are_shared_between_the_legacy_api_and_the_folder_api(emu):
    created = call(emu, "POST", folders(emu), {"metadata": {"name": "parent"},
                                               "spec": {"title": "Parent"}})
    assert created.status == 201
    child = call(emu, "POST", folders(emu), {
        "metadata": {"name": "child", "annotations": {"grafana.app/folder": "parent"}},
        "spec": {"title": "Child"}}).body
    assert child["metadata"]["annotations"]["grafana.app/folder"] == "parent"
    assert client(emu).folder.get_folder("child")["parentUid"] == "parent"
    client(emu).folder.create_folder("Legacy", uid="legacy")
    assert call(emu, "GET", folders(emu, "legacy")).body["spec"] == {"title": "Legacy"}
    taken = call(emu, "POST", folders(emu),
                 {"metadata": {"name": "legacy"}, "spec": {"title": "x"}})
    assert (taken.status, taken.body["reason"]) == (409, "AlreadyExists")


@pytest.mark.parametrize("version, deepest", [("12.4.1", 5), ("13.0.1", 4), ("13.2.3", 4)])
def test_folder_depth_is_four_levels_in_13(version, deepest):
    # 11.x/12.x validateParent: the parent's ancestors < folder.MaxNestedFolderDepth (4), so 5
    # levels; 13.x [folder] max_nested_folder_depth = 4 levels
    emu = start(version)
    parent = ""
    for level in range(1, deepest + 1):
        parent = client(emu).folder.create_folder(f"L{level}", uid=f"l{level}",
                                                  parent_uid=parent or None)["uid"]
    too_deep = call(emu, "POST", "/api/folders",
                    {"title": "Too deep", "uid": "x", "parentUid": parent})
    assert too_deep.status == 400


# --- schema v2 dashboards ----------------------------------------------------------------

@modes("12.4.1")
def test_12_4_legacy_get_of_a_v2_dashboard_answers_406(emu):
    # pkg/api/dashboard.go GetDashboard (12.x): "v2 is not supported in /api"; esnet/gdg#467
    save(emu, classic())
    emu.ui_save_v2("svc")
    reply = call(emu, "GET", "/api/dashboards/uid/svc")
    assert reply.status == 406
    assert reply.body == {"message": "dashboard api version not supported, use /apis/"
                                     "dashboard.grafana.app/v2beta1/namespaces/default/dashboards/"
                                     "svc instead"}
    assert call(emu, "GET", dashboards(emu, "svc", "v2beta1")).body["spec"]["layout"]


@modes(*THIRTEEN)
def test_13_legacy_get_of_a_v2_dashboard_is_a_lossy_v1_with_meta_api_version(emu):
    # 13.x handlers have no 406 (grafana PR #120842); peers report a lossy v1 conversion
    # (grafana/mcp-grafana tools/dashboard.go) — the conversion is the emulator's guess
    save(emu, classic())
    emu.ui_save_v2("svc", tabs=True)
    answer = client(emu).dashboard.get_dashboard("svc")
    assert answer["meta"]["apiVersion"] == "v2"
    panels = answer["dashboard"]["panels"]
    assert [p["title"] for p in panels if p["type"] != "row"] == ["Requests", "Errors"]
    assert panels[0] == {**panels[0], "type": "row", "title": "Overview"}  # the tab, flattened
    assert answer["dashboard"]["version"] == 2


@modes(*THIRTEEN)
def test_ui_save_v2_stores_elements_and_a_layout(emu):
    # apps/dashboard/kinds/v2beta1/dashboard_spec.cue: elements (PanelKind), layout
    # (GridLayout | RowsLayout | TabsLayout | AutoGridLayout), timeSettings, cursorSync
    save(emu, classic(), message="dashsmith")
    spec = emu.ui_save_v2("svc")
    assert set(spec["elements"]) == {"panel-1", "panel-3"}
    assert spec["elements"]["panel-1"]["kind"] == "Panel"
    panel = spec["elements"]["panel-1"]["spec"]
    assert panel["vizConfig"]["group"] == "timeseries"
    assert panel["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["expr"].startswith("rate(")
    assert spec["layout"]["kind"] == "RowsLayout"
    assert spec["timeSettings"]["autoRefresh"] == "" and spec["cursorSync"] == "Off"
    obj = call(emu, "GET", dashboards(emu, "svc", "v2")).body
    assert obj["spec"] == spec and obj["metadata"]["generation"] == 2
    as_v1 = call(emu, "GET", dashboards(emu, "svc", "v1")).body
    assert as_v1["status"]["conversion"] == {"failed": False, "storedVersion": "v2"}
    assert emu.dashboard_api_version("svc") == "v2"
    assert "grafana.app/message" not in obj["metadata"]["annotations"]  # a UI save without one


@modes(*THIRTEEN)
def test_13_legacy_get_takes_an_api_version(emu):
    # grafana PR #120842: ?apiVersion reads through that version first, the default otherwise
    save(emu, classic())
    migrated = call(emu, "GET", "/api/dashboards/uid/svc?apiVersion=v1").body
    assert migrated["dashboard"]["schemaVersion"] == 42 and migrated["meta"]["apiVersion"] == "v1"
    as_v2 = call(emu, "GET", "/api/dashboards/uid/svc?apiVersion=v2").body
    assert "elements" in as_v2["dashboard"] and as_v2["meta"]["apiVersion"] == "v2"
    fallback = call(emu, "GET", "/api/dashboards/uid/svc?apiVersion=v9").body
    assert fallback["dashboard"]["schemaVersion"] == 39


@modes(*LEGACY_ONLY)
def test_11x_has_no_v2_dashboards_managed_objects_or_search_lag(emu):
    save(emu, {"uid": "d", "title": "D"})
    with pytest.raises(ValueError):
        emu.ui_save_v2("d")
    with pytest.raises(ValueError):
        emu.search_lag(1)
    with pytest.raises(ValueError):
        emu.add_dashboard({"uid": "m", "title": "M"}, manager=("terraform", "tf"))


# --- search lag ----------------------------------------------------------------------------

@modes(*UNIFIED)
def test_search_lags_behind_writes_when_asked(emu):
    # dashboard_service.go waitForSearchQuery: "US doesn't offer search-after-write guarantees"
    save(emu, {"uid": "old", "title": "Old"})
    emu.search_lag(0.3)
    save(emu, {"uid": "new", "title": "New"})
    save(emu, {"uid": "old", "title": "Renamed", "version": 1})
    hits = client(emu).search.search_dashboards()
    assert [(h["uid"], h["title"]) for h in hits] == [("old", "Old")]
    assert client(emu).dashboard.get_dashboard("new")["dashboard"]["title"] == "New"
    time.sleep(0.35)
    assert [h["title"] for h in client(emu).search.search_dashboards()] == ["New", "Renamed"]
    client(emu).dashboard.delete_dashboard("new")
    assert [h["uid"] for h in client(emu).search.search_dashboards()] == ["new", "old"]
    emu.settle_search()
    assert [h["uid"] for h in client(emu).search.search_dashboards()] == ["old"]


# --- managed objects ------------------------------------------------------------------------

@modes("13.2.3")
def test_13_2_legacy_save_of_a_managed_dashboard_is_400_unless_edits_are_allowed(emu):
    # saveDashboardViaK8s: GetManagerProperties() managed and !AllowsEdits → 400
    # "Cannot save provisioned dashboard"; with edits allowed the reset annotations drop it
    emu.add_dashboard({"uid": "tf", "title": "TF"}, manager=("terraform", "tf-id"))
    refused = legacy_error(emu, {"uid": "tf", "title": "Mine"}, overwrite=True)
    assert refused.status == 400
    assert refused.body == {"message": "Cannot save provisioned dashboard"}
    emu.add_dashboard({"uid": "ok", "title": "OK"}, manager=("terraform", "tf-id"),
                      allows_edits=True)
    assert save(emu, {"uid": "ok", "title": "Mine"}, overwrite=True)["version"] == 2
    assert "grafana.app/managedBy" not in call(emu, "GET", dashboards(emu, "ok")).body[
        "metadata"]["annotations"]


@modes("12.4.1", "13.0.1")
def test_before_13_1_a_legacy_save_replaces_a_managed_dashboard_and_its_manager(emu):
    # dashboard_service.go saveDashboardThroughK8s: LegacySaveCommandToUnstructured is a fresh
    # object (folder + message annotations only); storage lets a terraform manager be removed
    emu.add_dashboard({"uid": "tf", "title": "TF"}, manager=("terraform", "tf-id"))
    assert save(emu, {"uid": "tf", "title": "Mine"}, overwrite=True)["version"] == 2
    meta = call(emu, "GET", dashboards(emu, "tf")).body["metadata"]
    assert "grafana.app/managerId" not in meta["annotations"]


@modes(*UNIFIED)
def test_apis_writes_keep_a_managers_kind_and_identity(emu):
    # pkg/storage/unified/apistore/managed.go: checkManagerPropertiesOnUpdateSpec (kind and
    # identity are immutable: 403); enforceManagerProperties enforces only `repo`
    emu.add_dashboard({"uid": "tf", "title": "TF"}, manager=("terraform", "tf-id"))
    obj = call(emu, "GET", dashboards(emu, "tf")).body
    assert obj["metadata"]["annotations"]["grafana.app/managerAllowsEdits"] == "false"
    obj["spec"]["title"] = "Kept annotations"
    assert call(emu, "PUT", dashboards(emu, "tf"), obj).status == 200  # terraform: a TODO
    claimed = json.loads(json.dumps(obj))
    claimed["metadata"]["annotations"].update({"grafana.app/managedBy": "kubectl",
                                               "grafana.app/managerId": "dashsmith"})
    del claimed["metadata"]["resourceVersion"]
    refused = call(emu, "PUT", dashboards(emu, "tf"), claimed)
    assert (refused.status, refused.body["reason"]) == (403, "Forbidden")
    emu.add_dashboard({"uid": "git", "title": "Git"}, manager=("repo", "my-repo"))
    git = call(emu, "GET", dashboards(emu, "git")).body
    assert call(emu, "PUT", dashboards(emu, "git"), git).status == 403
    assert call(emu, "DELETE", dashboards(emu, "git")).status == 403


# --- alerting -------------------------------------------------------------------------------

def rule(folder: str, **fields: Any) -> dict[str, Any]:
    return {"uid": "r1", "title": "R", "folderUID": folder, "ruleGroup": "g", "condition": "A",
            "data": [{"refId": "A", "relativeTimeRange": {"from": 600, "to": 0},
                      "datasourceUid": "prom", "model": {"expr": "up"}}],
            "noDataState": "NoData", "execErrState": "Error", "for": "1m", **fields}


@modes(*ALL)
def test_rules_carry_keep_firing_for_from_12_4(emu):
    # definitions.ProvisionedAlertRule: keep_firing_for (no omitempty),
    # missingSeriesEvalsToResolve (omitempty)
    folder = client(emu).folder.create_folder("Alerts", uid="alerts")["uid"]
    created = client(emu).alertingprovisioning.create_alertrule(
        rule(folder, keep_firing_for="2m", missingSeriesEvalsToResolve=3))
    if emu.behaviour.rule_keep_firing_for:
        assert (created["keep_firing_for"], created["missingSeriesEvalsToResolve"]) == ("2m", 3)
    else:
        assert "keep_firing_for" not in created and "missingSeriesEvalsToResolve" not in created


@modes("11.3.0", "12.4.1", "13.2.3")
def test_a_rule_provenance_mismatch_is_409_from_12_4(emu):
    # alert_rules.go errProvenanceMismatch (409 alerting.provenanceMismatch); 11.x answered 500
    folder = client(emu).folder.create_folder("Alerts", uid="alerts")["uid"]
    call(emu, "POST", "/api/v1/provisioning/alert-rules", rule(folder))
    request = urllib.request.Request(emu.url + "/api/v1/provisioning/alert-rules/r1",
                                     data=json.dumps(rule(folder)).encode(), method="PUT")
    request.add_header("Authorization", f"Bearer {ADMIN}")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Disable-Provenance", "true")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    body = json.loads(raised.value.read())
    if emu.behaviour.rule_provenance_conflict_409:
        assert raised.value.code == 409 and body["messageId"] == "alerting.provenanceMismatch"
        assert body["message"] == "cannot update with provided provenance '', needs 'api'"
    else:
        assert raised.value.code == 500


@modes(*ALL)
def test_routing_writes_can_meet_a_concurrent_alertmanager_change(emu):
    # provisioning.ErrVersionConflict = errutil.Conflict("alerting.notifications.conflict");
    # terraform-provider-grafana PR #2946 retries these 409s
    api = client(emu).alertingprovisioning
    emu.routing_conflicts(2)
    point = {"name": "pager", "type": "webhook", "settings": {"url": "http://x"}}
    with pytest.raises(GrafanaClientError) as raised:
        api.create_contactpoint(point)
    assert raised.value.status_code == 409
    assert raised.value.response["messageId"] == "alerting.notifications.conflict"
    with pytest.raises(GrafanaClientError):
        api.create_contactpoint(point)
    assert [p["name"] for p in api.get_contactpoints()] == ["grafana-default-email"]
    created = api.create_contactpoint(point)
    assert created["name"] == "pager"


# --- the emulator's own text ----------------------------------------------------------------

@modes("11.3.0", "13.2.3")
def test_each_role_lists_its_permissions_grouped_by_action(emu):
    """GET /api/access-control/user/permissions: ac.GroupScopesByAction of the caller's
    permissions, for any signed-in caller (accesscontrol/api/api.go getUserPermissions)."""
    viewer = call(emu, "GET", "/api/access-control/user/permissions", token=VIEWER)
    editor = call(emu, "GET", "/api/access-control/user/permissions", token=EDITOR)
    admin = call(emu, "GET", "/api/access-control/user/permissions", token=ADMIN)
    assert viewer.status == editor.status == admin.status == 200
    assert viewer.body["dashboards:read"] == ["dashboards:*", "folders:*"]
    assert "dashboards:write" not in viewer.body and "folders:create" not in viewer.body
    assert editor.body["folders:create"] == [""]  # unscoped
    assert "alert.provisioning:write" not in editor.body
    assert admin.body["alert.provisioning:write"] == [""]
    assert call(emu, "GET", "/api/access-control/user/permissions", token=None).status == 401


@modes(*UNIFIED)
def test_a_list_can_ask_for_metadata_only(emu):
    """Accept ...;as=PartialObjectMetadataList: the generic API server's metadata-only LIST
    (k8s.io/apiserver handlers/response.go); that Grafana's offers it is a guess."""
    save(emu, {"uid": "a", "title": "A", "panels": []})
    request = urllib.request.Request(emu.url + dashboards(emu), method="GET", headers={
        "Authorization": f"Bearer {ADMIN}",
        "Accept": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
                  "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        listed = json.loads(response.read())
    assert listed["kind"] == "PartialObjectMetadataList"
    (item,) = listed["items"]
    assert item["kind"] == "PartialObjectMetadata" and "spec" not in item
    assert item["metadata"]["name"] == "a" and item["metadata"]["generation"] == 1
    assert call(emu, "GET", dashboards(emu)).body["items"][0]["spec"]["title"] == "A"


def test_no_machine_paths_in_the_emulators_docstrings_or_comments():
    # issue 13 item 8: "no machine path in any docstring"
    root = pathlib.Path(__file__).parent / "grafana_emulator"
    found = []
    for path in sorted(root.glob("*.py")):
        source = path.read_text()
        texts = [node.value for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        texts += [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                  if tok.type == tokenize.COMMENT]
        found += [f"{path.name}: {t[:60]!r}" for t in texts
                  if any(p in t for p in ("/work/", "/home/", "/tmp/", "/Users/"))]
    assert found == []
