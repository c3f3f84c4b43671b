"""`dashsmith deploy` as a user runs it: the real CLI against the Grafana emulator (and against a
real Grafana when GRAFANA_TEST_URL and GRAFANA_TEST_TOKEN are set; skipped otherwise).

Tests that need the emulator's hooks (fault injection, the request log) run on it only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest
from grafana_client import GrafanaApi
from hypothesis import given, settings, strategies as st

from dashsmith.commands.deploy import alerting
from dashsmith.commands.deploy.desired import desired_state
from dashsmith.compiler.project import Project
from dashsmith.grafana.content import content_hash, dashboard_hash, normalize_dashboard
from dashsmith.model import folders
from support import require_binary, set_settings

try:
    from tests.grafana_emulator import GrafanaEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator

TOKEN = "glsa_deploytests_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"
EDITOR_TOKEN = "glsa_deploytests_editor_Ab12Cd34Ef56Gh78Ij90"
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
              "url": "http://prometheus:9090", "isDefault": True}
# Outside variables that would change what deploy connects to.
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID", "PROMETHEUS_URL")) | {
    # These tests are about Grafana; tests/test_rules_delivery.py delivers the rules.
    "DASHSMITH_RULES": "none"}
MARKER = "managed-by:dashsmith"


class Expected:
    """What the project under test declares, counted the way deploy reports it."""

    def __init__(self, root):
        project = Project(str(root))
        built = project.build()
        desired = desired_state(built.dashboards)
        self.dashboards = {d.uid for d in desired.dashboards}
        self.folders = {f.uid for f in desired.folders}
        self.items = len(self.dashboards) + len(self.folders)
        groups, _ = alerting.rule_groups(project.estate, built.rule_files, "any", "Alerts",
                                         project="any", editable=False)
        self.alert_items = self.items + len(groups) + 1  # the groups and their folder
        self.routing = project.estate.routing
        # --grafana-alerts reads the routing's secrets (from the environment) before any write
        self.secrets = {s.env: f"value-of-{s.env.lower()}" for s in self.routing.secrets()
                        if s.env} if self.routing else {}


@pytest.fixture
def expected(project) -> Expected:
    return Expected(project)


# --- targets: the emulator, or a real Grafana --------------------------------------------------

class Target:
    """A Grafana that deploy tests run against, seen through its HTTP API."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token
        self.api = GrafanaApi.from_url(url, credential=token)

    def env(self, **extra) -> dict:
        return {**CLEAN_ENV, "GRAFANA_URL": self.url, "GRAFANA_TOKEN": self.token, **extra}

    def dashboard(self, uid: str) -> dict | None:
        try:
            return self.api.dashboard.get_dashboard(uid)
        except Exception:  # noqa: BLE001 - 404
            return None

    def versions(self) -> dict[str, int]:
        """{uid: version} of every dashboard."""
        hits = self.api.client.GET("/search", params={"type": "dash-db", "limit": 5000})
        return {hit["uid"]: self.dashboard(hit["uid"])["meta"]["version"] for hit in hits}

    def folder(self, uid: str) -> dict | None:
        try:
            return self.api.folder.get_folder(uid)
        except Exception:  # noqa: BLE001 - 404
            return None

    def ui_edit(self, uid: str, **changes) -> None:
        """Save the dashboard as someone in the UI would: new content, no dashsmith message."""
        current = self.dashboard(uid)
        data = {**current["dashboard"], **changes}
        self.api.dashboard.update_dashboard({"dashboard": data,
                                             "folderUid": current["meta"]["folderUid"],
                                             "overwrite": False, "message": "edited in the UI"})

    def add_dashboard(self, uid: str, title: str, folder_uid: str = "", tags=()) -> None:
        self.api.dashboard.update_dashboard({"dashboard": {"uid": uid, "title": title,
                                                           "tags": list(tags), "panels": []},
                                             "folderUid": folder_uid, "overwrite": True})

    def rule_group(self, folder_uid: str, name: str) -> dict | None:
        try:
            return self.api.client.GET(f"/v1/provisioning/folder/{folder_uid}/rule-groups/{name}")
        except Exception:  # noqa: BLE001 - 404
            return None


class RealGrafana(Target):
    """A real Grafana for these tests: everything they create is removed before and after."""

    SEEDED = ("deploytest-unmanaged", "deploytest-foreign")

    def clean(self) -> None:
        for hit in self.api.client.GET("/search", params={"type": "dash-db", "tag": MARKER}):
            self.api.dashboard.delete_dashboard(hit["uid"])
        for uid in (*self.SEEDED, "postgresql"):
            if self.dashboard(uid):
                self.api.dashboard.delete_dashboard(uid)
        for uid in ("alerts", "trading-platform"):
            if self.folder(uid):
                self.api.folder.delete_folder(uid, force_delete_rules="true")


# What deploy sends to create a dashboard or a folder: POST /api/dashboards/db and POST
# /api/folders on 11.x, POST of the dashboard.grafana.app and folder.grafana.app collections on
# 12+ (the /apis path); an update of a dashboard is the legacy POST again, or a PUT of the item.
LEGACY_SAVE = r"^/api/dashboards/db$"
APIS_DASHBOARDS = r"^/apis/dashboard\.grafana\.app/[^/]+/namespaces/default/dashboards$"
APIS_DASHBOARD = r"^/apis/dashboard\.grafana\.app/[^/]+/namespaces/default/dashboards/{}$"


def creates(emu) -> str:
    """The path of a dashboard create (POST) on `emu`'s release family."""
    return APIS_DASHBOARDS if emu.behaviour.serves_apis else LEGACY_SAVE


def folder_creates(emu) -> str:
    return (r"^/apis/folder\.grafana\.app/[^/]+/namespaces/default/folders$"
            if emu.behaviour.serves_apis else r"^/api/folders$")


def updates(emu, uid: str) -> tuple[str, str]:
    """(method, path) of an update of dashboard `uid` on `emu`'s release family."""
    if emu.behaviour.serves_apis:
        return "PUT", APIS_DASHBOARD.format(uid)
    return "POST", LEGACY_SAVE


# Every Grafana release family the emulator imitates (tests/grafana_emulator/behaviour.py):
# each test using `emulated` (or `grafana`) runs on each.
RELEASES = ("11.3.0", "11.6.0", "12.4.0", "13.0.0", "13.2.3")


@pytest.fixture(scope="module")
def emulators():
    """emulators(version): one running emulator per release, started when first asked for."""
    started: dict[str, GrafanaEmulator] = {}

    def emulator(version: str) -> GrafanaEmulator:
        if version not in started:
            started[version] = GrafanaEmulator(
                version=version, tokens={TOKEN: "Admin", EDITOR_TOKEN: "Editor"},
                datasources=[DATASOURCE]).start()
        return started[version]

    yield emulator
    for emu in started.values():
        emu.stop()


def _emulated(emulators, version: str):
    emulator = emulators(version)
    emulator.reset()
    target = Target(emulator.url, TOKEN)
    target.emu = emulator
    yield target
    assert emulator.server_errors == []


@pytest.fixture(params=RELEASES)
def emulated(request, emulators):
    """The emulator of one release family, empty, with its hooks: `.emu` is the
    GrafanaEmulator."""
    yield from _emulated(emulators, request.param)


@pytest.fixture
def any_family(emulators):
    """One release family (the newest), for what every family does alike: the pre-flight,
    the settings, the alerting and routing writes (the same provisioning API on each), a
    plan file's own checks. What depends on the dashboard API takes `emulated`."""
    yield from _emulated(emulators, RELEASES[-1])


@pytest.fixture(params=[*RELEASES, "real-grafana"])
def grafana(request, emulators):
    if request.param != "real-grafana":
        yield from _emulated(emulators, request.param)
        return
    url, token = os.environ.get("GRAFANA_TEST_URL"), os.environ.get("GRAFANA_TEST_TOKEN")
    if not (url and token):
        pytest.skip("GRAFANA_TEST_URL and GRAFANA_TEST_TOKEN are not set")
    target = RealGrafana(url, token)
    target.clean()
    yield target
    target.clean()


def deploy(cli, target: Target, *args, **env):
    return cli("deploy", *args, env=target.env(**env))


def edit(project, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


# --- first deploy, redeploy, code change ---------------------------------------------------------

def test_first_deploy_creates_folders_then_marked_dashboards(cli, grafana, expected):
    result = deploy(cli, grafana)
    assert result.exit_code == 0, result.output
    assert f"{expected.items} created, 0 updated, 0 unchanged" in result.output
    for uid in expected.dashboards:
        stored = grafana.dashboard(uid)
        assert MARKER in stored["dashboard"]["tags"]
        assert stored["meta"]["folderUid"]
    ai = grafana.dashboard("ai-llm")
    assert ai["meta"]["folderUid"] == "trading-platform-ai"
    assert grafana.folder("trading-platform-ai")["parentUid"] == "trading-platform"


def test_redeploy_without_changes_writes_nothing(cli, grafana, expected):
    assert deploy(cli, grafana).exit_code == 0
    before = grafana.versions()
    result = deploy(cli, grafana)
    assert result.exit_code == 0, result.output
    assert f"0 created, 0 updated, {expected.items} unchanged" in result.output
    assert grafana.versions() == before


def test_redeploy_without_changes_sends_no_write_request(cli, emulated):
    deploy(cli, emulated)
    emulated.emu.clear_requests()
    assert deploy(cli, emulated).exit_code == 0
    assert emulated.emu.writes() == []
    # no dashboard content is read either: the newest version entry shows dashsmith saved it
    assert emulated.emu.requests_matching("GET", r"^/api/dashboards/uid/[^/]+$") == []


def test_code_change_updates_only_that_dashboard(cli, project, grafana):
    deploy(cli, grafana)
    before = grafana.versions()
    edit(project, "dashboards/ai.py", "Completions, tokens, spend", "Completions, token use, spend")
    result = deploy(cli, grafana)
    assert result.exit_code == 0, result.output
    assert "~ update    dashboard ai-llm (AI / LLM): changed in code" in result.output
    after = grafana.versions()
    assert after["ai-llm"] == before["ai-llm"] + 1
    assert {uid: v for uid, v in after.items() if uid != "ai-llm"} == \
           {uid: v for uid, v in before.items() if uid != "ai-llm"}
    assert grafana.dashboard("ai-llm")["dashboard"]["description"].startswith(
        "Completions, token use")


def test_dry_run_prints_the_plan_and_writes_nothing(cli, project, emulated, expected):
    deploy(cli, emulated)
    edit(project, "dashboards/ai.py", "Completions, tokens, spend", "Completions, token use, spend")
    emulated.emu.clear_requests()
    result = deploy(cli, emulated, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert "description: Completions, [-tokens-]{+token use+}, spend" in result.output
    assert emulated.emu.writes() == []

    as_json = json.loads(deploy(cli, emulated, "--dry-run", "--format", "json").output)
    changes = {c["key"]: c for c in as_json["plan"]["changes"]}
    assert changes["ai-llm"]["action"] == "update"
    assert changes["postgresql"]["action"] == "unchanged"
    assert as_json["plan"]["summary"] == {"create": 0, "update": 1, "unchanged": expected.items - 1,
                                          "drifted": 0, "delete": 0}
    assert "result" not in as_json
    assert emulated.emu.writes() == []


def test_nested_folders_are_created_parent_first(cli, project, emulated):
    edit(project, "dashboards/ai.py", 'folder="Trading Platform/AI"',
         'folder="Trading Platform/AI/Models/Claude"')
    result = deploy(cli, emulated)
    assert result.exit_code == 0, result.output
    created = [r.body for r in emulated.emu.requests_matching("POST",
                                                              folder_creates(emulated.emu))]
    order = [body["metadata"]["name"] if "metadata" in body else body["uid"] for body in created]
    for uid, _title, parent in folders.lineage("Trading Platform/AI/Models/Claude"):
        assert emulated.folder(uid)["parentUid" if parent else "uid"] == (parent or uid)
        if parent:
            assert order.index(parent) < order.index(uid)
    assert (emulated.emu.dashboard_folder("ai-llm")
            == folders.folder_uid("Trading Platform/AI/Models/Claude"))


# --- drift ----------------------------------------------------------------------------------------

def test_a_folder_renamed_in_grafana_is_not_renamed_back_without_force(cli, emulated):
    assert deploy(cli, emulated).exit_code == 0
    version = emulated.api.folder.get_folder("trading-platform")["version"]
    emulated.api.folder.update_folder("trading-platform", title="Platform (team X)",
                                      version=version)
    result = deploy(cli, emulated)
    assert result.exit_code == 1
    assert ("folder trading-platform (Trading Platform): renamed or moved in Grafana (title "
            "'Platform (team X)' → 'Trading Platform')") in result.output
    assert emulated.emu.folder("trading-platform")["title"] == "Platform (team X)"
    assert deploy(cli, emulated, "--force").exit_code == 0
    assert emulated.emu.folder("trading-platform")["title"] == "Trading Platform"


def test_ui_edit_is_refused_with_a_diff_then_overwritten_with_force(cli, grafana):
    deploy(cli, grafana)
    grafana.ui_edit("postgresql", description="Edited by hand during an incident")
    result = deploy(cli, grafana)
    assert result.exit_code == 1, result.output
    assert ("! drifted   dashboard postgresql (Database): edited in Grafana since dashsmith "
            "deployed it") in result.output
    assert "description: [-Edited-]{+Availability,+} [-by-]{+connections,+}" in result.output
    assert grafana.dashboard("postgresql")["dashboard"]["description"] == \
        "Edited by hand during an incident"

    result = deploy(cli, grafana, "--force")
    assert result.exit_code == 0, result.output
    assert grafana.dashboard("postgresql")["dashboard"]["description"] != \
        "Edited by hand during an incident"
    assert deploy(cli, grafana).exit_code == 0


def test_drifted_dashboard_does_not_hold_back_the_others(cli, project, emulated, expected):
    deploy(cli, emulated)
    emulated.ui_edit("postgresql", description="hand edit")
    edit(project, "dashboards/ai.py", "Completions, tokens, spend", "Completions, token use, spend")
    result = deploy(cli, emulated)
    assert result.exit_code == 1
    assert f"0 created, 1 updated, {expected.items - 2} unchanged, 1 drifted, 0 deleted, 0 failed" \
        in result.output
    assert "token use" in emulated.dashboard("ai-llm")["dashboard"]["description"]


def test_dashboard_not_deployed_by_dashsmith_is_not_taken_over_without_force(cli, grafana):
    grafana.add_dashboard("postgresql", "Someone else's database dashboard")
    result = deploy(cli, grafana)
    assert result.exit_code == 1
    assert ("dashboard postgresql (Database): in Grafana, but not deployed by dashsmith"
            in result.output)
    assert (grafana.dashboard("postgresql")["dashboard"]["title"]
            == "Someone else's database dashboard")
    assert deploy(cli, grafana, "--force").exit_code == 0
    assert MARKER in grafana.dashboard("postgresql")["dashboard"]["tags"]


def test_edit_between_plan_and_save_is_caught_not_overwritten(cli, emulated):
    deploy(cli, emulated)
    edit_text = "concurrent edit"
    emulated.ui_edit("postgresql", description="first edit")
    deploy(cli, emulated, "--force")  # back to the code
    # Someone saves in the UI right before deploy's (forced) save reaches Grafana:
    emulated.ui_edit("postgresql", description="second edit")
    method, path = updates(emulated.emu, "postgresql")
    emulated.emu.faults.add(path, method=method, concurrent_edit="postgresql")
    result = deploy(cli, emulated, "--force")
    assert result.exit_code == 1, result.output
    # the legacy save: 412, 409 from 13.1; a PUT on the /apis path with a stale
    # resourceVersion: 409
    stale = 409 if emulated.emu.version.startswith("13.2") or emulated.emu.behaviour.serves_apis \
        else 412
    assert f"dashboard postgresql was changed in Grafana during this deploy ({stale}" \
        in result.output
    assert emulated.dashboard("postgresql")["dashboard"]["description"] != edit_text
    assert (emulated.dashboard("postgresql")["meta"]["version"]
            == max(emulated.emu.dashboard_versions("postgresql")))
    rerun = deploy(cli, emulated)
    assert rerun.exit_code == 1 and "drifted   dashboard postgresql" in rerun.output


# --- prune ----------------------------------------------------------------------------------------

def test_prune_deletes_only_what_dashsmith_deployed(cli, project, grafana, expected):
    deploy(cli, grafana)
    grafana.add_dashboard("deploytest-unmanaged", "Hand-made", folder_uid="trading-platform",
                          tags=["business"])
    (project / "dashboards" / "business.py").unlink()

    kept = deploy(cli, grafana)
    assert kept.exit_code == 0, kept.output
    assert "dashboard tradingagents-business (Business)" in kept.output
    assert "deploy --prune deletes them" in kept.output
    assert grafana.dashboard("tradingagents-business") is not None

    pruned = deploy(cli, grafana, "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert ("- delete    dashboard tradingagents-business (Business): no longer in code"
            in pruned.output)
    assert grafana.dashboard("tradingagents-business") is None
    assert grafana.dashboard("deploytest-unmanaged") is not None
    assert all(grafana.dashboard(uid) for uid in expected.dashboards - {"tradingagents-business"})


def test_another_project_neither_takes_over_nor_prunes_what_this_one_deployed(cli, project,
                                                                              emulated, expected):
    assert deploy(cli, emulated).exit_code == 0  # as project trading-platform (setup.cfg)
    set_settings(project, "dashsmith.deploy", project="team-b")
    (project / "dashboards" / "business.py").unlink()
    edit(project, "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    emulated.emu.clear_requests()
    result = deploy(cli, emulated, "--prune")
    assert result.exit_code == 1
    assert ("! drifted   dashboard ai-llm (AI / LLM): deployed by dashsmith project "
            "'trading-platform', not by this one ('team-b')") in result.output
    assert "tradingagents-business" not in result.output
    assert emulated.emu.writes() == []
    # another project's dashboard outside the code: its newest version entry is all it reads
    assert not emulated.emu.requests_matching("GET", "^/api/dashboards/uid/tradingagents-business$")
    forced = deploy(cli, emulated, "--prune", "--force")  # takes over what its code declares...
    assert forced.exit_code == 0, forced.output
    assert emulated.dashboard("tradingagents-business") is not None  # ...and deletes nothing


def test_what_a_release_before_projects_deployed_is_this_projects(cli, project, emulated):
    assert deploy(cli, emulated).exit_code == 0
    # the message stored (the versions list shows a first version as "Initial save"):
    # "dashsmith deploy sha256:<hash> project:trading-platform"
    message = emulated.emu.store.versions["ai-llm"][-1].message
    # saved as such a release saved it: the code's JSON through the legacy save (on 12+ what
    # Grafana holds now is schema-migrated, from the /apis path)
    code = next(d.json for d in desired_state(Project(str(project)).build().dashboards).dashboards
                if d.uid == "ai-llm")
    emulated.emu.add_dashboard(code, "trading-platform-ai",
                               message=message.rsplit(" project:", 1)[0])  # as before projects
    edit(project, "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    result = deploy(cli, emulated)
    assert result.exit_code == 0, result.output
    assert "~ update    dashboard ai-llm (AI / LLM): changed in code" in result.output


def test_prune_stops_before_any_write_above_max_deletes(cli, project, emulated):
    deploy(cli, emulated)
    for name in ("business.py", "agents.py"):
        (project / "dashboards" / name).unlink()
    edit(project, "dashboards/ai.py", "Completions, tokens, spend", "Completions, token use, spend")
    emulated.emu.clear_requests()
    result = deploy(cli, emulated, "--prune", "--max-deletes", "1")
    assert result.exit_code == 2
    assert "deletes 2 item(s), more than --max-deletes 1; nothing was changed" in result.output
    assert emulated.emu.writes() == []
    assert deploy(cli, emulated, "--prune", "--max-deletes", "2").exit_code == 0
    assert emulated.dashboard("tradingagents-agents") is None


def test_prune_keeps_a_removed_dashboard_edited_in_grafana(cli, project, emulated):
    deploy(cli, emulated)
    emulated.ui_edit("tradingagents-business", description="someone still uses this")
    (project / "dashboards" / "business.py").unlink()
    result = deploy(cli, emulated, "--prune")
    assert result.exit_code == 1
    assert "no longer in code, but edited in Grafana since dashsmith deployed it" in result.output
    assert emulated.dashboard("tradingagents-business") is not None


# --- Grafana-managed alerts -----------------------------------------------------------------------

def test_grafana_alerts_become_rule_groups_on_the_datasource(cli, grafana, expected):
    result = deploy(cli, grafana, "--grafana-alerts", **expected.secrets)
    assert result.exit_code == 0, result.output
    group = grafana.rule_group("alerts", "ai")
    rules = {rule["title"]: rule for rule in group["rules"]}
    rule = rules["AIErrorRatioCritical"]
    query, math, threshold = rule["data"]
    assert query["datasourceUid"] == DATASOURCE["uid"]
    assert query["model"]["expr"] == "provider:ai_error_ratio:rate5m > 0.25"
    assert rule["condition"] == "threshold" == threshold["refId"]
    assert threshold["model"]["conditions"][0]["evaluator"] == {"type": "gt", "params": [0]}
    assert math["model"]["expression"] == "is_number($query) || is_nan($query) || is_inf($query)"
    assert rule["for"] == "5m" and rule["labels"]["severity"] == "critical"
    assert rule["annotations"]["runbook_url"].endswith("#aierrorratiocritical")
    assert rule.get("provenance") == "api"
    again = deploy(cli, grafana, "--grafana-alerts", **expected.secrets)
    assert again.exit_code == 0, again.output
    assert f"0 created, 0 updated, {expected.alert_items} unchanged" in again.output


def test_grafana_alerts_keep_only_recording_rules_in_prometheus(cli, project, any_family, expected):
    assert deploy(cli, any_family, "--grafana-alerts", **expected.secrets).exit_code == 0
    import yaml
    rules_dir = project / "build" / "provisioning" / "prometheus" / "rules"
    ai = yaml.safe_load((rules_dir / "ai.yml").read_text())
    rules = [rule for group in ai["groups"] for rule in group["rules"]]
    assert rules and all("record" in rule for rule in rules)


def test_disable_provenance_setting_keeps_rules_editable(cli, project, emulated, expected):
    set_settings(project, "dashsmith.deploy", disable_provenance="true",
                 grafana_alerts_folder="Ops/Alerts")
    assert deploy(cli, emulated, "--grafana-alerts", **expected.secrets).exit_code == 0
    group = emulated.rule_group(folders.folder_uid("Ops/Alerts"), "node")
    assert group["rules"] and all(not rule.get("provenance") for rule in group["rules"])
    puts = emulated.emu.requests_matching("PUT", "/rule-groups/")
    assert len(puts) == expected.alert_items - expected.items - 1
    # editable, so an edit in the UI is drift like a dashboard's
    rule = group["rules"][0]
    rule["labels"]["team"] = "edited-in-ui"
    emulated.api.client.PUT(f"/v1/provisioning/folder/{group['folderUid']}/rule-groups/node",
                            json=group, headers={"X-Disable-Provenance": "true"})
    result = deploy(cli, emulated, "--grafana-alerts", **expected.secrets)
    assert result.exit_code == 1
    assert ("rule-group ops-alerts/node (node): edited in Grafana since dashsmith deployed it"
            in result.output)


def test_grafana_alerts_also_apply_the_notification_routing(cli, any_family, expected):
    if expected.routing is None:
        pytest.skip("the project declares no routing")
    result = deploy(cli, any_family, "--grafana-alerts", **expected.secrets)
    assert result.exit_code == 0, result.output
    assert "notification routing:" in result.output and "policy tree set" in result.output
    points = any_family.api.alertingprovisioning.get_contactpoints()
    ours = {p["name"] for p in points if p["uid"].startswith("dashsmith-")}
    assert ours == {r.name for r in expected.routing.receivers}
    tree = any_family.api.alertingprovisioning.get_notification_policy_tree()
    assert tree["receiver"] == expected.routing.root.receiver
    timings = any_family.api.client.GET("/v1/provisioning/mute-timings")
    assert {t["name"] for t in timings} == {i.name for i in expected.routing.time_intervals}
    secret = next(iter(expected.secrets.values()))
    assert secret not in result.output


def test_an_undeclared_contact_point_is_deleted_only_with_prune(cli, project, any_family, expected):
    if expected.routing is None:
        pytest.skip("the project declares no routing")
    assert deploy(cli, any_family, "--grafana-alerts", **expected.secrets).exit_code == 0
    stale = {"uid": "dashsmith-retired-webhook-0", "name": "retired", "type": "webhook",
             "settings": {"url": "http://retired.example"}}
    any_family.api.alertingprovisioning.create_contactpoint(stale)
    kept = deploy(cli, any_family, "--grafana-alerts", **expected.secrets)
    assert kept.exit_code == 0, kept.output
    assert "(deploy --prune deletes them): dashsmith-retired-webhook-0" in kept.output
    def uids():
        return {p["uid"] for p in any_family.api.alertingprovisioning.get_contactpoints()}
    assert stale["uid"] in uids()
    refused = deploy(cli, any_family, "--grafana-alerts", "--prune", "--max-deletes", "0",
                     **expected.secrets)
    assert refused.exit_code == 2
    assert "deletes 1 item(s), more than --max-deletes 0" in refused.output
    planned = deploy(cli, any_family, "--grafana-alerts", "--prune", "--dry-run", "--format",
                     "json", **expected.secrets)
    plan = json.loads(planned.output)["plan"]
    assert (plan["deletes"], plan["contact_points_deleted"]) == (1, [stale["uid"]])
    pruned = deploy(cli, any_family, "--grafana-alerts", "--prune", **expected.secrets)
    assert pruned.exit_code == 0, pruned.output
    assert ("- delete    contact point dashsmith-retired-webhook-0: no longer in code"
            in pruned.output)
    assert stale["uid"] not in uids()


def test_disable_provenance_leaves_the_notification_setup_editable(cli, project, any_family,
                                                                   expected):
    if expected.routing is None:
        pytest.skip("the project declares no routing")
    set_settings(project, "dashsmith.deploy", disable_provenance="true")
    assert deploy(cli, any_family, "--grafana-alerts", **expected.secrets).exit_code == 0
    points = any_family.api.alertingprovisioning.get_contactpoints()
    assert all(not p.get("provenance") for p in points if p["uid"].startswith("dashsmith-"))
    assert not any_family.api.alertingprovisioning.get_notification_policy_tree().get("provenance")


def test_a_missing_routing_secret_stops_grafana_alerts_before_any_write(cli, any_family, expected):
    if not expected.secrets:
        pytest.skip("the project's routing reads no secret from the environment")
    missing = sorted(expected.secrets)[:2]
    result = deploy(cli, any_family, "--grafana-alerts",
                    **{**expected.secrets, **dict.fromkeys(missing)})
    assert result.exit_code == 2
    assert "notification routing: environment variables not set: " in result.output
    assert all(f"{name} (receiver" in result.output for name in missing)  # both, in one run
    assert "; nothing was changed" in result.output
    assert any_family.emu.writes() == []


def test_routing_writes_that_meet_a_concurrent_change_are_sent_again(cli, any_family, expected):
    if expected.routing is None:
        pytest.skip("the project declares no routing")
    any_family.emu.routing_conflicts(2)  # someone else saves Grafana's alerting configuration
    result = deploy(cli, any_family, "--grafana-alerts", **expected.secrets)
    assert result.exit_code == 0, result.output
    assert "policy tree set" in result.output
    assert [r.status for r in any_family.emu.writes()].count(409) == 2


# --- saved plans: --plan-out FILE, then --plan FILE -----------------------------------------------

AI_EDIT = ("Completions, tokens, spend", "Completions, token use, spend")


def save_plan(cli, project, target: Target, path, *args, **env) -> None:
    """Change the AI dashboard in the code and save the plan that updates it (nothing applied)."""
    edit(project, "dashboards/ai.py", *AI_EDIT)
    saved = deploy(cli, target, *args, "--dry-run", "--plan-out", str(path), **env)
    assert saved.exit_code == 0, saved.output


def test_a_saved_plan_is_applied_exactly_without_building_or_planning_again(cli, project,
                                                                             emulated, tmp_path):
    assert deploy(cli, emulated).exit_code == 0
    saved = tmp_path / "plan.json"
    edit(project, "dashboards/ai.py", *AI_EDIT)
    emulated.emu.clear_requests()
    planned = deploy(cli, emulated, "--dry-run", "--plan-out", str(saved))
    assert planned.exit_code == 0, planned.output
    assert "~ update    dashboard ai-llm (AI / LLM): changed in code" in planned.output
    assert f"plan saved to {saved}" in planned.output
    assert emulated.emu.writes() == []
    again = tmp_path / "again.json"
    assert deploy(cli, emulated, "--dry-run", "--plan-out", str(again)).exit_code == 0
    assert again.read_bytes() == saved.read_bytes()  # the same plan, the same file

    # The code changes after the plan was made, even into something that does not build:
    # the plan is applied as it was made.
    edit(project, "dashboards/system.py", "CPU, memory", "Processor, memory")
    edit(project, "dashboards/agents.py", 'uid="tradingagents-agents"', 'uid="agents !"')
    before = emulated.versions()
    emulated.emu.clear_requests()
    applied = deploy(cli, emulated, "--plan", str(saved))
    assert applied.exit_code == 0, applied.output
    assert f"Grafana {emulated.url} — the plan in {saved}" in applied.output
    assert "0 created, 1 updated," in applied.output
    (method, path), = [(r.method, r.path) for r in emulated.emu.writes()]
    assert (method, re.match(updates(emulated.emu, "ai-llm")[1], path) is not None) == (
        updates(emulated.emu, "ai-llm")[0], True)
    assert "token use" in emulated.dashboard("ai-llm")["dashboard"]["description"]
    assert emulated.versions() == {**before, "ai-llm": before["ai-llm"] + 1}

    # A plan applies once: what it wrote is no longer as it saw it.
    twice = deploy(cli, emulated, "--plan", str(saved))
    assert twice.exit_code == 1
    assert "dashboard ai-llm: version" in twice.output


def test_a_saved_plan_is_refused_when_grafana_changed_since(cli, project, emulated, tmp_path):
    assert deploy(cli, emulated).exit_code == 0
    saved = tmp_path / "plan.json"
    save_plan(cli, project, emulated, saved)
    version = emulated.dashboard("ai-llm")["meta"]["version"]
    emulated.ui_edit("ai-llm", description="edited in the UI after the plan")
    emulated.emu.clear_requests()
    refused = deploy(cli, emulated, "--plan", str(saved))
    assert refused.exit_code == 1
    assert (f"{saved}: Grafana changed since the plan was made; nothing was changed (deploy "
            "--plan-out makes a new plan):") in refused.output
    assert (f"dashboard ai-llm: version {version} when planned, version {version + 1} now"
            in refused.output)
    assert emulated.emu.writes() == []
    assert (emulated.dashboard("ai-llm")["dashboard"]["description"]
            == "edited in the UI after the plan")


def test_a_plan_file_changed_by_hand_or_made_for_another_grafana_is_refused(cli, project,
                                                                           any_family, tmp_path):
    assert deploy(cli, any_family).exit_code == 0
    saved = tmp_path / "plan.json"
    save_plan(cli, project, any_family, saved)
    any_family.emu.clear_requests()

    by_hand = tmp_path / "by-hand.json"
    by_hand.write_text(saved.read_text().replace("token use", "token usage"))
    refused = deploy(cli, any_family, "--plan", str(by_hand))
    assert refused.exit_code == 1
    assert (f"{by_hand}: the plan was changed since dashsmith wrote it (its checksum does not "
            "match); make a new one with deploy --plan-out; nothing was changed") in refused.output

    other_url = any_family.url.replace("127.0.0.1", "localhost")
    elsewhere = cli("deploy", "--plan", str(saved), env=any_family.env(GRAFANA_URL=other_url))
    assert elsewhere.exit_code == 1
    assert (f"{saved}: a plan for Grafana at {any_family.url}, not for {other_url}; nothing was "
            "changed") in elsewhere.output

    not_a_plan = tmp_path / "dashboard.json"
    not_a_plan.write_text('{"title": "a dashboard"}')
    wrong_file = deploy(cli, any_family, "--plan", str(not_a_plan))
    assert wrong_file.exit_code == 1
    assert f"{not_a_plan}: not a dashsmith plan (deploy --plan-out writes one)" in wrong_file.output

    set_settings(project, "dashsmith.deploy", project="team-b")
    theirs = deploy(cli, any_family, "--plan", str(saved))
    assert theirs.exit_code == 1
    assert (f"{saved}: a plan of project 'trading-platform', not of this one ('team-b')"
            in theirs.output)
    assert any_family.emu.requests == []  # refused before connecting
    assert "token use" not in any_family.dashboard("ai-llm")["dashboard"]["description"]


def test_max_deletes_is_checked_on_the_plan_when_saved_and_when_applied(cli, project, emulated,
                                                                        tmp_path):
    assert deploy(cli, emulated).exit_code == 0
    for name in ("business.py", "agents.py"):
        (project / "dashboards" / name).unlink()
    too_many = tmp_path / "too-many.json"
    over = deploy(cli, emulated, "--prune", "--max-deletes", "1", "--dry-run", "--plan-out",
                  str(too_many))
    assert over.exit_code == 2
    assert "deletes 2 item(s), more than --max-deletes 1; nothing was changed" in over.output
    assert not too_many.exists()

    saved = tmp_path / "plan.json"
    assert deploy(cli, emulated, "--prune", "--dry-run", "--plan-out", str(saved)).exit_code == 0
    emulated.emu.clear_requests()
    refused = deploy(cli, emulated, "--plan", str(saved), "--max-deletes", "1")
    assert refused.exit_code == 2
    assert "deletes 2 item(s), more than --max-deletes 1; nothing was changed" in refused.output
    assert emulated.emu.writes() == []
    replanned = deploy(cli, emulated, "--plan", str(saved), "--prune")
    assert replanned.exit_code == 2
    assert "give them to the deploy that saves it (--plan-out)" in replanned.output

    applied = deploy(cli, emulated, "--plan", str(saved))
    assert applied.exit_code == 0, applied.output
    assert emulated.dashboard("tradingagents-agents") is None
    assert emulated.dashboard("tradingagents-business") is None


def test_a_saved_plan_holds_no_secret_and_reads_them_when_applied(cli, any_family, expected,
                                                                  tmp_path):
    if not expected.secrets:
        pytest.skip("the project's routing reads no secret from the environment")
    saved = tmp_path / "plan.json"
    planned = deploy(cli, any_family, "--grafana-alerts", "--dry-run", "--plan-out", str(saved),
                     **expected.secrets)
    assert planned.exit_code == 0, planned.output
    assert not [value for value in expected.secrets.values() if value in saved.read_text()]

    missing = deploy(cli, any_family, "--plan", str(saved))
    assert missing.exit_code == 2
    assert "notification routing: environment variables not set: " in missing.output
    assert any_family.emu.writes() == []

    applied = deploy(cli, any_family, "--plan", str(saved), **expected.secrets)
    assert applied.exit_code == 0, applied.output
    assert f"{expected.alert_items} created" in applied.output
    assert "policy tree set" in applied.output
    stored = json.dumps(any_family.api.alertingprovisioning.get_contactpoints())
    assert "${secret:" not in stored  # each placeholder was sent as its secret
    assert any(value in stored for value in expected.secrets.values())


# --- faults ---------------------------------------------------------------------------------------

def test_503s_are_retried(cli, emulated, expected):
    emulated.emu.faults.add(creates(emulated.emu), method="POST", status=503, times=3)
    emulated.emu.faults.add(r"^/api/search$", status=502, times=1)
    result = deploy(cli, emulated)
    assert result.exit_code == 0, result.output
    assert f"{expected.items} created" in result.output
    saves = emulated.emu.requests_matching("POST", creates(emulated.emu))
    assert len(saves) == len(expected.dashboards) + 3


def test_429_retry_after_is_honoured(cli, any_family):
    any_family.emu.faults.add(folder_creates(any_family.emu), method="POST", retry_after=1, times=1)
    result = deploy(cli, any_family)
    assert result.exit_code == 0, result.output


def test_dropped_connection_is_retried(cli, emulated, expected):
    emulated.emu.faults.add(creates(emulated.emu), method="POST", drop_connection=True, times=2)
    emulated.emu.faults.add(r"/versions$", method="GET", drop_connection=True, times=1)
    result = deploy(cli, emulated)
    assert result.exit_code == 0, result.output
    assert all(emulated.dashboard(uid) for uid in expected.dashboards)


def test_save_that_landed_but_timed_out_is_not_reported_as_a_conflict(cli, emulated, expected):
    # Grafana stores the first save of a dashboard but answers only after the client gave up:
    # the retry is refused (412) and deploy finds its own save as the newest version.
    late = emulated.emu.faults.add(creates(emulated.emu), method="POST", delay=1.5,
                                   after_processing=True)
    try:
        result = deploy(cli, emulated, "--timeout", "0.5")
        assert result.exit_code == 0, result.output
        assert f"{expected.items} created" in result.output
        # 412 up to 13.0, 409 from 13.1; on the /apis path 409 AlreadyExists
        refused = [r for r in emulated.emu.requests_matching("POST", creates(emulated.emu))
                   if r.status in (409, 412)]
        assert len(refused) == 1
    finally:
        wait_for_late_answers(emulated.emu, late)
    assert f"0 created, 0 updated, {expected.items} unchanged" in deploy(cli, emulated).output


def test_save_whose_answer_was_lost_is_not_reported_as_a_conflict(cli, emulated, expected):
    emulated.emu.faults.add(creates(emulated.emu), method="POST", drop_connection=True,
                            after_processing=True, times=2)
    result = deploy(cli, emulated)
    assert result.exit_code == 0, result.output
    assert all(len(emulated.emu.dashboard_versions(uid)) == 1 for uid in expected.dashboards)


def wait_for_late_answers(emu, fault, timeout: float = 5.0) -> None:
    """Until every answer `fault` delayed has been sent (it is logged then, and would
    otherwise land in the next test's log)."""
    deadline = time.monotonic() + timeout
    while len([r for r in emu.requests if r.faulted]) < fault.fired and time.monotonic() < deadline:
        time.sleep(0.05)


def slow_writes(emu, seconds: float = 0.05) -> None:
    """Every write waits in Grafana, so writes overlap as much as deploy lets them."""
    for method in ("POST", "PUT", "DELETE"):
        emu.faults.add(method=method, times=None, delay=seconds)


def test_writes_in_flight_never_exceed_the_concurrency(cli, emulated):
    slow_writes(emulated.emu)
    assert deploy(cli, emulated, "--concurrency", "3").exit_code == 0
    assert emulated.emu.peak_in_flight(writes=True) == 3
    emulated.emu.faults.clear()


def test_concurrency_setting_is_the_default_and_the_option_overrides_it(cli, project, any_family):
    set_settings(project, "dashsmith.deploy", concurrency="2")
    slow_writes(any_family.emu)
    assert deploy(cli, any_family).exit_code == 0
    assert any_family.emu.peak_in_flight(writes=True) == 2
    edit(project, "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    edit(project, "dashboards/system.py", "CPU, memory", "Processor, memory")
    any_family.emu.clear_requests()
    assert deploy(cli, any_family, "--concurrency", "1").exit_code == 0
    assert len(any_family.emu.writes()) == 2
    assert any_family.emu.peak_in_flight(writes=True) == 1
    any_family.emu.faults.clear()


def test_bad_concurrency_setting_names_its_line_and_writes_nothing(cli, project, any_family):
    set_settings(project, "dashsmith.deploy", concurrency="many")
    line = (project / "setup.cfg").read_text().splitlines().index("concurrency = many") + 1
    result = deploy(cli, any_family)
    assert result.exit_code == 2
    assert (f"setup.cfg:{line}:1: [dashsmith.deploy] concurrency = 'many': use a whole number "
            "from 1 to 32") in result.output
    assert any_family.emu.requests == []


def test_partial_failure_names_what_was_applied_and_a_rerun_converges(cli, emulated, expected):
    emulated.emu.faults.add(creates(emulated.emu), method="POST", status=500, times=None,
                            body={"message": "database is locked"})
    result = deploy(cli, emulated, "--concurrency", "1")
    assert result.exit_code == 1
    folders_, dashboards = len(expected.folders), len(expected.dashboards)
    assert (f"{folders_} created, 0 updated, 0 unchanged, 0 drifted, 0 deleted, {dashboards} "
            "failed") in result.output
    assert "failed — not applied:\n    dashboard ai-llm: 500 database is locked" in result.output
    assert "applied:\n    created folder trading-platform" in result.output
    emulated.emu.faults.clear()
    rerun = deploy(cli, emulated)
    assert rerun.exit_code == 0, rerun.output
    assert f"{dashboards} created, 0 updated, {folders_} unchanged" in rerun.output


def test_dashboards_in_a_folder_that_failed_are_not_attempted(cli, emulated):
    emulated.emu.faults.add(folder_creates(emulated.emu), method="POST", status=400, times=None,
                            body={"message": "folder title cannot be empty"})
    result = deploy(cli, emulated)
    assert result.exit_code == 1
    assert "dashboard ai-llm: not attempted: folder trading-platform-ai could not be written" \
        in result.output
    assert emulated.emu.requests_matching("POST", creates(emulated.emu)) == []


def test_exhausted_retries_are_reported_as_failures(cli, emulated, expected):
    emulated.emu.faults.add(creates(emulated.emu), method="POST", status=503, times=None)
    result = deploy(cli, emulated)
    assert result.exit_code == 1
    assert f"{len(expected.dashboards)} failed" in result.output
    assert "503 Service Unavailable" in result.output


# --- pre-flight -----------------------------------------------------------------------------------

def test_bad_token_is_a_clear_error_that_never_shows_the_token(cli, any_family):
    wrong = "glsa_wrongtoken_S3cr3tValueThatMustNotLeak_0123"
    env = {k: v for k, v in any_family.env(GRAFANA_TOKEN=wrong).items() if v is not None}
    result = cli.subprocess("deploy", "-vv", env=env)
    assert result.returncode == 2
    assert "401 Unauthorized: Grafana rejected the token in GRAFANA_TOKEN (Invalid API key " \
           "[api-key.invalid])" in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert any_family.emu.writes() == []


def test_token_file_and_its_secret(cli, tmp_path, emulated):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    result = cli("deploy", "--token-file", str(token_file), "-vv",
                 env={**CLEAN_ENV, "GRAFANA_URL": emulated.url})
    assert result.exit_code == 0, result.output
    # -vv logs each request
    assert re.search(r"POST /api/dashboards/db → 200|POST /apis/dashboard\.grafana\.app/\S+ → 201",
                     result.output)
    assert TOKEN not in result.output


def test_token_with_a_line_break_is_refused_without_echoing_it(cli, any_family):
    result = cli("deploy", env=any_family.env(GRAFANA_TOKEN="glsa_abc\ndefSECRET"))
    assert result.exit_code == 2
    assert "GRAFANA_TOKEN contains characters a Grafana token cannot have" in result.output
    assert "SECRET" not in result.output


def test_editor_rights_are_not_enough_for_grafana_alerts(cli, any_family, expected):
    result = cli("deploy", "--grafana-alerts",
                 env=any_family.env(GRAFANA_TOKEN=EDITOR_TOKEN, **expected.secrets))
    assert result.exit_code == 2
    # named by the pre-flight, from the Editor's permissions (Grafana grants the alert
    # provisioning API to Admins only)
    assert "may not write alert rules (alert.provisioning:write" in result.output
    assert "nothing was changed" in result.output
    assert any_family.emu.writes() == []


def test_unhealthy_grafana_stops_before_any_write(cli, any_family):
    any_family.emu.set_database_ok(False)
    result = deploy(cli, any_family)
    assert result.exit_code == 2
    assert "is not healthy" in result.output or "503" in result.output
    assert any_family.emu.writes() == []


def test_unknown_datasource_stops_before_any_write(cli, project, any_family):
    edit(project, "setup.cfg", "datasource = Prometheus", "datasource = Mimir")
    result = deploy(cli, any_family)
    assert result.exit_code == 2
    assert ("has no data source named 'Mimir' (setting 'datasource') that this account can "
            "query") in result.output
    assert any_family.emu.writes() == []


def test_an_editor_deploys_dashboards(cli, emulated, expected):
    """Editors may not read data source settings (datasources:read is an Admin's), only
    query them: the pre-flight must not need more than deploying does."""
    result = cli("deploy", env=emulated.env(GRAFANA_TOKEN=EDITOR_TOKEN))
    assert result.exit_code == 0, result.output
    assert len(emulated.emu.requests_matching("POST", creates(emulated.emu))) == \
        len(expected.dashboards)


def test_unreachable_grafana(cli):
    result = cli("deploy", env={**CLEAN_ENV, "GRAFANA_URL": "http://127.0.0.1:9",
                                "GRAFANA_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert ("cannot check /api/health at http://127.0.0.1:9: connection refused: is "
            "GRAFANA_URL") in result.output


def test_ca_cert_and_insecure_contradict(cli, any_family):
    result = deploy(cli, any_family, "--insecure", "--ca-cert", "/etc/hostname")
    assert result.exit_code == 2
    assert "--ca-cert and --insecure contradict each other" in result.output


def test_declaration_error_stops_before_connecting(cli, project, any_family):
    edit(project, "dashboards/ai.py", 'uid="ai-llm"', 'uid="ai llm!"')
    result = deploy(cli, any_family)
    assert result.exit_code == 2
    assert re.search(r"dashboards/ai\.py:\d+:\d+: error dashboard/uid", result.output)
    assert any_family.emu.requests == []


def test_lint_error_stops_before_connecting(cli, project, any_family):
    # a query on a metric the catalog does not declare is a lint error
    edit(project, "dashboards/ai.py", "sum(job:ai_cost_usd:increase1h{",
         "sum(ai_requests_in_flight_typo{")
    result = deploy(cli, any_family)
    assert result.exit_code == 2, result.output
    assert "dashboards/ai.py" in result.output and "nothing was deployed" in result.output
    assert any_family.emu.requests == []


def test_unexpected_errors_never_show_the_token_even_in_a_traceback(cli, any_family, monkeypatch):
    from dashsmith.commands.deploy import command

    def broken_apply(grafana, plan, **options):
        raise RuntimeError(f"request with Authorization: Bearer {TOKEN} failed")

    monkeypatch.setattr(command, "apply", broken_apply)
    result = deploy(cli, any_family, "-vv")
    assert result.exit_code == 2
    assert "Traceback" in result.output and "broken_apply" in result.output
    assert "Bearer *** failed" in result.output
    assert TOKEN not in result.output

    def broken_read(*args, **kwargs):
        raise ValueError(f"cannot parse {TOKEN}")

    monkeypatch.setattr(command.live, "read", broken_read)
    result = deploy(cli, any_family)
    assert result.exit_code == 2 and "cannot parse ***" in result.output
    assert TOKEN not in result.output


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certfile, keyfile)."""
    openssl = require_binary("openssl")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = str(directory / "cert.pem"), str(directory / "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def test_tls_is_verified_unless_a_ca_is_given_or_it_is_turned_off(cli, certificate):
    with GrafanaEmulator(tokens={TOKEN: "Admin"}, datasources=[DATASOURCE], tls=certificate) as emu:
        env = {**CLEAN_ENV, "GRAFANA_URL": emu.url, "GRAFANA_TOKEN": TOKEN}
        refused = cli("deploy", env=env)
        assert refused.exit_code == 2
        assert f"cannot check /api/health at {emu.url}: TLS verification failed; for a private " \
               "CA use --ca-cert FILE" in refused.output
        assert emu.requests == []
        trusted = cli("deploy", "--ca-cert", certificate[0], env=env)
        assert trusted.exit_code == 0, trusted.output
        insecure = cli("deploy", "--insecure", env=env)
        assert insecure.exit_code == 0, insecure.output
        assert "warning: TLS certificate verification is off" in insecure.output
        assert emu.server_errors == []


# --- the content hash ------------------------------------------------------------------------

_JSON_LEAVES = (st.none() | st.booleans() | st.text(max_size=8)
                | st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)
                | st.floats(allow_nan=False, allow_infinity=False)
                | st.sampled_from([1e16, 1e22, -1e22, 2.0 ** 53, 2.0 ** 53 + 2, -0.0, 1.0]))
_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=5))
def test_the_two_ways_of_hashing_a_dashboard_agree(data):
    # dashboard_hash works on the text, content_hash(normalize_dashboard(...)) on the values:
    # the plan compares hashes made both ways, so they must never differ (nor fail)
    assert dashboard_hash(data) == content_hash(normalize_dashboard(data))

