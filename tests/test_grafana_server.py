"""Knowing the Grafana deploy talks to (grafana.server), the /apis client (grafana.apis) and the
routing writes' retry of a concurrent Alertmanager change, over HTTP against the emulator of each
Grafana release family."""

from __future__ import annotations

import os

import pytest

from dashsmith.compiler.project import Project
from dashsmith.grafana import retry
from dashsmith.grafana.apis import AlreadyExists, ApisClient, Conflict, Forbidden, NotFound
from dashsmith.grafana.connection import GrafanaUnavailable, connect, connection_from
from dashsmith.grafana.server import ServerInfo, detect, parse_version
from dashsmith.routing import grafana as routing_grafana
from grafana_emulator import GrafanaEmulator

ADMIN = "glsa_servertests_admin_Qw3Er5Ty7Ui9"
VIEWER = "glsa_servertests_viewer_As2Df4Gh6Jk8"
TOKENS = {ADMIN: "Admin", VIEWER: "Viewer"}
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus"}
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each release family serves and answers, as the reference notes give it: the dashboard
# API deploy should use, and the status of a stale legacy save.
RELEASES = {
    "11.3.0": ("/api (legacy)", 412),
    "11.6.1": ("/api (legacy)", 412),
    "12.4.2": ("dashboard.grafana.app/v1beta1", 412),
    "13.0.1": ("dashboard.grafana.app/v1", 412),
    "13.2.3": ("dashboard.grafana.app/v1", 409),
}


@pytest.fixture(params=sorted(RELEASES))
def emu(request):
    with GrafanaEmulator(version=request.param, tokens=TOKENS, datasources=[DATASOURCE]) as emu:
        yield emu
        assert emu.server_errors == []


@pytest.fixture
def emu_13():
    with GrafanaEmulator(version="13.2.3", tokens=TOKENS, datasources=[DATASOURCE]) as emu:
        yield emu
        assert emu.server_errors == []


@pytest.fixture
def emu_11():
    with GrafanaEmulator(tokens=TOKENS, datasources=[DATASOURCE]) as emu:
        yield emu
        assert emu.server_errors == []


def _connected(emu, token: str = ADMIN):
    connection = connection_from(emu.url, environ={"GRAFANA_TOKEN": token})
    return connect(connection), connection


def _detect(emu, token: str = ADMIN) -> ServerInfo:
    return detect(*_connected(emu, token))


# --- ServerInfo ------------------------------------------------------------------------------

def test_each_release_is_told_apart_by_what_it_serves(emu):
    api, status = RELEASES[emu.version]
    info = _detect(emu)
    assert info.version == emu.version and info.version_tuple == parse_version(emu.version)
    assert info.describe() == f"Grafana {emu.version} · dashboards via {api} · namespace default"
    assert info.stale_save_status == status
    legacy = api.startswith("/api")
    assert info.uses_apis is not legacy
    assert (info.dashboards() is None) is legacy and (info.folders() is None) is legacy
    assert info.search_eventually_consistent is not legacy
    assert info.supports_keep_firing_for is not legacy
    assert info.serves_dashboard_v2 is not legacy
    assert info.edition == "Open Source" and info.namespace_source == "frontend settings"
    assert info.datasource_uid("Prometheus") == "prom-main"
    assert info.as_json()["describe"] == info.describe()


def test_11_3_takes_the_legacy_path_because_discovery_answers_404(emu_11):
    info = _detect(emu_11)
    assert info.describe() == "Grafana 11.3.0 · dashboards via /api (legacy) · namespace default"
    assert info.served == {} and info.dashboard_v2_version is None
    assert emu_11.requests_matching("GET", r"^/apis$")[0].status == 404
    assert info.as_json()["apis"] == {} and info.as_json()["keep_firing_for"] is False


def test_13_x_serves_v1_and_v2_through_the_apis(emu_13):
    info = _detect(emu_13)
    assert info.dashboard_api_version == "v1" and info.folder_api_version == "v1"
    assert info.dashboard_v2_version == "v2"
    resource = info.dashboards()
    assert resource is not None
    assert resource.collection_path == \
        "/apis/dashboard.grafana.app/v1/namespaces/default/dashboards"


def test_the_api_is_chosen_by_what_is_served_not_by_the_version_number(emu_13):
    """A 13.x Grafana behind a proxy that routes only /api: discovery answers 404, so deploy
    takes the legacy path although the version says 13."""
    emu_13.faults.add(r"^/apis", method="GET", status=404, times=None)
    info = _detect(emu_13)
    assert info.version == "13.2.3" and info.dashboard_api == "/api (legacy)"
    assert info.stale_save_status == 409  # what only the version tells stays
    assert info.search_eventually_consistent  # 12+ whatever it serves


def test_a_refused_group_list_is_asked_group_by_group(emu_13):
    emu_13.faults.add(r"^/apis$", method="GET", status=403, times=None,
                      body={"kind": "Status", "status": "Failure", "reason": "Forbidden",
                            "message": "forbidden", "code": 403})
    assert _detect(emu_13).dashboard_api == "dashboard.grafana.app/v1"


def test_a_discovery_that_fails_stops_detection_rather_than_guess_the_legacy_path(emu_13):
    emu_13.faults.add(r"^/apis", method="GET", status=500, times=None)
    with pytest.raises(GrafanaUnavailable, match="not falling back to /api") as raised:
        _detect(emu_13)
    assert ADMIN not in str(raised.value)


def test_without_a_namespace_in_the_settings_it_is_derived_from_the_org(emu_13):
    emu_13.faults.add(r"^/api/frontend/settings$", method="GET", status=200, times=None,
                      body={"buildInfo": {"version": "13.2.3", "edition": "Enterprise"}})
    info = _detect(emu_13)
    assert (info.namespace, info.namespace_source) == ("default", "org id")
    assert info.edition == "Enterprise" and info.datasources == {}


def test_a_hidden_version_leaves_version_facts_to_capability(emu_13):
    emu_13.faults.add(r"^/api/health$", method="GET", status=200, times=None,
                      body={"database": "ok"})
    emu_13.faults.add(r"^/api/frontend/settings$", method="GET", status=200, times=None,
                      body={"namespace": "default", "buildInfo": {"hideVersion": True}})
    info = _detect(emu_13)
    assert info.describe().startswith("Grafana (version hidden) · dashboards via "
                                      "dashboard.grafana.app/v1")
    assert info.stale_save_status is None
    assert info.supports_keep_firing_for and info.search_eventually_consistent


@pytest.mark.parametrize("text, parsed", [("13.2.3", (13, 2, 3)), ("12.1.0-91295", (12, 1, 0)),
                                          ("v11.3.0+security-01", (11, 3, 0)), ("", None),
                                          ("main", None)])
def test_versions_as_grafana_reports_them(text, parsed):
    assert parse_version(text) == parsed


# --- the /apis client ------------------------------------------------------------------------

def _dashboards(emu):
    grafana, connection = _connected(emu)
    info = detect(grafana, connection)
    resource = info.dashboards()
    assert resource is not None
    return ApisClient(grafana), resource


def _dashboard(uid: str, title: str, labels: dict | None = None) -> dict:
    return {"metadata": {"name": uid, "labels": labels or {}},
            "spec": {"title": title, "panels": [], "schemaVersion": 42}}


def test_list_pages_through_continue_and_filters_by_label(emu_13):
    apis, resource = _dashboards(emu_13)
    for n in range(7):
        apis.create(resource, _dashboard(f"d{n}", f"D{n}",
                                         {"app.kubernetes.io/managed-by": "dashsmith"}
                                         if n % 2 == 0 else None))
    assert [len(page) for page in apis.pages(resource, limit=3)] == [3, 3, 1]
    assert sorted(i["metadata"]["name"] for i in apis.list(resource, limit=3)) == \
        [f"d{n}" for n in range(7)]
    owned = apis.list(resource, label_selector="app.kubernetes.io/managed-by=dashsmith", limit=2)
    assert sorted(i["metadata"]["name"] for i in owned) == ["d0", "d2", "d4", "d6"]
    continued = [r.query for r in emu_13.requests_matching("GET", r"/dashboards$")
                 if "continue" in r.query]
    assert continued and all(q["limit"] in (["3"], ["2"]) for q in continued)
    assert all(q["labelSelector"] == ["app.kubernetes.io/managed-by=dashsmith"]
               for q in continued if q["limit"] == ["2"])


def test_update_on_a_stale_resource_version_is_a_conflict_with_the_status_message(emu_13):
    apis, resource = _dashboards(emu_13)
    created = apis.create(resource, _dashboard("probe", "Before"))
    assert apis.get(resource, "probe")["spec"]["title"] == "Before"
    emu_13.ui_edit("probe", {"title": "Edited in the UI"})
    with pytest.raises(Conflict) as raised:
        apis.update(resource, {**created, "spec": {**created["spec"], "title": "Mine"}})
    assert raised.value.status_code == 409 and raised.value.reason == "Conflict"
    assert "the object has been modified" in str(raised.value)
    assert apis.get(resource, "probe")["spec"]["title"] == "Edited in the UI"
    current = apis.get(resource, "probe")
    updated = apis.update(resource, {**current, "spec": {**current["spec"], "title": "Mine"}})
    assert updated["spec"]["title"] == "Mine"


def test_an_update_without_a_resource_version_must_say_it_is_unconditional(emu_13):
    apis, resource = _dashboards(emu_13)
    apis.create(resource, _dashboard("probe", "Before"))
    with pytest.raises(ValueError, match="resourceVersion"):
        apis.update(resource, _dashboard("probe", "After"))
    assert apis.update(resource, _dashboard("probe", "After"), unconditional=True)


def test_create_delete_and_their_refusals(emu_13):
    apis, resource = _dashboards(emu_13)
    apis.create(resource, _dashboard("probe", "One"))
    with pytest.raises(AlreadyExists, match="already exists"):
        apis.create(resource, _dashboard("probe", "Two"))
    apis.delete(resource, "probe")
    assert apis.get(resource, "probe") is None
    with pytest.raises(NotFound):
        apis.delete(resource, "probe")


def test_a_viewer_is_forbidden_to_write(emu_13):
    grafana, connection = _connected(emu_13, VIEWER)
    resource = detect(grafana, connection).dashboards()
    with pytest.raises(Forbidden) as raised:
        ApisClient(grafana).create(resource, _dashboard("probe", "No"))
    assert raised.value.status_code == 403 and VIEWER not in str(raised.value)


def test_transient_failures_are_retried(emu_13):
    apis, resource = _dashboards(emu_13)
    apis.create(resource, _dashboard("probe", "One"))
    emu_13.faults.add(r"/dashboards/probe$", method="GET", status=503, times=2)
    assert apis.get(resource, "probe")["spec"]["title"] == "One"
    assert len(emu_13.requests_matching("GET", r"/dashboards/probe$")) == 3


def test_a_delete_whose_answer_was_lost_counts_as_done(emu_13):
    apis, resource = _dashboards(emu_13)
    apis.create(resource, _dashboard("probe", "One"))
    emu_13.faults.add(r"/dashboards/probe$", method="DELETE", drop_connection=True,
                      after_processing=True)
    apis.delete(resource, "probe")
    assert apis.get(resource, "probe") is None


# --- routing writes retry a concurrent Alertmanager change ------------------------------------

ROUTING_ENV = {f"PAGERDUTY_{team}_ROUTING_KEY": f"pd-{team.lower()}"
               for team in ("AI", "APP", "INFRA", "DATABASE")} | {"SMTP_PASSWORD": "pw"} | {
    f"SLACK_{c.upper().replace('-', '_')}_WEBHOOK_URL": f"https://hooks.slack.test/{c}"
    for c in ("platform-alerts", "ai-alerts", "trading-alerts", "infra-alerts",
              "database-alerts")}


@pytest.fixture(scope="module")
def routing():
    return Project(REPO).estate.routing


@pytest.mark.parametrize("path, method", [
    (r"/api/v1/provisioning/policies$", "PUT"),
    (r"/api/v1/provisioning/contact-points$", "POST"),
    (r"/api/v1/provisioning/mute-timings$", "POST"),
])
def test_a_routing_write_that_meets_a_concurrent_change_is_sent_again(emu_11, routing, path,
                                                                      method):
    grafana, _ = _connected(emu_11)
    emu_11.faults.add(path, method=method, status=409, times=1)
    done = routing_grafana.apply(grafana, routing, ROUTING_ENV)
    assert done["created"] > 0 and done["mute_timings"] == 1
    answered = [r.status for r in emu_11.requests_matching(method, path)]
    assert answered[0] == 409 and answered[1] in (201, 202)  # the same write, sent again
    tree = grafana.alertingprovisioning.get_notification_policy_tree()
    tree.pop("provenance", None)
    assert tree == routing_grafana.policy_tree(routing)


def test_grafanas_own_conflict_answer_is_retried_on_every_release(emu, routing):
    grafana, _ = _connected(emu)
    emu.routing_conflicts(3)  # 409 alerting.notifications.conflict, nothing changed
    done = routing_grafana.apply(grafana, routing, ROUTING_ENV)
    points = [p for p in grafana.alertingprovisioning.get_contactpoints()
              if p["uid"].startswith(routing_grafana.UID_PREFIX)]
    assert done["created"] == len(points) > 0
    assert [r.status for r in emu.writes()].count(409) == 3


def test_a_409_naming_another_cause_is_not_retried(emu_11, routing):
    grafana, _ = _connected(emu_11)
    referenced = {"message": "Contact point is currently referenced by a notification policy.",
                  "messageId": "alerting.notifications.contact-points.referenced",
                  "statusCode": 409}
    emu_11.faults.add(r"/api/v1/provisioning/policies$", method="PUT", status=409,
                      body=referenced, times=None)
    with pytest.raises(Exception, match="referenced") as raised:
        routing_grafana.apply(grafana, routing, ROUTING_ENV)
    assert not retry.is_concurrent_routing_change(raised.value)
    assert len(emu_11.requests_matching("PUT", r"/api/v1/provisioning/policies$")) == 1
