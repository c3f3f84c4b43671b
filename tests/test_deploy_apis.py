"""`dashsmith deploy` on the /apis path (Grafana 12.x: dashboard.grafana.app/v1beta1, 13.x: v1),
through the real CLI against the emulator: what it writes and records there, and what it reads
on a no-op redeploy.

Behaviours the two API versions share run on one family each where they are identical (13.2);
what differs between 12.x and 13.x (the version, schema v2 in the UI) runs on both. The
families' everyday loop is tests/test_deploy_versions.py.
"""

from __future__ import annotations

import json
import re

import pytest
from grafana_client import GrafanaApi

from dashsmith.commands.deploy.desired import desired_state
from dashsmith.compiler.project import Project
from dashsmith.grafana.apis import ApisClient, ApisError, Resource
from dashsmith.grafana.content import dashboard_hash
from dashsmith.grafana.ownership import deploy_message
from support import Cli, copy_project, edit, set_settings

try:
    from tests.grafana_emulator import GrafanaEmulator
    from tests.grafana_emulator.emulator import ReadOnlyInTheUI
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator
    from grafana_emulator.emulator import ReadOnlyInTheUI

TOKEN = "glsa_apistests_Pq4Wm8Zt2Lk6Nv0Xc3Rb7Hd1"
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
              "url": "http://prometheus:9090", "isDefault": True}
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID", "PROMETHEUS_URL")) | {"DASHSMITH_RULES": "none"}
PROJECT = "trading-platform"  # the project setting of the repository's setup.cfg
DASHBOARDS = r"^/apis/dashboard\.grafana\.app/[^/]+/namespaces/default/dashboards"


@pytest.fixture(scope="module")
def emulators():
    started: dict[str, GrafanaEmulator] = {}

    def emulator(version: str) -> GrafanaEmulator:
        if version not in started:
            started[version] = GrafanaEmulator(version=version, tokens={TOKEN: "Admin"},
                                               datasources=[DATASOURCE]).start()
        emu = started[version]
        emu.reset()
        return emu

    yield emulator
    for emu in started.values():
        assert emu.server_errors == []
        emu.stop()


@pytest.fixture(params=("12.4.0", "13.2.3"))
def both(request, emulators):
    """12.x (v1beta1) and 13.x (v1)."""
    return emulators(request.param)


@pytest.fixture
def emu(emulators):
    """13.2, for what 12.x does the same way."""
    return emulators("13.2.3")


def deploy(cli, emu, *args):
    return cli("deploy", *args, env={**CLEAN_ENV, "GRAFANA_URL": emu.url, "GRAFANA_TOKEN": TOKEN})


def code_dashboards(project) -> dict[str, dict]:
    return {d.uid: d.json for d in desired_state(Project(str(project)).build().dashboards)
            .dashboards}


def test_a_first_deploy_creates_through_apis_stamped_with_the_project(cli, project, both):
    result = deploy(cli, both)
    assert result.exit_code == 0, result.output
    version = both.behaviour.dashboard_preferred
    assert f"dashboards via dashboard.grafana.app/{version}" in result.output
    creates = both.requests_matching("POST", DASHBOARDS + "$")
    assert len(creates) == len(code_dashboards(project))
    assert both.requests_matching("POST", r"^/api/dashboards/db$") == []
    assert both.requests_matching("POST", r"^/apis/folder\.grafana\.app/")  # folders too
    stored = both.dashboard_object("postgresql")
    metadata, annotations = stored["metadata"], stored["metadata"]["annotations"]
    assert metadata["labels"]["dashsmith.dev/project"] == PROJECT
    assert annotations["grafana.app/managedBy"] == "kubectl"
    assert annotations["grafana.app/managerId"] == PROJECT
    assert annotations["grafana.app/managerAllowsEdits"] == "true"  # ui_edits = allow
    # what the write recorded is what Grafana holds: its generation, its migrated content
    assert annotations["dashsmith.dev/generation"] == str(metadata["generation"]) == "1"
    assert annotations["dashsmith.dev/stored-hash"] == dashboard_hash(stored["spec"])
    assert stored["spec"]["schemaVersion"] == 42
    assert annotations["grafana.app/message"].startswith("dashsmith deploy sha256:")
    # the stamp names its object, in the create itself: one write per dashboard, no second
    # write after it to record what Grafana assigned
    assert annotations["dashsmith.dev/name"] == metadata["name"] == "postgresql"
    assert both.requests_matching("PUT", DASHBOARDS + "/") == []


def test_a_no_op_redeploy_is_one_paged_list_and_no_write(cli, both):
    assert deploy(cli, both).exit_code == 0
    both.clear_requests()
    result = deploy(cli, both)
    assert result.exit_code == 0, result.output
    assert "\n0 created, 0 updated, " in result.output
    assert both.writes() == []
    lists = both.requests_matching("GET", DASHBOARDS + "$")
    assert [r.query.get("labelSelector") for r in lists] == [[f"dashsmith.dev/project={PROJECT}"]]
    # nothing read per dashboard, on either API
    assert both.requests_matching("GET", DASHBOARDS + "/") == []
    assert both.requests_matching("GET", r"^/api/dashboards/") == []


def test_the_list_is_read_page_by_page(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    api = GrafanaApi.from_url(emu.url, credential=TOKEN)
    resource = Resource("dashboard.grafana.app", "v1", "default", "dashboards")
    emu.clear_requests()
    pages = list(ApisClient(api).pages(resource, label_selector=f"dashsmith.dev/project={PROJECT}",
                                       limit=3))
    names = [item["metadata"]["name"] for page in pages for item in page]
    assert sorted(names) == sorted(emu.store.dashboards)
    assert len(pages) == len(emu.requests) == -(-len(names) // 3)
    assert all(r.query.get("continue") for r in emu.requests[1:])


def test_a_put_refused_with_409_is_drift_never_overwritten_and_the_rest_deploys(cli, project,
                                                                                  emu):
    assert deploy(cli, emu).exit_code == 0
    emu.clear_requests()
    edit(project / "dashboards/ai.py", '"Completions Rate"', '"Completion Rate"')
    edit(project / "dashboards/system.py", "CPU, memory", "Processor, memory")
    # someone saves AI / LLM in the UI just before deploy's PUT reaches Grafana
    emu.faults.add(DASHBOARDS + "/ai-llm$", method="PUT", concurrent_edit="ai-llm")
    result = deploy(cli, emu)
    assert result.exit_code == 1, result.output
    assert "dashboard ai-llm was changed in Grafana during this deploy (409: " in result.output
    assert "nothing was overwritten" in result.output
    puts = emu.requests_matching("PUT", DASHBOARDS + "/ai-llm$")
    assert [r.status for r in puts] == [409]
    assert "Edited in the UI" in emu.dashboard("ai-llm")["description"]
    assert "Processor, memory" in emu.dashboard("system-overview")["description"]
    rerun = deploy(cli, emu)
    assert rerun.exit_code == 1 and "! drifted   dashboard ai-llm" in rerun.output


def test_a_kubectl_edit_names_who_and_when_and_is_never_adopted(cli, project, both):
    assert deploy(cli, both).exit_code == 0
    code_description = code_dashboards(project)["postgresql"]["description"]
    both.k8s_edit("postgresql", {"description": "tuned with kubectl"}, user="kim")
    result = deploy(cli, both)
    assert result.exit_code == 1, result.output
    assert ("! drifted   dashboard postgresql (Database): edited in Grafana since dashsmith "
            "deployed it") in result.output
    assert "edited by user:kim just now" in result.output
    # Grafana's migrations are not differences: the plan's difference is only the edit
    assert "schemaVersion" not in result.output and "time_options" not in result.output
    planned = json.loads(deploy(cli, both, "--dry-run", "--format", "json").output)
    change = next(c for c in planned["plan"]["changes"] if c["key"] == "postgresql")
    assert change["edited_by"] == "user:kim" and change["edited_at"].endswith("Z")
    assert [line for line in change["diff"] if line.startswith(("-", "+"))
            and not line.startswith(("---", "+++"))] == [
        '-  "description": "tuned with kubectl",',
        '+  "description": "' + code_description + '",']
    again = deploy(cli, both)  # still drift: the annotations it kept do not make it dashsmith's
    assert again.exit_code == 1 and "! drifted   dashboard postgresql" in again.output
    assert both.dashboard("postgresql")["description"] == "tuned with kubectl"


def test_ui_edits_block_makes_the_dashboards_read_only_in_the_ui(cli, project, emu):
    set_settings(project, "dashsmith.deploy", ui_edits="block")
    assert deploy(cli, emu).exit_code == 0
    annotations = emu.dashboard_object("postgresql")["metadata"]["annotations"]
    assert annotations["grafana.app/managedBy"] == "kubectl"
    assert "grafana.app/managerAllowsEdits" not in annotations
    with pytest.raises(ReadOnlyInTheUI):
        emu.ui_edit("postgresql", {"description": "edited in the UI"})
    generation = emu.dashboard_object("postgresql")["metadata"]["generation"]

    set_settings(project, "dashsmith.deploy", ui_edits="allow")
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert ("~ update    dashboard postgresql (Database): ui_edits = allow: let people edit it "
            "in Grafana's UI") in result.output
    stored = emu.dashboard_object("postgresql")["metadata"]
    assert stored["annotations"]["grafana.app/managerAllowsEdits"] == "true"
    assert stored["generation"] == generation  # the stamp only: the content is as it was
    emu.ui_edit("postgresql", {"description": "edited in the UI"})
    assert deploy(cli, emu).exit_code == 1  # and the edit is drift


def test_a_bad_ui_edits_setting_names_its_line(cli, project, emu):
    set_settings(project, "dashsmith.deploy", ui_edits="readonly")
    line = (project / "setup.cfg").read_text().splitlines().index("ui_edits = readonly") + 1
    result = deploy(cli, emu)
    assert result.exit_code == 2
    assert (f"setup.cfg:{line}:1: [dashsmith.deploy] ui_edits = 'readonly': use one of "
            "allow | block") in result.output
    assert emu.writes() == []


def test_a_dashboard_deployed_through_the_legacy_api_gets_the_label_then_is_unchanged(
        cli, project, emu):
    assert deploy(cli, emu).exit_code == 0
    # as a dashsmith release before the /apis path saved it: the legacy save, its message,
    # no label (a legacy save resets the object's labels and annotations)
    code = code_dashboards(project)["postgresql"]
    emu.add_dashboard(code, emu.dashboard_folder("postgresql"),
                      message=deploy_message(dashboard_hash(code), PROJECT))
    assert "dashsmith.dev/project" not in emu.dashboard_object("postgresql")["metadata"]["labels"]
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert ("~ update    dashboard postgresql (Database): record ownership in the label "
            f"dashsmith.dev/project={PROJECT}") in result.output
    emu.clear_requests()
    again = deploy(cli, emu)
    assert "\n0 created, 0 updated, " in again.output and emu.writes() == []


def test_a_saved_plan_made_with_force_v2_applies_the_same_way(cli, project, tmp_path, both):
    assert deploy(cli, both).exit_code == 0
    both.ui_save_v2("postgresql", tabs=True)
    saved = tmp_path / "plan.json"
    planned = deploy(cli, both, "--force", "--force-v2", "postgresql", "--dry-run",
                     "--plan-out", str(saved))
    assert planned.exit_code == 0, planned.output
    assert "--force-v2: overwrite with the code's v1 dashboard, losing tabs" in planned.output
    assert both.dashboard_api_version("postgresql").startswith("v2")
    applied = deploy(cli, both, "--plan", str(saved))
    assert applied.exit_code == 0, applied.output
    assert "--force-v2: overwrite with the code's v1 dashboard" in applied.output
    assert not both.dashboard_api_version("postgresql").startswith("v2")
    assert re.search(r"\n0 created, 1 updated, ", applied.output)
    assert deploy(cli, both).exit_code == 0


# --- the project's name is a label value ----------------------------------------------------------

@pytest.mark.parametrize("name", ["team-", "a.", "x_"])
def test_a_project_name_that_is_no_label_value_is_refused_by_its_line(cli, project, emu, name):
    set_settings(project, "dashsmith.deploy", project=name)
    line = (project / "setup.cfg").read_text().splitlines().index(f"project = {name}") + 1
    result = deploy(cli, emu)
    assert result.exit_code == 2, result.output
    assert f"setup.cfg:{line}:1: [dashsmith.deploy] project = '{name}'" in result.output
    assert "ending with a letter or digit" in result.output
    assert emu.writes() == []


def test_a_project_named_after_a_long_directory_is_a_label_value(tmp_path, emu):
    # 62 characters, then '-': the first 63 characters of the name end in '-'
    root = copy_project(tmp_path / ("d" * 62 + "-tail"))
    set_settings(root, "dashsmith.deploy", project="")
    result = deploy(Cli(root), emu)
    assert result.exit_code == 0, result.output
    labels = {(o["metadata"].get("labels") or {}).get("dashsmith.dev/project")
              for o in (emu.dashboard_object(uid) for uid in emu.store.dashboards)}
    assert labels == {"d" * 62}


def test_the_emulator_refuses_a_label_value_kubernetes_refuses(emu):
    api = GrafanaApi.from_url(emu.url, credential=TOKEN)
    resource = Resource("dashboard.grafana.app", "v1", "default", "dashboards")
    with pytest.raises(ApisError) as refused:
        ApisClient(api).create(resource, {"metadata": {"name": "bad-label",
                                                       "labels": {"dashsmith.dev/project": "a-"}},
                                          "spec": {"title": "Bad label"}})
    assert 'metadata.labels: Invalid value: "a-": a valid label must' in str(refused.value)
    assert [r.status for r in emu.requests_matching("POST", DASHBOARDS + "$")] == [422]


# --- what dashsmith owns on the /apis path --------------------------------------------------------

def _copy(emu, uid: str, name: str, title: str) -> dict:
    """kubectl get <uid> -o json → rename → kubectl create: the copy carries every label and
    annotation of the original (dashsmith's stamp too), and starts at generation 1."""
    api = GrafanaApi.from_url(emu.url, credential=TOKEN)
    resource = Resource("dashboard.grafana.app", emu.behaviour.dashboard_preferred, "default",
                        "dashboards")
    original = ApisClient(api).get(resource, uid)
    assert original is not None
    metadata = original["metadata"]
    return ApisClient(api).create(resource, {
        "metadata": {"name": name, "labels": metadata.get("labels") or {},
                     "annotations": metadata.get("annotations") or {}},
        "spec": {**original["spec"], "title": title}})


def test_a_copy_of_a_dashsmith_dashboard_is_named_and_never_pruned(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    copy = _copy(emu, "postgresql", "postgresql-copy", "PostgreSQL (my copy)")
    assert copy["metadata"]["generation"] == 1  # as the recorded "1" of the original
    planned = deploy(cli, emu, "--prune", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "delete    dashboard postgresql-copy" not in planned.output
    assert ("1 dashboard(s) carry this project's label but were not deployed by dashsmith"
            in planned.output)
    assert "    dashboard postgresql-copy (PostgreSQL (my copy))" in planned.output
    as_json = json.loads(deploy(cli, emu, "--prune", "--dry-run", "--format", "json").output)
    assert [c["key"] for c in as_json["plan"]["foreign"]] == ["postgresql-copy"]
    result = deploy(cli, emu, "--prune")
    assert result.exit_code == 0, result.output
    assert emu.dashboard("postgresql-copy") is not None
    assert emu.requests_matching("DELETE", DASHBOARDS) == []


def test_an_update_keeps_the_labels_and_annotations_others_put_on_the_dashboard(cli, project,
                                                                               emu):
    assert deploy(cli, emu).exit_code == 0
    emu.k8s_set_metadata("postgresql", labels={"team": "dba"},
                         annotations={"example.com/owner": "dba-oncall"})
    edit(project / "dashboards/database.py", 'tags=["postgresql", "database"]',
         'tags=["postgresql", "database", "sql"]')
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert "~ update    dashboard postgresql (Database): changed in code" in result.output
    metadata = emu.dashboard_object("postgresql")["metadata"]
    assert "sql" in emu.dashboard("postgresql")["tags"]
    assert metadata["labels"]["team"] == "dba"
    assert metadata["labels"]["dashsmith.dev/project"] == PROJECT
    assert metadata["annotations"]["example.com/owner"] == "dba-oncall"
    emu.clear_requests()
    again = deploy(cli, emu)
    assert "\n0 created, 0 updated, " in again.output and emu.writes() == []


@pytest.mark.parametrize("change", [
    {"annotations": {"grafana.app/managedBy": "terraform", "grafana.app/managerId": "tf-1"}},
    {"labels": {"dashsmith.dev/project": "team-b"}},
    {"annotations": {"example.com/keep": "yes"}},
], ids=["taken-over", "relabelled", "annotated"])
def test_a_prune_does_not_delete_what_changed_only_in_metadata_since_the_plan(cli, project, emu,
                                                                             change):
    assert deploy(cli, emu).exit_code == 0
    (project / "dashboards" / "business.py").unlink()
    # someone else writes the dashboard's metadata (no generation change) just after deploy
    # read it for the last time, just before its DELETE
    emu.faults.add(DASHBOARDS + "/tradingagents-business$", method="DELETE",
                   before=lambda: emu.k8s_set_metadata("tradingagents-business", **change))
    result = deploy(cli, emu, "--prune")
    assert result.exit_code == 1, result.output
    assert "dashboard tradingagents-business was changed in Grafana during this deploy" \
        in result.output and "not deleted" in result.output
    assert emu.dashboard("tradingagents-business") is not None
    deletes = emu.requests_matching("DELETE", DASHBOARDS + "/tradingagents-business$")
    assert [r.status for r in deletes] == [409]
    assert deletes[0].body["preconditions"]["resourceVersion"]
    assert deletes[0].body["preconditions"]["uid"]


def test_a_prune_rechecks_owner_and_manager_before_deleting(cli, project, emu):
    assert deploy(cli, emu).exit_code == 0
    (project / "dashboards" / "business.py").unlink()
    # taken over by another tool between the plan's read (the first GET) and apply's, which
    # the DELETE follows
    emu.faults.add(DASHBOARDS + "/tradingagents-business$", method="GET", before=lambda: None)
    emu.faults.add(DASHBOARDS + "/tradingagents-business$", method="GET", before=lambda: (
        emu.k8s_set_metadata("tradingagents-business", annotations={
            "grafana.app/managedBy": "terraform", "grafana.app/managerId": "tf-1"})))
    planned = deploy(cli, emu, "--prune")
    assert planned.exit_code == 1, planned.output
    assert "now managed by terraform:tf-1; not deleted" in planned.output
    assert emu.requests_matching("DELETE", DASHBOARDS) == []
    assert emu.dashboard("tradingagents-business") is not None


def _team_b_dashboards(emu, start: int, count: int) -> None:
    """Another dashsmith project's dashboards in the same Grafana: half deployed through the
    legacy /api (their save message names team-b, no label), half through /apis (labelled)."""
    for number in range(start, start + count):
        dashboard = {"uid": f"team-b-{number}", "title": f"Team B {number}",
                     "tags": ["managed-by:dashsmith"], "panels": [], "schemaVersion": 39}
        if number % 2:
            emu.add_dashboard(dashboard, message=deploy_message(dashboard_hash(dashboard),
                                                                "team-b"))
        else:
            emu.add_dashboard(dashboard, labels={"dashsmith.dev/project": "team-b"},
                              manager=("kubectl", "team-b"))


def test_a_no_op_redeploy_reads_nothing_per_dashboard_of_another_project(cli, emu):
    assert deploy(cli, emu).exit_code == 0
    emu.clear_requests()
    assert deploy(cli, emu).exit_code == 0
    alone = len(emu.requests)
    counts = []
    for start in (0, 30):
        _team_b_dashboards(emu, start, 30)
        emu.clear_requests()
        result = deploy(cli, emu)
        assert result.exit_code == 0, result.output
        assert "\n0 created, 0 updated, " in result.output and emu.writes() == []
        assert emu.requests_matching(None, r"team-b-") == []  # none read one by one
        counts.append(len(emu.requests))
    # flat: one more (metadata-only) LIST of all dashboards, however many team-b has
    assert counts == [alone + 1, alone + 1]


def test_a_deploy_lists_the_folders_once(cli, emu):
    # the LIST that finds folders to reuse by title also serves as what Grafana holds
    assert deploy(cli, emu).exit_code == 0
    emu.clear_requests()
    assert deploy(cli, emu).exit_code == 0
    lists = emu.requests_matching(
        "GET", r"^/apis/folder\.grafana\.app/[^/]+/namespaces/[^/]+/folders(\?|$)")
    assert len(lists) == 1, [r.path for r in emu.requests_matching("GET")]


def test_a_stamp_naming_its_object_needs_no_object_uid(cli, emu):
    # a stamp with the right name is enough: no write records the object's uid
    assert deploy(cli, emu).exit_code == 0
    emu.k8s_set_metadata("postgresql", annotations={"dashsmith.dev/object-uid": None})
    emu.clear_requests()
    result = deploy(cli, emu, "--prune")
    assert result.exit_code == 0, result.output
    assert "\n0 created, 0 updated, " in result.output and emu.writes() == []


def test_a_stamp_recording_another_objects_uid_does_not_hold(cli, emu):
    # as a stamp of an earlier release copied onto another object: checked where present
    assert deploy(cli, emu).exit_code == 0
    emu.k8s_set_metadata("postgresql", annotations={"dashsmith.dev/object-uid": "not-this"})
    planned = deploy(cli, emu, "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert ("~ update    dashboard postgresql (Database): record this object's name in "
            "dashsmith's stamp") in planned.output


def test_a_stamp_without_the_objects_name_is_rewritten_once_then_unchanged(cli, emu):
    # as dashsmith stamped dashboards before it recorded the object's name (nor its uid): the
    # stamp proves nothing, so the dashboard (the code's content) gets its name recorded, and
    # is then unchanged
    assert deploy(cli, emu).exit_code == 0
    emu.k8s_set_metadata("postgresql", annotations={"dashsmith.dev/name": None})
    result = deploy(cli, emu)
    assert result.exit_code == 0, result.output
    assert ("~ update    dashboard postgresql (Database): record this object's name in "
            "dashsmith's stamp") in result.output
    metadata = emu.dashboard_object("postgresql")["metadata"]
    assert metadata["annotations"]["dashsmith.dev/name"] == metadata["name"]
    emu.clear_requests()
    again = deploy(cli, emu)
    assert "\n0 created, 0 updated, " in again.output and emu.writes() == []
