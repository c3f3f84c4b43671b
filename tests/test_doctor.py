"""`dashsmith doctor`: what a user learns about their Grafana before a deploy, through the CLI
against the emulator of each Grafana release family.

The emulator serves GET /api/access-control/user/permissions as Grafana does for each basic
role (tests/grafana_emulator/access_control.py), so the Admin and Viewer tokens below are
checked against it. Where a test needs narrower grants (an Editor limited to some folders) or a
Grafana that does not list them (404: an older release, a proxy), a fault answers instead.
"""

from __future__ import annotations

import json
import socket

import pytest

from grafana_emulator import GrafanaEmulator

ADMIN = "glsa_doctortests_admin_Zx8Cv6Bn4Mq2Lp0"
EDITOR = "glsa_doctortests_editor_Wd3Fg5Hj7Kl9Np1"
VIEWER = "glsa_doctortests_viewer_Rt2Yu4Io6Pa8Sd0"
TOKENS = {ADMIN: "Admin", EDITOR: "Editor", VIEWER: "Viewer"}
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus", "isDefault": True}
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID"))
PERMISSIONS_PATH = r"^/api/access-control/user/permissions$"

READ = {"dashboards:read": ["dashboards:*", "folders:*"], "folders:read": ["folders:*"],
        "datasources:query": ["datasources:*"]}
# An Editor whose grants stop at some folders (the emulator's Editor reaches every folder):
# fixed:folders:creator (no scope), fixed:dashboards:creator (the root); saving and deleting
# through the permissions of the folders the Editor may edit
NARROW_EDITOR = {**READ, "folders:create": [""], "dashboards:create": ["folders:uid:general"],
                 "dashboards:write": ["folders:uid:general", "folders:uid:team-a"],
                 "dashboards:delete": ["folders:uid:general", "folders:uid:team-a"],
                 "folders:write": ["folders:uid:team-a"]}
RELEASES = ("11.3.0", "11.6.1", "12.4.2", "13.0.1", "13.2.3")
# the status a stale legacy save answers, and whether an identical save makes a new version
STALE_STATUS = {"11.3.0": 412, "11.6.1": 412, "12.4.2": 412, "13.0.1": 412, "13.2.3": 409}
IDENTICAL_SAVE_IS_A_VERSION = {"11.3.0": True, "11.6.1": True, "12.4.2": False, "13.0.1": False,
                               "13.2.3": False}


def _emulator(version: str = "11.3.0") -> GrafanaEmulator:
    return GrafanaEmulator(version=version, tokens=TOKENS, datasources=[DATASOURCE])


@pytest.fixture
def emu():
    with _emulator() as emu:
        yield emu
        assert emu.server_errors == []


@pytest.fixture(params=RELEASES)
def release(request):
    with _emulator(request.param) as emu:
        yield emu
        assert emu.server_errors == []


def _lists_permissions(emu, permissions: dict) -> None:
    emu.faults.add(PERMISSIONS_PATH, method="GET", status=200, body=permissions, times=None)


def _does_not_list_permissions(emu) -> None:
    emu.faults.add(PERMISSIONS_PATH, method="GET", status=404, times=None,
                   body={"message": "Not found"})


def _doctor(cli, emu, token: str, *args: str):
    return cli("doctor", *args, env={**CLEAN_ENV, "GRAFANA_URL": emu.url, "GRAFANA_TOKEN": token})


def _left_behind(emu) -> tuple[list, list]:
    return list(emu.store.dashboards), list(emu.store.folders)


def test_an_admin_token_on_11_3_can_deploy_through_the_legacy_api(cli, emu):
    result = _doctor(cli, emu, ADMIN)
    assert result.exit_code == 0, result.output
    assert "Grafana 11.3.0 · dashboards via /api (legacy) · namespace default" in result.output
    assert "/apis serves neither dashboards nor folders" in result.output
    assert "ok         create folders (folders:create)" in result.output
    assert "ok         create dashboards (dashboards:create)" in result.output
    assert "ok         query the data source 'Prometheus' (uid prom-main)" in result.output
    assert result.output.rstrip().endswith("deploy can proceed")
    assert emu.writes() == []


def test_each_release_is_described_by_the_api_deploy_will_use(cli, release):
    result = _doctor(cli, release, ADMIN, "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    api = {"11": "/api (legacy)", "12": "dashboard.grafana.app/v1beta1",
           "13": "dashboard.grafana.app/v1"}[release.version.split(".")[0]]
    assert found["grafana"]["describe"] == \
        f"Grafana {release.version} · dashboards via {api} · namespace default"
    assert found["grafana"]["stale_save_status"] == STALE_STATUS[release.version]
    assert found["missing"] == [] and found["exit"] == 0 and found["probe"] is None


def test_a_viewer_token_is_named_missing_permissions_before_any_write(cli, emu):
    result = _doctor(cli, emu, VIEWER, "--probe")
    assert result.exit_code == 1, result.output
    assert "MISSING    create folders (folders:create)" in result.output
    assert "MISSING    create dashboards (dashboards:create)" in result.output
    assert "deploy cannot proceed: create folders (folders:create); create dashboards " \
           "(dashboards:create); save dashboards (dashboards:write)" in result.output
    assert "probe: skipped" in result.output
    assert emu.writes() == []


def test_an_editor_can_deploy_and_is_told_where_its_grants_stop(cli, emu):
    _lists_permissions(emu, NARROW_EDITOR)
    result = _doctor(cli, emu, EDITOR)
    assert result.exit_code == 0, result.output
    assert "ok         create dashboards (dashboards:create), only in folders:uid:general" \
        in result.output
    assert "missing    write alert rules (alert.provisioning:write or " \
           "alert.rules.provisioning:write): for deploy --grafana-alerts" in result.output


def test_without_grafanas_permission_list_the_permissions_are_unverified_not_guessed(cli, emu):
    _does_not_list_permissions(emu)
    result = _doctor(cli, emu, VIEWER)
    assert result.exit_code == 0, result.output
    assert "permissions: not verified" in result.output
    assert "answered 404" in result.output and "--probe" in result.output
    assert "unverified create folders (folders:create)" in result.output
    assert "deploy can proceed (permissions unverified)" in result.output


def test_unverified_permissions_are_learnt_by_the_probe_whose_first_write_is_refused(cli, emu):
    _does_not_list_permissions(emu)
    result = _doctor(cli, emu, VIEWER, "--probe")
    assert result.exit_code == 1, result.output
    assert "probe stopped: cannot create the scratch folder: 403" in result.output
    assert "folders:create" in result.output.split("deploy cannot proceed:")[1]
    assert [r.path for r in emu.writes()] == ["/api/folders"]
    assert _left_behind(emu) == ([], [])


def test_a_data_source_the_account_cannot_query_is_named(cli, emu):
    result = _doctor(cli, emu, ADMIN, "--datasource", "Loki")
    assert result.exit_code == 1, result.output
    assert "MISSING    query the data source 'Loki'" in result.output
    assert "deploy cannot proceed: the data source 'Loki'" in result.output


def test_the_probe_measures_this_release_and_deletes_what_it_made(cli, release):
    result = _doctor(cli, release, ADMIN, "--probe", "--format", "json")
    assert result.exit_code == 0, result.output
    probe = json.loads(result.output)["probe"]
    assert probe["stale_save_status"] == STALE_STATUS[release.version]
    assert probe["identical_save_new_version"] is IDENTICAL_SAVE_IS_A_VERSION[release.version]
    assert probe["search_lag_seconds"] is not None
    if release.version.startswith("11"):
        assert probe["apis_stale_status"] is None
    else:  # the /apis path: a stale resourceVersion is a conflict, an identical PUT no version
        assert probe["apis_stale_status"] == 409
        assert probe["apis_identical_keeps_generation"] is True
    assert probe["cleaned_up"] and len(probe["deleted"]) == 2
    assert _left_behind(release) == ([], [])


def test_the_probe_shows_search_lag_on_12_and_later(cli):
    with _emulator("12.4.2") as emu:
        emu.search_lag(0.4)
        result = _doctor(cli, emu, ADMIN, "--probe", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["probe"]["search_lag_seconds"] >= 0.4
        emu.search_lag(5)
        result = _doctor(cli, emu, ADMIN, "--probe", "--search-wait", "0.2")
        assert result.exit_code == 0, result.output
        assert "the new dashboard was not in /api/search within 0.2 s" in result.output
        assert _left_behind(emu) == ([], [])


def test_a_probe_that_fails_midway_still_deletes_both(cli, emu):
    emu.faults.add(r"^/api/search$", method="GET", status=500, times=None)
    result = _doctor(cli, emu, ADMIN, "--probe")
    assert result.exit_code == 1, result.output
    assert "probe stopped: 500" in result.output
    assert "cleaned up: deleted dashboard dashsmith-doctor-" in result.output
    assert _left_behind(emu) == ([], [])


def test_a_cleanup_that_fails_says_what_to_delete_by_hand(cli, emu):
    emu.faults.add(r"^/api/folders/dashsmith-doctor-", method="DELETE", status=500, times=None)
    result = _doctor(cli, emu, ADMIN, "--probe")
    assert result.exit_code == 1, result.output
    assert "cleanup FAILED: folder dashsmith-doctor-" in result.output
    assert "delete it by hand" in result.output
    assert list(emu.store.dashboards) == []


def test_grafana_that_cannot_be_reached_exits_2(cli):
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    env = {**CLEAN_ENV, "GRAFANA_URL": f"http://127.0.0.1:{port}", "GRAFANA_TOKEN": ADMIN}
    result = cli("doctor", "--format", "json", "--timeout", "1", env=env)
    assert result.exit_code == 2
    found = json.loads(result.stdout)
    assert found["exit"] == 2 and "connection refused" in found["error"]
    assert ADMIN not in result.output


def test_no_url_exits_2(cli):
    result = cli("doctor", env=CLEAN_ENV)
    assert result.exit_code == 2
    assert "no Grafana URL" in result.output


@pytest.mark.parametrize("args", [(), ("--probe",), ("--format", "json"),
                                  ("--probe", "--format", "json")])
def test_the_token_is_never_printed(cli, emu, args):
    for token in (ADMIN, "glsa_doctortests_unknown_Qa1Ws2Ed3Rf4"):
        result = _doctor(cli, emu, token, *args)
        assert token not in result.output
    assert result.exit_code == 2  # the unknown token: Grafana refused it
    assert "401" in result.output
