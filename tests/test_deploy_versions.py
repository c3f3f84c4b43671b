"""The everyday loop — deploy, edit the code, deploy — through the real CLI against every Grafana
release family the emulator imitates (11.3, 11.6, 12.4, 13.0, 13.2).

This is issue 19's guarantee measured where users are: Grafana's versions list shows every first
version as "Initial save" (pkg/api/dashboard.go GetDashboardVersions), and on 12+ a single
version is read by its resourceVersion, not its number (dashverimpl getHistoryThroughK8s), so
ownership must come from what the server stores, on every release."""

from __future__ import annotations

import json
import re

import niquests
import pytest

from dashsmith.compiler.project import Project
from support import set_settings

try:
    from tests.grafana_emulator import GrafanaEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator

TOKEN = "glsa_versiontests_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"
VIEWER_TOKEN = "glsa_versiontests_viewer_Lr5Gh8Jk1Mn4"
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
              "url": "http://prometheus:9090", "isDefault": True}
RELEASES = ("11.3.0", "11.6.0", "12.4.0", "13.0.0", "13.2.3")
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID", "PROMETHEUS_URL")) | {
    # These tests are about Grafana; tests/test_rules_delivery.py delivers the rules.
    "DASHSMITH_RULES": "none"}


@pytest.fixture(scope="module")
def emulators():
    """One emulator per release family for the whole module, emptied for each test (starting
    one per test cost more than the tests themselves)."""
    started: dict[str, GrafanaEmulator] = {}

    def emulator(version: str) -> GrafanaEmulator:
        if version not in started:
            started[version] = GrafanaEmulator(
                version=version, tokens={TOKEN: "Admin", VIEWER_TOKEN: "Viewer"},
                datasources=[DATASOURCE]).start()
        started[version].reset()
        return started[version]

    yield emulator
    for emulator in started.values():
        emulator.stop()


@pytest.fixture(params=RELEASES)
def emu(request, emulators):
    emulator = emulators(request.param)
    yield emulator
    assert emulator.server_errors == []


def deploy(cli, emu, *args):
    return cli("deploy", *args, env={**CLEAN_ENV, "GRAFANA_URL": emu.url, "GRAFANA_TOKEN": TOKEN})


def edit(project, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def test_a_code_change_updates_what_deploy_created(cli, project, emu):
    assert deploy(cli, emu).exit_code == 0
    edit(project, "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert "~ update    dashboard ai-llm (AI / LLM): changed in code" in result.output
    panels = emu.dashboard("ai-llm")["panels"]
    assert "Completion Rate" in {panel.get("title") for panel in panels}


def test_a_redeploy_without_changes_writes_nothing(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    emu.clear_requests()
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert "\n0 created, 0 updated, " in result.output
    assert emu.writes() == []


def test_what_this_project_created_and_no_longer_declares_is_pruned(cli, project, emu):
    assert deploy(cli, emu).exit_code == 0
    (project / "dashboards" / "business.py").unlink()
    result = deploy(cli, emu, "--prune")
    assert result.exit_code == 0, result.output
    assert "- delete    dashboard tradingagents-business (Business): no longer in code" \
        in result.output
    assert emu.dashboard("tradingagents-business") is None


def test_an_edit_in_the_ui_is_drift_and_is_left_alone(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    emu.ui_edit("postgresql", {"description": "Edited by hand during an incident"},
                user="dana")
    result = deploy(cli, emu)
    assert result.exit_code == 1, result.output
    assert "! drifted   dashboard postgresql (Database)" in result.output
    # who and when, from the newest version (legacy) or the object's updatedBy (/apis)
    assert re.search(r"edited by (user:)?dana just now", result.output), result.output
    assert emu.dashboard("postgresql")["description"] == "Edited by hand during an incident"


def test_an_edit_holding_a_huge_whole_number_is_drift_not_an_unreadable_grafana(cli, emu):
    # 1e22 is a whole number beyond 64 bits: the hash must not turn it into an int (orjson
    # refuses those), and both ways of hashing a dashboard must agree on it
    assert deploy(cli, emu).exit_code == 0

    def huge(data):
        data["panels"][0].setdefault("fieldConfig", {}).setdefault("defaults", {})["max"] = 1e22

    emu.ui_edit("postgresql", huge)
    result = deploy(cli, emu)
    assert result.exit_code == 1, result.output
    assert "cannot read" not in result.output
    assert "! drifted   dashboard postgresql (Database)" in result.output


def test_import_is_advised_only_where_it_keeps_an_edit(cli, project, emu):
    assert deploy(cli, emu).exit_code == 0
    emu.ui_edit("postgresql", {"description": "Edited by hand"}, user="dana")
    # the same code deployed as another project: every dashboard is the first project's
    set_settings(project, "dashsmith.deploy", project="team-b")
    result = deploy(cli, emu, "--dry-run", "--format", "json")
    changes = {c["key"]: c for c in json.loads(result.output)["plan"]["changes"]
               if c["kind"] == "dashboard"}
    assert changes["postgresql"]["action"] == "drifted"
    assert {c["drift"] for c in changes.values() if c["action"] == "drifted"} == {"other-project"}
    text = deploy(cli, emu, "--dry-run").output
    assert "deployed by dashsmith project 'trading-platform', not by this one" in text
    assert "dashsmith import" not in text  # not team-b's edit to keep
    assert re.search(r"edited by (user:)?dana just now\n", text), text

    set_settings(project, "dashsmith.deploy", project="trading-platform")
    text = deploy(cli, emu, "--dry-run").output
    assert "keep it with `dashsmith import --uid postgresql --force`" in text
    assert text.count("dashsmith import") == 1


# --- knowing the server --------------------------------------------------------------------------

def test_the_plan_names_the_grafana_and_the_api_deploy_uses(cli, emu):
    result = deploy(cli, emu, "--dry-run")
    assert result.exit_code == 0, result.output
    api = "/api (legacy)" if emu.version.startswith("11.") else "dashboard.grafana.app/v1"
    if emu.version.startswith("12."):
        api = "dashboard.grafana.app/v1beta1"
    assert f"Grafana {emu.version} · dashboards via {api} · namespace default" in result.output

    as_json = json.loads(deploy(cli, emu, "--dry-run", "--format", "json").output)
    assert as_json["server"]["version"] == emu.version
    assert as_json["server"]["dashboard_api"] == api


def test_a_read_only_token_is_named_before_the_plan_and_nothing_is_written(cli, emu):
    # A Viewer's service-account token: GET /api/access-control/user/permissions lists no write
    # (the emulator answers it as Grafana does for the basic role, access_control.py).
    result = cli("deploy", env={**CLEAN_ENV, "GRAFANA_URL": emu.url,
                                "GRAFANA_TOKEN": VIEWER_TOKEN})
    assert result.exit_code == 2, result.output
    assert "may not create folders (folders:create); create dashboards (dashboards:create)" \
        in result.output
    assert "nothing was changed" in result.output
    assert VIEWER_TOKEN not in result.output
    assert emu.writes() == []
    assert emu.requests_matching("GET", "^/api/search") == []  # stopped before reading


# --- what 12+ stores: schema v2, other tools' edits and dashboards, search lag -------------------

UNIFIED = RELEASES[2:]  # 12.4, 13.0, 13.2: dashboards in unified storage behind /apis


@pytest.fixture(params=UNIFIED)
def emu12(request, emulators):
    emulator = emulators(request.param)
    yield emulator
    assert emulator.server_errors == []


def test_a_dashboard_turned_into_schema_v2_in_the_ui_is_drift_and_the_rest_deploys(
        cli, project, emu12):
    assert deploy(cli, emu12).exit_code == 0
    emu12.ui_save_v2("postgresql", tabs=True)
    edit(project, "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    result = deploy(cli, emu12)
    assert result.exit_code == 1, result.output
    assert ("! drifted   dashboard postgresql (Database): converted to a dynamic dashboard "
            "(schema v2) in Grafana") in result.output
    assert "~ update    dashboard ai-llm (AI / LLM): changed in code" in result.output
    assert emu12.dashboard_api_version("postgresql").startswith("v2")


def test_force_alone_does_not_overwrite_a_v2_dashboard_and_names_what_would_be_lost(
        cli, emu12):
    assert deploy(cli, emu12).exit_code == 0
    emu12.ui_save_v2("postgresql", tabs=True)
    result = deploy(cli, emu12, "--force")
    assert result.exit_code == 1, result.output
    assert "--force alone does not overwrite it: that loses tabs 'Overview'" in result.output
    assert "add --force-v2 postgresql to confirm" in result.output
    assert emu12.dashboard_api_version("postgresql").startswith("v2")

    result = deploy(cli, emu12, "--force", "--force-v2", "postgresql")
    assert result.exit_code == 0, result.output
    assert "--force-v2: overwrite with the code's v1 dashboard, losing tabs 'Overview'" \
        in result.output
    assert not emu12.dashboard_api_version("postgresql").startswith("v2")
    assert deploy(cli, emu12).exit_code == 0


def test_a_kubectl_edit_that_keeps_dashsmiths_annotations_is_drift_never_pruned(
        cli, project, emu12):
    assert deploy(cli, emu12).exit_code == 0
    emu12.k8s_edit("tradingagents-business", {"description": "edited with kubectl"})
    result = deploy(cli, emu12)
    assert result.exit_code == 1, result.output
    assert ("! drifted   dashboard tradingagents-business (Business): edited in Grafana since "
            "dashsmith deployed it") in result.output

    (project / "dashboards" / "business.py").unlink()
    result = deploy(cli, emu12, "--prune")
    assert result.exit_code == 1, result.output
    assert "no longer in code, but edited in Grafana since dashsmith deployed it" in result.output
    assert emu12.dashboard("tradingagents-business")["description"] == "edited with kubectl"


def test_search_lag_makes_no_duplicate_and_no_false_failure(cli, emu12):
    emu12.search_lag(60)
    first = deploy(cli, emu12)
    assert first.exit_code == 0, first.output
    emu12.clear_requests()
    again = deploy(cli, emu12)
    assert again.exit_code == 0, again.output
    assert "\n0 created, 0 updated, " in again.output
    assert emu12.writes() == []


def test_a_folder_made_in_grafana_seconds_ago_is_reused_though_search_lags(cli, emu12):
    # Someone made the folder "Trading Platform" a moment ago: search (a lagging index on
    # 12+) does not list it yet, folder.grafana.app (storage) does; deploy uses it rather
    # than making a second folder of the same title beside it.
    emu12.search_lag(60)
    emu12.add_folder("Trading Platform", uid="made-in-the-ui")
    assert [hit["uid"] for hit in search_folders(emu12)] == []  # the index lags indeed
    result = deploy(cli, emu12)
    assert result.exit_code == 0, result.output
    assert ("folder trading-platform: using the existing folder made-in-the-ui (same title "
            "path)") in result.output
    assert emu12.folder("trading-platform") is None
    assert emu12.folder(emu12.dashboard_folder("ai-llm"))["parentUid"] == "made-in-the-ui"


def search_folders(emu) -> list[dict]:
    answer = niquests.get(f"{emu.url}/api/search", params={"type": "dash-folder"},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def test_a_dashboard_another_tool_manages_is_named_and_left_alone_even_with_force(cli, emu12):
    assert deploy(cli, emu12).exit_code == 0
    stored = emu12.dashboard("postgresql")
    emu12.add_dashboard({**stored, "description": "Terraform's"}, emu12.dashboard_folder(
        "postgresql"), manager=("terraform", "tf-id"))
    for args in ((), ("--force",)):
        result = deploy(cli, emu12, *args)
        assert result.exit_code == 1, result.output
        assert ("! drifted   dashboard postgresql (Database): managed by terraform:tf-id; "
                "left alone") in result.output
        assert "failed — not applied" not in result.output
        assert emu12.dashboard("postgresql")["description"] == "Terraform's"


def test_a_file_provisioned_dashboard_is_named_and_left_alone(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    emu.ui_edit("postgresql", {"description": "from a file"})
    emu.provision("postgresql")
    result = deploy(cli, emu, "--force")
    assert result.exit_code == 1, result.output
    assert "managed by classic-file-provisioning:postgresql.json; left alone" in result.output
    assert emu.dashboard("postgresql")["description"] == "from a file"


# --- alerting ------------------------------------------------------------------------------------

def test_keep_firing_for_reaches_grafana_where_it_is_kept_and_is_named_where_not(cli, project,
                                                                                 emu):
    edit(project, "alerts/postgres.py", 'expr="pg_up == 0",\n        for_="1m",',
         'expr="pg_up == 0",\n        for_="1m",\n        keep_firing_for="5m",')
    secrets = {s.env: "x" for s in Project(str(project)).estate.routing.secrets() if s.env}
    result = cli("deploy", "--grafana-alerts", env={**CLEAN_ENV, "GRAFANA_URL": emu.url,
                                                    "GRAFANA_TOKEN": TOKEN, **secrets})
    assert result.exit_code == 0, result.output
    down_rule = next(rule for rule in map(emu.alert_rule, list(emu.store.alert_rules))
                     if rule["title"] == "PostgresqlDown")
    down = [line for line in result.output.splitlines() if "has no keep_firing_for" in line]
    if emu.version.startswith("11."):
        assert down and "PostgresqlDown" in down[0]
        assert down_rule.get("keep_firing_for") in (None, "0s")
    else:
        assert not down
        assert down_rule["keep_firing_for"] == "5m"
        again = cli("deploy", "--grafana-alerts", env={**CLEAN_ENV, "GRAFANA_URL": emu.url,
                                                       "GRAFANA_TOKEN": TOKEN, **secrets})
        assert again.exit_code == 0 and "\n0 created, 0 updated, " in again.output, again.output
