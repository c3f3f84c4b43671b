"""Behaviour of the Grafana 11.3 emulator over real HTTP: grafana-client where it can
express the call, raw urllib requests where exact status, headers or bodies matter."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import niquests
import pytest
from grafana_client import GrafanaApi
from grafana_client.client import (
    GrafanaBadInputError,
    GrafanaClientError,
    GrafanaServerError,
    GrafanaTimeoutError,
    GrafanaUnauthorizedError,
)

from grafana_emulator import GrafanaEmulator
from grafana_emulator.fixtures import emulator_fixtures
from grafana_emulator.values import slugify

ADMIN, EDITOR, VIEWER = "glsa_admin", "glsa_editor", "glsa_viewer"
PROMETHEUS = {"uid": "prom", "name": "Prometheus", "type": "prometheus", "url": "http://prometheus:9090",
              "isDefault": True}


# --- fixtures and helpers ----------------------------------------------------------

running, emu = emulator_fixtures(
    tokens={ADMIN: "Admin", EDITOR: "Editor", VIEWER: "Viewer"},
    users={("admin", "secret"): "Admin"}, datasources=[PROMETHEUS],
    expired_tokens=["glsa_expired"], revoked_tokens=["glsa_revoked"])


def client(emu, auth: Any = ADMIN, timeout: float = 5.0) -> GrafanaApi:
    return GrafanaApi(auth=auth, host=emu.host, port=emu.port, protocol="http", timeout=timeout)


@pytest.fixture
def api(emu):
    return client(emu)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw)


def call(emu, method: str, path: str, body: Any = None, *, token: str | None = ADMIN,
         headers: dict[str, str] | None = None) -> Reply:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emu.url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def save(api, dashboard: dict[str, Any], **command: Any) -> dict[str, Any]:
    return api.dashboard.update_dashboard({"dashboard": dashboard, **command})


def alert_rule(uid: str = "r1", folder: str = "alerts", group: str = "cpu",
               **fields: Any) -> dict[str, Any]:
    rule = {
        "uid": uid, "title": f"Rule {uid}", "folderUID": folder, "ruleGroup": group,
        "condition": "A",
        "data": [{"refId": "A", "relativeTimeRange": {"from": 600, "to": 0},
                  "datasourceUid": "prom", "model": {"expr": "up == 0", "refId": "A"}}],
        "noDataState": "NoData", "execErrState": "Error", "for": "300s",
        "labels": {"severity": "page"}, "annotations": {"summary": "target down"},
    }
    rule.update(fields)
    return rule


RULES = "/api/v1/provisioning/alert-rules"


def group_path(folder: str, group: str) -> str:
    return f"/api/v1/provisioning/folder/{folder}/rule-groups/{group}"


# --- health, version, authentication ---------------------------------------------------

def test_health_needs_no_credentials_and_reports_11_3(emu):
    reply = call(emu, "GET", "/api/health", token=None)
    assert reply.status == 200
    assert reply.json()["database"] == "ok"
    assert reply.json()["version"] == "11.3.0"


def test_health_answers_503_when_the_database_fails(emu):
    emu.set_database_ok(False)
    reply = call(emu, "GET", "/api/health", token=None)
    assert (reply.status, reply.json()["database"]) == (503, "failing")


def test_grafana_client_connects_and_reads_the_version(api):
    assert api.connect()["version"] == "11.3.0"
    assert api.version == "11.3.0"
    assert api.user.get_actual_user()["orgId"] == 1
    assert api.organization.get_current_organization()["name"] == "Main Org."


def test_no_credentials_is_401_unauthorized(emu):
    reply = call(emu, "GET", "/api/search", token=None)
    assert (reply.status, reply.json()) == (401, {"message": "Unauthorized"})


def test_bad_token_is_401_api_key_invalid(emu):
    reply = call(emu, "GET", "/api/search", token="glsa_nope")
    assert reply.status == 401
    assert reply.json() == {"message": "Invalid API key", "messageId": "api-key.invalid",
                            "statusCode": 401, "extra": None, "traceID": ""}
    with pytest.raises(GrafanaUnauthorizedError):
        client(emu, "glsa_nope").search.search_dashboards()


@pytest.mark.parametrize(("token", "message_id"), [("glsa_expired", "api-key.expired"),
                                                   ("glsa_revoked", "api-key.revoked")])
def test_expired_and_revoked_tokens_have_their_own_message_ids(emu, token, message_id):
    reply = call(emu, "GET", "/api/search", token=token)
    assert (reply.status, reply.json()["messageId"]) == (401, message_id)


def test_basic_auth_accepts_the_configured_user_only(emu):
    assert client(emu, ("admin", "secret")).user.get_actual_user()["login"] == "admin"
    with pytest.raises(GrafanaUnauthorizedError) as raised:
        client(emu, ("admin", "wrong")).search.search_dashboards()
    assert raised.value.response["messageId"] == "password-auth.failed"
    assert raised.value.response["message"] == "Invalid username or password"


def test_viewer_reads_but_writing_is_403_rbac(emu):
    emu.add_dashboard({"uid": "seen", "title": "Seen"})
    viewer = client(emu, VIEWER)
    assert viewer.dashboard.get_dashboard("seen")["meta"]["canSave"] is False
    reply = call(emu, "POST", "/api/dashboards/db", {"dashboard": {"title": "x"}}, token=VIEWER)
    assert reply.status == 403
    body = reply.json()
    assert body["title"] == "Access denied"
    # pkg/api/api.go: POST /db is authorize(ac.EvalAny(dashboards:create, dashboards:write));
    # accesscontrol/evaluator.go anyEvaluator.String joins them as "any of a, b"
    assert body["message"].endswith(
        "Permissions needed: any of dashboards:create, dashboards:write")
    assert body["accessErrorId"].startswith("ACE")
    assert emu.dashboard("seen")["version"] == 1


def test_editor_cannot_use_the_alerting_provisioning_api(emu):
    reply = call(emu, "GET", RULES, token=EDITOR)
    assert reply.status == 403
    assert "alert.provisioning:read" in reply.json()["message"]


def test_unknown_route_is_404_not_found(emu):
    reply = call(emu, "GET", "/api/nothing/here")
    assert (reply.status, reply.json()) == (404, {"message": "Not found"})


def test_2xx_answers_are_json_and_204_is_empty(emu):
    call(emu, "POST", "/api/folders", {"uid": "alerts", "title": "Alerts"})
    for method, path, body in [("GET", "/api/health", None), ("GET", "/api/search", None),
                               ("POST", "/api/dashboards/db", {"dashboard": {"title": "A"}}),
                               ("POST", RULES, alert_rule())]:
        reply = call(emu, method, path, body)
        assert 200 <= reply.status < 300
        assert reply.headers["Content-Type"] == "application/json"
        json.loads(reply.raw)
    deleted = call(emu, "DELETE", RULES + "/r1")
    assert (deleted.status, deleted.raw) == (204, b"")


# --- folders -------------------------------------------------------------------------

def test_folder_create_and_get_shapes(api):
    created = api.folder.create_folder("Team Ops", uid="ops")
    assert (created["uid"], created["version"], created["url"]) == \
        ("ops", 1, "/dashboards/f/ops/team-ops")
    assert "parentUid" not in created
    child = api.folder.create_folder("Databases", uid="db", parent_uid="ops")
    fetched = api.folder.get_folder("db")
    assert fetched["parentUid"] == "ops"
    assert [p["uid"] for p in fetched["parents"]] == ["ops"]
    assert child["id"] != created["id"]


def test_folder_list_is_root_only_unless_parent_uid_is_given(api):
    api.folder.create_folder("B root", uid="b")
    api.folder.create_folder("A root", uid="a")
    api.folder.create_folder("Child", uid="c", parent_uid="a")
    assert [f["uid"] for f in api.folder.get_all_folders()] == ["a", "b"]
    assert api.folder.get_all_folders(parent_uid="a") == [
        {"id": api.folder.get_folder("c")["id"], "uid": "c", "title": "Child", "parentUid": "a"}]


def test_folder_list_pages(emu, api):
    for n in range(3):
        api.folder.create_folder(f"F{n}", uid=f"f{n}")
    reply = call(emu, "GET", "/api/folders?limit=2&page=2")
    assert [f["uid"] for f in reply.json()] == ["f2"]


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"uid": "bad/uid", "title": "T"}, 400, "uid contains illegal characters"),
    ({"uid": "u" * 41, "title": "T"}, 400, "uid too long, max 40 characters"),
    ({"uid": "general", "title": "T"}, 400, "invalid uid for folder provided"),
    ({"uid": "ok", "title": "   "}, 400, "folder title cannot be empty"),
])
def test_folder_create_validation(emu, body, status, message):
    reply = call(emu, "POST", "/api/folders", body)
    assert (reply.status, reply.json()["message"]) == (status, message)


def test_folder_with_an_existing_uid_is_412_version_mismatch(emu, api):
    # folderimpl Create -> buildSaveDashboardCommand -> ValidateDashboardBeforeSave: the new
    # folder (version 0) meets the stored one (version 1) without overwrite ->
    # ErrDashboardVersionMismatch -> toFolderError -> ErrFolderVersionMismatch -> 412
    # (pkg/api/apierrors/folder.go ToFolderErrorResponse)
    api.folder.create_folder("Ops", uid="ops")
    reply = call(emu, "POST", "/api/folders", {"uid": "ops", "title": "Ops again"})
    assert (reply.status, reply.json()) == (
        412, {"status": "version-mismatch",
              "message": "the folder has been changed by someone else"})
    assert emu.folder("ops")["title"] == "Ops"


def test_folder_with_an_unknown_parent_is_404(emu):
    reply = call(emu, "POST", "/api/folders", {"uid": "x", "title": "X", "parentUid": "missing"})
    assert (reply.status, reply.json()) == \
        (404, {"status": "not-found", "message": "folder not found"})


def test_folders_nest_5_levels_deep_and_a_6th_is_400(emu, api):
    # folderimpl validateParent: the parent's ancestors (GetParents leaves the parent out) must
    # be fewer than folder.MaxNestedFolderDepth = 4, so levels 1-5 exist; Grafana's own tests
    # build MaxNestedFolderDepth+1 levels. The 400 body: ToFolderErrorResponse's max-depth branch
    # (messageId, message = ErrMaximumDepthReached.Error(), the errutil.Base "[id] " form).
    parent = ""
    for level in range(1, 6):
        api.folder.create_folder(f"L{level}", uid=f"l{level}", parent_uid=parent or None)
        parent = f"l{level}"
    assert [p["uid"] for p in api.folder.get_folder("l5")["parents"]] == ["l1", "l2", "l3", "l4"]
    reply = call(emu, "POST", "/api/folders", {"uid": "l6", "title": "L6", "parentUid": "l5"})
    assert (reply.status, reply.json()) == (400, {
        "messageId": "folder.maximum-depth-reached", "message": "[folder.maximum-depth-reached] "})
    assert emu.folder("l6") is None


def test_folder_update_uses_the_version_as_an_optimistic_lock(emu, api):
    api.folder.create_folder("Ops", uid="ops")
    stale = call(emu, "PUT", "/api/folders/ops", {"title": "Ops 2", "version": 7})
    assert stale.status == 412
    assert stale.json() == {"status": "version-mismatch",
                            "message": "the folder has been changed by someone else"}
    assert api.folder.update_folder("ops", title="Ops 2", version=1)["version"] == 2
    assert api.folder.update_folder("ops", title="Ops 3", overwrite=True)["version"] == 3
    assert api.folder.get_folder("ops")["title"] == "Ops 3"


def test_unknown_folder_is_404_with_status_body(emu):
    reply = call(emu, "GET", "/api/folders/missing")
    assert (reply.status, reply.json()) == \
        (404, {"status": "not-found", "message": "folder not found"})


def test_folder_delete_removes_subfolders_dashboards_and_forced_rules(emu, api):
    api.folder.create_folder("Alerts", uid="alerts")
    api.folder.create_folder("Sub", uid="sub", parent_uid="alerts")
    save(api, {"uid": "inner", "title": "Inner"}, folderUid="sub")
    save(api, {"uid": "outer", "title": "Outer"})
    api.alertingprovisioning.create_alertrule(alert_rule(folder="sub"))
    refused = call(emu, "DELETE", "/api/folders/alerts")
    assert (refused.status, refused.json()["messageId"]) == (400, "folder.not-empty")
    api.folder.delete_folder("alerts", force_delete_rules=True)
    gone = (emu.folder("alerts"), emu.folder("sub"), emu.dashboard("inner"), emu.alert_rule("r1"))
    assert gone == (None, None, None, None)
    assert emu.dashboard("outer") is not None


# --- dashboards ----------------------------------------------------------------------

def test_dashboard_create_response_shape(api):
    result = save(api, {"uid": "cpu", "title": "CPU Usage, (per host)?"})
    assert result == {"id": result["id"], "uid": "cpu", "url": "/d/cpu/cpu-usage-per-host",
                      "status": "success", "version": 1, "slug": "cpu-usage-per-host",
                      "folderUid": ""}


def test_stored_dashboard_is_normalised_like_grafana(api):
    save(api, {"uid": "cpu", "title": "  CPU  ", "refresh": "1s", "schemaVersion": 16})
    got = api.dashboard.get_dashboard("cpu")
    dashboard, meta = got["dashboard"], got["meta"]
    assert dashboard["title"] == "CPU"
    assert dashboard["refresh"] == "5s"  # raised to min_refresh_interval
    assert dashboard["schemaVersion"] == 16  # no migration
    assert (dashboard["uid"], dashboard["version"], isinstance(dashboard["id"], int)) == \
        ("cpu", 1, True)
    assert (meta["folderUid"], meta["folderTitle"], meta["provisioned"], meta["canSave"]) == (
        "", "General", False, True)
    assert meta["slug"] == "cpu" and meta["url"] == "/d/cpu/cpu"


def test_min_refresh_interval_is_configurable():
    with GrafanaEmulator(tokens={ADMIN: "Admin"}, min_refresh_interval="1m") as emu:
        save(client(emu), {"uid": "d", "title": "D", "refresh": "30s"})
        assert emu.dashboard("d")["refresh"] == "1m"


@pytest.mark.parametrize(("dashboard", "command", "body"), [
    ({"title": "   "}, {}, {"status": "empty-name", "message": "Dashboard title cannot be empty"}),
    ({"title": "T", "uid": "a b"}, {}, {"message": "uid contains illegal characters"}),
    ({"title": "T", "uid": "x" * 41}, {}, {"message": "uid too long, max 40 characters"}),
    ({"title": "T"}, {"message": "m" * 501}, {"message": "message too long, max 500 characters"}),
    ({"title": "T"}, {"folderUid": "missing"}, {"message": "folder not found"}),
])
def test_dashboard_save_validation_is_400(emu, dashboard, command, body):
    reply = call(emu, "POST", "/api/dashboards/db", {"dashboard": dashboard, **command})
    assert (reply.status, reply.json()) == (400, body)


def test_grafana_client_maps_a_400_to_bad_input(api):
    with pytest.raises(GrafanaBadInputError) as raised:
        save(api, {"title": ""})
    assert raised.value.response == {"status": "empty-name",
                                     "message": "Dashboard title cannot be empty"}


def test_null_command_fields_read_as_absent(api):
    result = save(api, {"uid": "d", "title": "D"}, folderUid=None, message=None, overwrite=None)
    assert (result["folderUid"], result["version"]) == ("", 1)


def test_unknown_dashboard_id_is_404(emu):
    reply = call(emu, "POST", "/api/dashboards/db", {"dashboard": {"id": 999, "title": "T"}})
    assert (reply.status, reply.json()) == \
        (404, {"status": "not-found", "message": "Dashboard not found"})


def test_stale_version_is_412_unless_overwrite(emu, api):
    save(api, {"uid": "d", "title": "D"})
    save(api, {"uid": "d", "title": "D", "version": 1})
    reply = call(emu, "POST", "/api/dashboards/db",
                 {"dashboard": {"uid": "d", "title": "D", "version": 1}})
    assert reply.status == 412
    assert reply.json() == {"status": "version-mismatch",
                            "message": "The dashboard has been changed by someone else"}
    missing_version = call(emu, "POST", "/api/dashboards/db",
                           {"dashboard": {"uid": "d", "title": "D"}})
    assert missing_version.status == 412
    assert save(api, {"uid": "d", "title": "D", "version": 1}, overwrite=True)["version"] == 3


def test_every_save_increments_the_version_even_without_change(api, emu):
    versions = [save(api, {"uid": "d", "title": "D", "version": v})["version"] for v in (0, 1, 2)]
    assert versions == [1, 2, 3]
    assert emu.dashboard_versions("d") == [1, 2, 3]


def test_leaving_folder_uid_out_moves_the_dashboard_to_the_root(api, emu):
    api.folder.create_folder("Ops", uid="ops")
    save(api, {"uid": "d", "title": "D"}, folderUid="ops")
    assert emu.dashboard_folder("d") == "ops"
    result = save(api, {"uid": "d", "title": "D", "version": 1})
    assert result["folderUid"] == ""
    assert api.dashboard.get_dashboard("d")["meta"]["folderTitle"] == "General"


def test_post_without_uid_always_creates_a_new_dashboard(api):
    first = save(api, {"title": "Same"})
    second = save(api, {"title": "Same"})
    assert first["uid"] != second["uid"]
    assert all(9 <= len(r["uid"]) <= 14 for r in (first, second))
    assert len(api.search.search_dashboards(query="Same")) == 2


def test_provisioned_dashboard_cannot_be_saved_or_deleted(emu, api):
    emu.add_dashboard({"uid": "prov", "title": "Prov"}, provisioned=True)
    assert api.dashboard.get_dashboard("prov")["meta"]["provisioned"] is True
    current = {"dashboard": {"uid": "prov", "title": "P", "version": 1}}
    reply = call(emu, "POST", "/api/dashboards/db", current)
    assert (reply.status, reply.json()) == (400, {"message": "Cannot save provisioned dashboard"})
    assert call(emu, "DELETE", "/api/dashboards/uid/prov").status == 400


def test_plugin_dashboard_needs_overwrite(emu, api):
    emu.add_dashboard({"uid": "plug", "title": "Plug"}, plugin_id="some-app")
    current = {"dashboard": {"uid": "plug", "title": "P", "version": 1}}
    reply = call(emu, "POST", "/api/dashboards/db", current)
    assert (reply.status, reply.json()["status"]) == (412, "plugin-dashboard")
    assert save(api, {"uid": "plug", "title": "P"}, overwrite=True)["version"] == 2


def test_get_and_delete_unknown_dashboard_are_404(emu, api):
    for method in ("GET", "DELETE"):
        reply = call(emu, method, "/api/dashboards/uid/missing")
        assert (reply.status, reply.json()["message"]) == (404, "Dashboard not found")
    save(api, {"uid": "d", "title": "Gone"})
    assert api.dashboard.delete_dashboard("d") == \
        {"title": "Gone", "message": "Dashboard Gone deleted", "uid": "d"}
    assert emu.dashboard("d") is None


def test_versions_list_is_an_array_and_restore_saves_a_new_version(api):
    save(api, {"uid": "d", "title": "First"})
    save(api, {"uid": "d", "title": "Second", "version": 1})
    versions = api.dashboard_versions.get_dashboard_versions_by_uid("d")
    assert isinstance(versions, list)
    assert [v["version"] for v in versions] == [2, 1]
    assert api.dashboard_versions.get_dashboard_version_by_uid("d", 1)["data"]["title"] == "First"
    restored = api.dashboard_versions.restore_dashboard_by_uid("d", 1)
    assert restored["version"] == 3
    assert api.dashboard.get_dashboard("d")["dashboard"]["title"] == "First"


def test_versions_list_rewrites_messages_as_grafanas_handler_does(api):
    # pkg/api/dashboard.go GetDashboardVersions: a first version is "Initial save" and a
    # restored one "Restored from version N", whatever the save's message; only the
    # single-version endpoint answers the message the save carried.
    save(api, {"uid": "d", "title": "First"}, message="created by a tool")
    save(api, {"uid": "d", "title": "Second", "version": 1}, message="second save")
    api.dashboard_versions.restore_dashboard_by_uid("d", 1)
    listed = {v["version"]: v["message"]
              for v in api.dashboard_versions.get_dashboard_versions_by_uid("d")}
    assert listed == {1: "Initial save", 2: "second save", 3: "Restored from version 1"}
    assert api.dashboard_versions.get_dashboard_version_by_uid("d", 1)["message"] == \
        "created by a tool"
    # a create that carries a version has that as its parent (sqlstore saveDashboard takes
    # parentVersion from the saved JSON): its message is listed as saved
    save(api, {"uid": "e", "title": "E", "version": 7}, message="kept")
    (only,) = api.dashboard_versions.get_dashboard_versions_by_uid("e")
    assert (only["parentVersion"], only["message"]) == (7, "kept")


def test_slugs_follow_grafana_rules():
    assert slugify("Hello, World (v2)?") == "hello-world-v2"
    assert slugify("Ünïcode & Co") == "uenicode-and-co"
    assert slugify("a:b") == "a3ab"  # other characters are hex-encoded
    assert len(slugify("x" * 60)) == 36  # too long: a UUIDv5 of the title


# --- search ----------------------------------------------------------------------

@pytest.fixture
def estate(api):
    api.folder.create_folder("Ops", uid="ops")
    api.folder.create_folder("Dev", uid="dev")
    save(api, {"uid": "b", "title": "beta", "tags": ["prod", "db"]}, folderUid="ops")
    save(api, {"uid": "a", "title": "Alpha", "tags": ["prod"]}, folderUid="dev")
    save(api, {"uid": "c", "title": "Gamma", "tags": ["db"]})
    return api


def test_search_filters_by_type_and_query_sorted_by_title(estate):
    assert [h["uid"] for h in estate.search.search_dashboards(type_="dash-db")] == ["a", "b", "c"]
    folders = estate.search.search_dashboards(type_="dash-folder")
    assert [h["uid"] for h in folders] == ["dev", "ops"]
    assert [h["uid"] for h in estate.search.search_dashboards(query="ALP")] == ["a"]
    everything = estate.search.search_dashboards()
    assert [h["type"] for h in everything] == ["dash-folder"] * 2 + ["dash-db"] * 3
    assert all("version" not in h for h in everything)


def test_search_repeated_tags_must_all_match(estate):
    assert [h["uid"] for h in estate.search.search_dashboards(tag=["prod", "db"])] == ["b"]
    assert [h["uid"] for h in estate.search.search_dashboards(tag="db")] == ["b", "c"]


def test_search_repeated_folder_uids_and_comma_pitfall(emu, estate):
    hits = call(emu, "GET", "/api/search?type=dash-db&folderUIDs=ops&folderUIDs=dev").json()
    assert [(h["uid"], h["folderUid"]) for h in hits] == [("a", "dev"), ("b", "ops")]
    comma_joined = call(emu, "GET", "/api/search?type=dash-db&folderUIDs=ops,dev").json()
    assert comma_joined == []  # one value is one uid: commas are not split
    # grafana-client 5.x sends a list as repeated parameters
    assert len(estate.search.search_dashboards(folder_uids=["ops", "dev"], type_="dash-db")) == 2
    at_root = estate.search.search_dashboards(folder_uids="general", type_="dash-db")
    assert [h["uid"] for h in at_root] == ["c"]


def test_search_by_dashboard_uids_paging_and_limit(emu, estate):
    assert [h["uid"] for h in estate.search.search_dashboards(dashboard_uids=["c"])] == ["c"]
    page = estate.search.search_dashboards(type_="dash-db", limit=2, page=2)
    assert [h["uid"] for h in page] == ["c"]
    too_many = call(emu, "GET", "/api/search?limit=5001")
    assert too_many.status == 422


# --- data sources -----------------------------------------------------------------

def test_datasources_by_uid_name_and_list(emu, api):
    by_uid = api.datasource.get_datasource_by_uid("prom")
    assert (by_uid["name"], by_uid["type"], by_uid["access"], by_uid["isDefault"]) == (
        "Prometheus", "prometheus", "proxy", True)
    assert api.datasource.get_datasource_by_name("Prometheus")["uid"] == "prom"
    assert [d["uid"] for d in api.datasource.list_datasources()] == ["prom"]
    for path in ("/api/datasources/uid/nope", "/api/datasources/name/Nope"):
        reply = call(emu, "GET", path)
        assert (reply.status, reply.json()) == (404, {"message": "Data source not found"})


# --- alerting provisioning ----------------------------------------------------------

@pytest.fixture
def alerts_folder(api):
    api.folder.create_folder("Alerts", uid="alerts")
    return api


def test_alert_rule_create_fills_defaults_and_normalises_for(emu, alerts_folder):
    reply = call(emu, "POST", RULES, alert_rule())
    assert reply.status == 201
    created = reply.json()
    assert (created["for"], created["provenance"], created["orgID"]) == ("5m", "api", 1)
    assert created["data"][0]["model"] == {"expr": "up == 0", "refId": "A", "intervalMs": 1000,
                                           "maxDataPoints": 43200}
    assert alerts_folder.alertingprovisioning.get_alertrule("r1")["id"] == created["id"]
    assert [r["uid"] for r in alerts_folder.alertingprovisioning.get_alertrules_all()] == ["r1"]


def test_unknown_alert_rule_answers_with_empty_bodies(emu, alerts_folder):
    got = call(emu, "GET", RULES + "/missing")
    assert (got.status, got.raw) == (404, b"")
    updated = call(emu, "PUT", RULES + "/missing", alert_rule(uid="missing"))
    assert (updated.status, updated.raw) == (404, b"")
    deleted = call(emu, "DELETE", RULES + "/missing")
    assert (deleted.status, deleted.raw) == (204, b"")


def test_alert_rule_update_is_200(alerts_folder):
    alerts_folder.alertingprovisioning.create_alertrule(alert_rule())
    changed = alert_rule(title="Renamed", **{"for": "1h"})
    updated = alerts_folder.alertingprovisioning.update_alertrule("r1", changed)
    assert (updated["title"], updated["for"]) == ("Renamed", "1h")


@pytest.mark.parametrize(("fields", "reason"), [
    ({"data": []}, "no queries or expressions are found"),
    ({"title": ""}, "title is empty"),
    ({"folderUID": ""}, "folderUID must be set"),
    ({"folderUID": "nowhere"}, "folder does not exist"),
    ({"uid": "bad uid"}, "cannot create rule with UID 'bad uid'"),
    ({"noDataState": "Maybe"}, "unknown NoData state option Maybe"),
    ({"for": "-5m"}, "field `for` cannot be negative"),
])
def test_invalid_alert_rules_are_400(emu, alerts_folder, fields, reason):
    reply = call(emu, "POST", RULES, alert_rule(**fields))
    assert reply.status == 400
    assert reply.json()["message"].startswith(f"invalid alert rule: {reason}")


def test_alert_rule_with_an_existing_uid_is_400(emu, alerts_folder):
    assert call(emu, "POST", RULES, alert_rule()).status == 201
    reply = call(emu, "POST", RULES, alert_rule())
    assert reply.status == 400 and reply.json()["message"].startswith("invalid alert rule:")


def test_group_interval_must_be_a_multiple_of_10s(emu, alerts_folder):
    reply = call(emu, "PUT", group_path("alerts", "cpu"), {"interval": 15, "rules": [alert_rule()]})
    assert reply.status == 400
    assert reply.json()["message"] == ("invalid alert rule: interval (15s) should be non-zero and "
                                       "divided exactly by scheduler interval: 10")


def test_disable_provenance_header_writes_provenance_none(emu, alerts_folder):
    created = alerts_folder.alertingprovisioning.create_alertrule(alert_rule(),
                                                                  disable_provenance=True)
    assert "provenance" not in created  # ProvenanceNone is "", omitted by Grafana's JSON
    # a rule with provenance none may be taken over by the API
    taken = alerts_folder.alertingprovisioning.update_alertrule("r1", alert_rule())
    assert taken["provenance"] == "api"


def test_changing_provenance_on_update_is_500(emu, alerts_folder):
    alerts_folder.alertingprovisioning.create_alertrule(alert_rule())
    with pytest.raises(GrafanaServerError) as raised:
        alerts_folder.alertingprovisioning.update_alertrule("r1", alert_rule(),
                                                            disable_provenance=True)
    assert raised.value.status_code == 500
    assert "cannot change provenance from 'api'" in raised.value.message


def test_deleting_with_another_provenance_is_409(emu, alerts_folder):
    emu.add_alert_rule(alert_rule(), provenance="file")
    reply = call(emu, "DELETE", RULES + "/r1", headers={"X-Disable-Provenance": "true"})
    assert reply.status == 409
    assert reply.json()["message"] == "cannot delete with provided provenance '', needs 'file'"
    assert emu.alert_rule("r1") is not None


def test_rule_group_put_replaces_the_group(emu, alerts_folder):
    provisioning = alerts_folder.alertingprovisioning
    for uid in ("r1", "r2", "r3"):
        provisioning.create_alertrule(alert_rule(uid=uid))
    request = {"interval": 120,
               "rules": [alert_rule(uid="r3"), alert_rule(uid="r1"), alert_rule(uid="new")]}
    echoed = provisioning.update_rule_group("alerts", "cpu", request)
    assert (echoed["title"], echoed["folderUid"], echoed["interval"]) == ("cpu", "alerts", 120)
    assert [r["uid"] for r in echoed["rules"]] == ["r3", "r1", "new"]
    # the echo is the request, not the stored form (no intervalMs / maxDataPoints)
    assert echoed["rules"][0]["data"][0]["model"] == {"expr": "up == 0", "refId": "A"}
    group = provisioning.get_rule_group("alerts", "cpu")
    assert [r["uid"] for r in group["rules"]] == ["r3", "r1", "new"]
    assert group["interval"] == 120
    assert emu.alert_rule("r2") is None  # left out, so deleted


def test_rule_group_delete_is_204_then_the_group_is_gone(emu, alerts_folder):
    alerts_folder.alertingprovisioning.create_alertrule(alert_rule())
    deleted = call(emu, "DELETE", group_path("alerts", "cpu"))
    assert (deleted.status, deleted.raw) == (204, b"")
    assert call(emu, "GET", group_path("alerts", "cpu")).status == 404


def test_rule_group_put_sets_provenance_only_on_the_rules_it_changes(emu, alerts_folder):
    """Grafana computes the group's delta without provenance: an identical PUT changes nothing
    (not even provenance), a changed rule takes the request's provenance, api → none allowed."""
    provisioning = alerts_folder.alertingprovisioning
    group = {"interval": 60, "rules": [alert_rule(uid="r1"), alert_rule(uid="r2")]}
    provisioning.update_rule_group("alerts", "cpu", group)
    provisioning.update_rule_group("alerts", "cpu", group, disable_provenance=True)
    assert [emu.alert_rule(u)["provenance"] for u in ("r1", "r2")] == ["api", "api"]
    group["rules"][1]["annotations"] = {"summary": "changed"}
    provisioning.update_rule_group("alerts", "cpu", group, disable_provenance=True)
    assert [emu.alert_rule(u).get("provenance", "") for u in ("r1", "r2")] == ["api", ""]


def test_rule_group_delete_without_provenance_may_delete_api_rules(emu, alerts_folder):
    alerts_folder.alertingprovisioning.create_alertrule(alert_rule())
    deleted = call(emu, "DELETE", group_path("alerts", "cpu"),
                   headers={"X-Disable-Provenance": "true"})
    assert deleted.status == 204 and emu.alert_rule("r1") is None


def test_contact_points_and_policies(emu, api):
    provisioning = api.alertingprovisioning
    created = call(emu, "POST", "/api/v1/provisioning/contact-points",
                   {"name": "pager", "type": "webhook", "settings": {"url": "http://hook"}})
    assert created.status == 202
    uid = created.json()["uid"]
    updated = call(emu, "PUT", f"/api/v1/provisioning/contact-points/{uid}",
                   {"name": "pager", "type": "webhook", "settings": {"url": "http://hook2"}})
    assert updated.status == 202
    assert provisioning.get_contactpoints(name="pager")[0]["settings"]["url"] == "http://hook2"
    tree = {"receiver": "pager", "group_by": ["alertname"]}
    policy = call(emu, "PUT", "/api/v1/provisioning/policies", tree)
    assert policy.status == 202
    assert provisioning.get_notification_policy_tree()["receiver"] == "pager"
    assert call(emu, "DELETE", "/api/v1/provisioning/policies").status == 202
    assert provisioning.get_notification_policy_tree()["receiver"] == "grafana-default-email"
    assert call(emu, "DELETE", f"/api/v1/provisioning/contact-points/{uid}").status == 202
    assert provisioning.get_contactpoints(name="pager") == []


# --- request log and hooks ---------------------------------------------------------

def test_request_log_records_every_request_and_counts_writes(emu, api):
    api.search.search_dashboards(tag=["a", "b"])
    save(api, {"uid": "d", "title": "D"})
    call(emu, "GET", "/api/nothing")
    assert [(r.method, r.path, r.status) for r in emu.requests] == [
        ("GET", "/api/search", 200), ("POST", "/api/dashboards/db", 200),
        ("GET", "/api/nothing", 404)]
    assert emu.requests[0].query == {"tag": ["a", "b"]}
    assert [w.path for w in emu.writes()] == ["/api/dashboards/db"]
    assert emu.writes()[0].body["dashboard"]["uid"] == "d"


def test_ui_edit_bumps_the_version_so_a_stale_deploy_gets_412(emu, api):
    save(api, {"uid": "d", "title": "D", "panels": []})
    edited = emu.ui_edit("d", {"description": "edited by hand"})
    assert edited["version"] == 2
    assert api.dashboard.get_dashboard("d")["dashboard"]["description"] == "edited by hand"
    with pytest.raises(GrafanaClientError) as raised:
        save(api, {"uid": "d", "title": "D", "version": 1})
    assert raised.value.status_code == 412
    emu.ui_edit("d", lambda dashboard: dashboard["panels"].append({"type": "text"}))
    assert emu.dashboard("d")["panels"] == [{"type": "text"}]


def test_seeding_hooks_and_reset(emu, api):
    emu.add_folder("Legacy", uid="legacy")
    emu.add_dashboard({"uid": "old", "title": "Old"}, folder_uid="legacy")
    assert [h["uid"] for h in api.search.search_dashboards(type_="dash-db")] == ["old"]
    assert api.dashboard.get_dashboard("old")["meta"]["folderTitle"] == "Legacy"
    emu.reset()
    assert api.search.search_dashboards() == []
    assert [r.path for r in emu.requests] == ["/api/search"]


# --- faults -------------------------------------------------------------------------

def test_503_fault_fires_n_times_then_stops(emu, api):
    fault = emu.faults.add(method="POST", path_regex=r"/api/dashboards/db", status=503, times=2)
    for _ in range(2):
        with pytest.raises(GrafanaServerError):
            save(api, {"uid": "d", "title": "D"})
    assert emu.dashboard("d") is None  # faulted requests never reach Grafana
    assert save(api, {"uid": "d", "title": "D"})["version"] == 1
    assert fault.fired == 2 and len(emu.faults) == 0
    assert [r.status for r in emu.writes()] == [503, 503, 200]


def test_fault_matches_method_and_can_fire_forever(emu, api):
    emu.faults.add(method="GET", path_regex=r"^/api/search$", status=500, times=None)
    save(api, {"uid": "d", "title": "D"})  # POST: not matched
    for _ in range(3):
        with pytest.raises(GrafanaServerError):
            api.search.search_dashboards()


def test_delay_fault_slows_the_answer_and_can_time_a_client_out(emu):
    emu.faults.add(path_regex="/api/search", delay=0.3)
    started = time.monotonic()
    assert client(emu).search.search_dashboards() == []
    assert time.monotonic() - started >= 0.3
    emu.faults.add(path_regex="/api/search", delay=0.5)
    with pytest.raises(GrafanaTimeoutError):
        client(emu, timeout=0.1).search.search_dashboards()
    # the server still answers (late): wait for it so the next test starts clean
    deadline = time.monotonic() + 2
    while len(emu.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [r.status for r in emu.requests] == [200, 200]


def test_dropped_connection_surfaces_as_connection_error(emu, api):
    emu.faults.add(method="POST", path_regex="/api/dashboards/db", drop_connection=True)
    with pytest.raises(niquests.exceptions.ConnectionError):
        save(api, {"uid": "d", "title": "D"})
    assert emu.writes()[0].status is None
    assert save(api, {"uid": "d", "title": "D"})["version"] == 1


def test_fault_after_processing_loses_the_answer_of_a_write_that_landed(emu, api):
    emu.faults.add(method="POST", path_regex="/api/dashboards/db", drop_connection=True,
                   after_processing=True)
    with pytest.raises(niquests.exceptions.ConnectionError):
        save(api, {"uid": "d", "title": "D"})
    assert emu.dashboard("d")["version"] == 1  # stored although the client saw no answer
    assert emu.writes()[0].status is None
    emu.faults.add(method="POST", path_regex="/api/dashboards/db", delay=1.0, after_processing=True)
    with pytest.raises(GrafanaTimeoutError):
        save(client(emu, timeout=0.3), {"uid": "d", "title": "D2", "version": 1})
    assert emu.dashboard("d")["version"] == 2
    deadline = time.monotonic() + 3  # the late answer is logged when sent: wait for it
    while len(emu.writes()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(ValueError):
        emu.faults.add(status=503, after_processing=True)


def test_429_fault_carries_retry_after(emu):
    emu.faults.add(path_regex="/api/search", retry_after=3)
    reply = call(emu, "GET", "/api/search")
    assert (reply.status, reply.headers["Retry-After"]) == (429, "3")
    assert reply.json() == {"message": "Too Many Requests"}


def test_concurrent_ui_edit_fault_makes_the_optimistic_save_412(emu, api):
    save(api, {"uid": "d", "title": "D"})
    emu.faults.add(method="POST", path_regex="/api/dashboards/db", concurrent_edit=True)
    reply = call(emu, "POST", "/api/dashboards/db",
                 {"dashboard": {"uid": "d", "title": "D2", "version": 1}})
    assert (reply.status, reply.json()["status"]) == (412, "version-mismatch")
    assert emu.dashboard("d")["version"] == 2  # the UI edit happened
    assert save(api, {"uid": "d", "title": "D2", "version": 2})["version"] == 3


# --- lifecycle ----------------------------------------------------------------------

def test_context_manager_binds_a_free_port_and_stops_cleanly():
    with GrafanaEmulator() as first, GrafanaEmulator() as second:
        assert first.port != second.port
        assert call(first, "GET", "/api/health", token=None).status == 200
        url = first.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/api/health", timeout=1)


def test_mute_timings_are_created_listed_updated_and_deleted(emu, api):
    # api_provisioning.go: RoutePostMuteTiming 201, RoutePutMuteTiming 202 (http.StatusAccepted),
    # RouteDeleteMuteTiming 204; the provenance is the request's (determineProvenance)
    timing = {"name": "maintenance", "time_intervals": [{"weekdays": ["sunday"]}]}
    created = call(emu, "POST", "/api/v1/provisioning/mute-timings", timing)
    assert (created.status, created.json()) == (201, {**timing, "provenance": "api"})
    assert call(emu, "POST", "/api/v1/provisioning/mute-timings", timing).status == 409
    changed = {**timing, "time_intervals": [{"weekdays": ["saturday"]}]}
    updated = call(emu, "PUT", "/api/v1/provisioning/mute-timings/maintenance", changed,
                   headers={"X-Disable-Provenance": "true"})
    assert (updated.status, updated.json()) == (202, changed)
    assert api.client.GET("/v1/provisioning/mute-timings") == [changed]
    assert call(emu, "PUT", "/api/v1/provisioning/mute-timings/other", changed).status == 404
    assert call(emu, "DELETE", "/api/v1/provisioning/mute-timings/maintenance").status == 204
    assert call(emu, "GET", "/api/v1/provisioning/mute-timings/maintenance").status == 404



def test_a_policy_naming_an_unknown_mute_timing_is_refused(emu):
    tree = {"receiver": "grafana-default-email", "routes": [
        {"receiver": "grafana-default-email", "mute_time_intervals": ["maintenance"]}]}
    refused = call(emu, "PUT", "/api/v1/provisioning/policies", tree)
    assert refused.status == 400
    assert "mute time interval 'maintenance' does not exist" in refused.json()["message"]
    call(emu, "POST", "/api/v1/provisioning/mute-timings",
         {"name": "maintenance", "time_intervals": []})
    assert call(emu, "PUT", "/api/v1/provisioning/policies", tree).status == 202


# --- fidelity pass (issue 19, item 3): each test cites the Grafana 11.x source it follows ----

def test_dashboard_versions_need_dashboards_write(emu, api):
    # pkg/api/api.go: GET .../versions and .../versions/:id are authorize(dashboards:write)
    save(api, {"uid": "d", "title": "D"})
    for path in ("/api/dashboards/uid/d/versions", "/api/dashboards/uid/d/versions/1"):
        reply = call(emu, "GET", path, token=VIEWER)
        assert reply.status == 403
        assert reply.json()["message"].endswith("Permissions needed: dashboards:write")
        assert call(emu, "GET", path, token=EDITOR).status == 200


def test_dashboard_versions_list_entries_carry_the_version_json(emu, api):
    # GetDashboardVersions copies version.Data into each DashboardVersionMeta ("data", no
    # omitempty); the SQL List selects dashboard_version.data
    save(api, {"uid": "d", "title": "First", "tags": ["a"]})
    save(api, {"uid": "d", "title": "Second", "version": 1})
    newest, oldest = call(emu, "GET", "/api/dashboards/uid/d/versions").json()
    assert (newest["data"]["title"], newest["data"]["version"]) == ("Second", 2)
    assert (oldest["data"]["title"], oldest["data"]["tags"]) == ("First", ["a"])
    assert set(newest) == {"id", "dashboardId", "uid", "parentVersion", "restoredFrom", "version",
                           "created", "createdBy", "message", "data"}


def test_dashboard_versions_page_without_versions_is_404(emu, api):
    # dashverimpl List -> ErrNoVersionsForDashboardID -> handler: 404 "No versions found for
    # dashboardId <id>" (response.Error with the error: a traceID)
    saved = save(api, {"uid": "d", "title": "D"})
    reply = call(emu, "GET", "/api/dashboards/uid/d/versions?start=5")
    assert (reply.status, reply.json()) == (
        404, {"message": f"No versions found for dashboardId {saved['id']}", "traceID": ""})


def test_single_version_with_a_non_numeric_id_looks_up_version_0(emu, api):
    # GetDashboardVersion: version, _ := strconv.ParseInt(":id", 10, 32) -> 0 -> not found -> 500
    saved = save(api, {"uid": "d", "title": "D"})
    reply = call(emu, "GET", "/api/dashboards/uid/d/versions/latest")
    assert (reply.status, reply.json()["message"]) == (
        500, f"Dashboard version 0 not found for dashboardId {saved['id']}")


def test_dashboard_meta_omits_is_starred_and_lets_service_accounts_star(api):
    # dtos.DashboardMeta: isStarred is omitempty; GetDashboard: CanStar = c.IsSignedIn, true for
    # any non-anonymous identity (contexthandler: IsSignedIn = !IsAnonymous)
    save(api, {"uid": "d", "title": "D"})
    meta = api.dashboard.get_dashboard("d")["meta"]
    assert "isStarred" not in meta and "publicDashboardEnabled" not in meta
    assert meta["canStar"] is True


def test_save_limits_count_utf8_bytes(emu):
    # BuildSaveDashboardCommand: len(dto.Message) > 500, len(title) > 5000 are Go byte lengths
    reply = call(emu, "POST", "/api/dashboards/db",
                 {"dashboard": {"title": "T"}, "message": "é" * 251})  # 502 bytes
    assert (reply.status, reply.json()) == (
        400, {"message": "message too long, max 500 characters"})
    reply = call(emu, "POST", "/api/dashboards/db", {"dashboard": {"title": "é" * 2501}})
    assert (reply.status, reply.json()["status"]) == (400, "title-too-long")


def test_a_non_integer_version_reads_as_0(emu, api):
    # the dashboard body is decoded with UseNumber (simplejson UnmarshalJSON); MustInt of
    # json.Number("1.0") fails and reads 0, so a stored version 1 is stale
    save(api, {"uid": "d", "title": "D"})
    reply = call(emu, "POST", "/api/dashboards/db",
                 {"dashboard": {"uid": "d", "title": "D", "version": 1.0}})
    assert (reply.status, reply.json()["status"]) == (412, "version-mismatch")
    # SaveDashboardCommand.FolderID is an int64: 1.0 does not bind
    reply = call(emu, "POST", "/api/dashboards/db", {"dashboard": {"title": "E"}, "folderId": 1.0})
    assert (reply.status, reply.json()["message"]) == (400, "bad request data")


def test_search_hits_sort_their_tags_and_carry_is_deleted(emu, api):
    # SearchService.SearchHandler -> sortedHits sorts each hit's tags; model.Hit.IsDeleted has no
    # omitempty
    save(api, {"uid": "d", "title": "D", "tags": ["zeta", "alpha", "Mid"]})
    (hit,) = api.search.search_dashboards(type_="dash-db")
    assert hit["tags"] == ["Mid", "alpha", "zeta"]
    assert hit["isDeleted"] is False


def test_dashboard_tags_read_as_simplejson_string_arrays(emu, api):
    # Dashboard.GetTags = Data.Get("tags").MustStringArray(): null -> "", a non-string element
    # makes the array unreadable (no tags at all)
    save(api, {"uid": "n", "title": "N", "tags": ["b", None]})
    save(api, {"uid": "x", "title": "X", "tags": ["a", 1]})
    tags = {h["uid"]: h["tags"] for h in api.search.search_dashboards(type_="dash-db")}
    assert tags == {"n": ["", "b"], "x": []}


def test_search_reads_dashboard_uid_when_dashboard_uids_is_absent(emu, api):
    # pkg/api/search.go Search: dbUIDs falls back to the "dashboardUID" parameter
    save(api, {"uid": "a", "title": "A"})
    save(api, {"uid": "b", "title": "B"})
    assert [h["uid"] for h in call(emu, "GET", "/api/search?dashboardUID=b").json()] == ["b"]


def test_folder_with_the_uid_of_a_dashboard_is_400_type_mismatch(emu, api):
    # ValidateDashboardBeforeSave: an existing dashboard is not a folder -> ErrDashboardTypeMismatch
    # (a DashboardErr: ToFolderErrorResponse answers its message with a traceID)
    save(api, {"uid": "d", "title": "D"})
    reply = call(emu, "POST", "/api/folders", {"uid": "d", "title": "F"})
    assert (reply.status, reply.json()) == (
        400, {"message": "Dashboard cannot be changed to a folder", "traceID": ""})


def test_folder_titled_general_is_refused(emu, api):
    # folderimpl buildSaveDashboardCommand: strings.EqualFold(title, "General") ->
    # ErrDashboardFolderNameExists (DashboardErr 400, traced), on create and on update
    expected = (400, {"message": "A folder with that name already exists", "traceID": ""})
    reply = call(emu, "POST", "/api/folders", {"uid": "g", "title": " general "})
    assert (reply.status, reply.json()) == expected
    api.folder.create_folder("Ops", uid="ops")
    reply = call(emu, "PUT", "/api/folders/ops", {"title": "GENERAL", "version": 1})
    assert (reply.status, reply.json()) == expected


def test_folder_update_without_a_title_keeps_it(emu, api):
    # prepareForUpdate: only a non-empty NewTitle replaces the title; a blank one trims to ""
    # -> ErrFolderTitleEmpty
    api.folder.create_folder("Ops", uid="ops")
    reply = call(emu, "PUT", "/api/folders/ops", {"title": "", "version": 1})
    assert (reply.status, reply.json()["title"], reply.json()["version"]) == (200, "Ops", 2)
    reply = call(emu, "PUT", "/api/folders/ops", {"title": "  ", "version": 2})
    assert (reply.status, reply.json()) == (400, {"message": "folder title cannot be empty"})


def test_folder_dto_shape(emu, api):
    # dtos.Folder via newToFolderDto: no description field; orgId never set by the handler
    created = call(emu, "POST", "/api/folders",
                   {"uid": "ops", "title": "Ops", "description": "d"}).json()
    assert "description" not in created
    assert created["orgId"] == 0
    assert "parents" not in created and "parentUid" not in created


def test_folder_move_errors_are_errutil_public_errors(emu, api):
    # MoveFolder -> response.ErrOrFallback: the service's errutil errors (folder.ErrCircular-
    # Reference, folder.ErrMaximumDepthReached) answer {statusCode, messageId, message, traceID};
    # the depth rule is height + ancestors(new parent) + 1 <= MaxNestedFolderDepth (4)
    parent = ""
    for level in range(1, 5):
        api.folder.create_folder(f"L{level}", uid=f"l{level}", parent_uid=parent or None)
        parent = f"l{level}"
    api.folder.create_folder("Leaf", uid="leaf")
    api.folder.create_folder("Deep", uid="deep", parent_uid="leaf")
    moved = call(emu, "POST", "/api/folders/leaf/move", {"parentUid": "l3"})
    assert (moved.status, [p["uid"] for p in moved.json()["parents"]]) == (200, ["l1", "l2", "l3"])
    too_deep = call(emu, "POST", "/api/folders/leaf/move", {"parentUid": "l4"})
    assert (too_deep.status, too_deep.json()) == (400, {
        "message": "Maximum nested folder depth reached",
        "messageId": "folder.maximum-depth-reached", "statusCode": 400, "traceID": ""})
    circular = call(emu, "POST", "/api/folders/leaf/move", {"parentUid": "deep"})
    assert (circular.status, circular.json()["messageId"]) == (400, "folder.circular-reference")
    unknown = call(emu, "POST", "/api/folders/leaf/move", {"parentUid": "missing"})
    assert (unknown.status, unknown.json()) == (404, {
        "message": "Not found", "messageId": "folder.notFound", "statusCode": 404, "traceID": ""})


def test_missing_rule_group_is_404_with_the_status_text(emu, alerts_folder):
    # models.ErrAlertRuleGroupNotFound = errutil.NotFound("alerting.alert-rule.notFound"), no
    # public message: Public() answers the status text "Not found"
    expected = (404, {"message": "Not found", "messageId": "alerting.alert-rule.notFound",
                      "statusCode": 404, "traceID": ""})
    for method in ("GET", "DELETE"):
        reply = call(emu, method, group_path("alerts", "nope"))
        assert (reply.status, reply.json()) == expected


def test_rule_json_has_null_notification_settings_and_record(emu, alerts_folder):
    # definitions.ProvisionedAlertRule: NotificationSettings and Record are pointers without
    # omitempty
    created = call(emu, "POST", RULES, alert_rule()).json()
    assert (created["notification_settings"], created["record"]) == (None, None)
    group = call(emu, "GET", group_path("alerts", "cpu")).json()
    assert group["rules"][0]["record"] is None
