"""`dashsmith import --uid / --folder / --all` against the Grafana emulator: dashboards made in
the UI come into the project with their uid and folder, and the next deploy takes them over
instead of creating copies."""

from __future__ import annotations

import copy
import json
import os

import pytest
from grafana_client import GrafanaApi

from dashsmith.grafana.equivalence import differences, normalize
from grafana_emulator.fixtures import emulator_fixtures
from support.grafana import MARKER, NO_GRAFANA_ENV, PROMETHEUS_DATASOURCE
from support.samples import corpus_dashboard

TOKEN = "glsa_importtests_Hq4Lz8Wn2Xc6Vb1Mk9Pd3Rt7Sf5Gy0Ju"

running, emu = emulator_fixtures(tokens={TOKEN: "Admin"}, datasources=[PROMETHEUS_DATASOURCE])


def corpus(name: str) -> dict:
    data = corpus_dashboard(name)
    data["id"] = None  # as a dashboard imported through Grafana's UI: Grafana gives it an id
    return data


@pytest.fixture
def grafana(emu):
    """The emulator holding two UI-made dashboards, one in a nested folder, one at the root."""
    emu.add_folder("Trading", uid="trd")
    emu.add_folder("Hosts", uid="hst7k", parent_uid="trd")
    emu.add_dashboard(corpus("host_overview.json"), folder_uid="hst7k")
    emu.add_dashboard(corpus("llm_gateway.json"))
    return emu


def env(emulator) -> dict:
    return {**NO_GRAFANA_ENV, "GRAFANA_URL": emulator.url, "GRAFANA_TOKEN": TOKEN}


def module(project, name: str) -> str:
    return (project / "dashboards" / f"{name}.py").read_text()


def test_import_by_uid_keeps_the_uid_and_the_folder_path(cli, project, grafana):
    result = cli("import", "--uid", "host-overview", env=env(grafana))
    assert result.exit_code == 0, result.output
    assert "wrote dashboards/host_overview.py: 'Host Overview' (uid host-overview) in folder " \
           "'Trading/Hosts'" in result.output
    text = module(project, "host_overview")
    assert 'uid="host-overview"' in text and 'folder="Trading/Hosts"' in text


def test_the_imported_module_builds_what_grafana_holds(cli, project, grafana):
    assert cli("import", "--uid", "host-overview", env=env(grafana)).exit_code == 0
    assert cli("build").exit_code == 0
    [path] = list((project / "build" / "dashboards").glob("*/host-overview.json"))
    stored = grafana.dashboard("host-overview")
    assert differences(normalize(stored), normalize(json.loads(path.read_text()))) == []


def test_a_root_dashboard_stays_at_the_root(cli, project, grafana):
    result = cli("import", "--uid", "llm-gateway", env=env(grafana))
    assert result.exit_code == 0, result.output
    assert 'folder="",' in module(project, "llm_gateway")


def test_import_a_folder_by_title_path_or_uid(cli, project, grafana):
    for name in ("Trading/Hosts", "Hosts", "hst7k"):
        result = cli("import", "--folder", name, "--force", env=env(grafana))
        assert result.exit_code == 0, result.output
        assert "uid host-overview" in result.output and "llm-gateway" not in result.output


def test_all_skips_what_the_project_declares(cli, project, grafana):
    declared = copy.deepcopy(corpus("quick_start.json"))
    declared.update(uid="ai-llm", title="AI / LLM (made in the UI)")
    grafana.add_dashboard(declared)
    result = cli("import", "--all", env=env(grafana))
    assert result.exit_code == 0, result.output
    assert "uid host-overview" in result.output and "uid llm-gateway" in result.output
    assert "skipped ai-llm: already declared at dashboards/ai.py:" in result.output
    assert "uid ai-llm" not in result.output
    assert 'title="AI / LLM",' in (project / "dashboards" / "ai.py").read_text()


def test_unknown_uid_or_folder_is_refused_and_nothing_written(cli, project, grafana):
    before = sorted(os.listdir(project / "dashboards"))
    for args, expect in ((["--uid", "nope"], "no dashboard with uid 'nope'"),
                         (["--folder", "Nowhere"], "no dashboards in a folder 'Nowhere'")):
        result = cli("import", *args, env=env(grafana))
        assert result.exit_code == 2 and expect in result.output, result.output
        assert "nothing was written" in result.output
    assert sorted(os.listdir(project / "dashboards")) == before


def test_live_import_needs_a_url(cli):
    result = cli("import", "--uid", "host-overview", env=NO_GRAFANA_ENV)
    assert result.exit_code == 2 and "set GRAFANA_URL or --url" in result.output


def test_the_next_deploy_takes_the_dashboard_over_without_a_copy(cli, project, grafana):
    assert cli("import", "--uid", "host-overview", env=env(grafana)).exit_code == 0
    before = grafana.dashboard("host-overview")
    result = cli("deploy", "--dry-run", env=env(grafana))
    assert "take over: add dashsmith's marker" in result.output, result.output
    result = cli("deploy", env=env(grafana))  # no --force: an imported dashboard is not drift
    assert result.exit_code == 0, result.output
    after = grafana.dashboard("host-overview")
    assert MARKER in after["tags"]
    hosts = [d for d in _all_dashboards(grafana) if d["title"] == "Host Overview"]
    assert [d["uid"] for d in hosts] == ["host-overview"]
    # it stays in the folders made in the UI (generated uids), with no second "Hosts"
    assert grafana.dashboard_folder("host-overview") == "hst7k"
    folders = _all_folders(grafana)
    assert [f["uid"] for f in folders if f["title"] == "Hosts"] == ["hst7k"]
    assert [f["uid"] for f in folders if f["title"] == "Trading"] == ["trd"]
    # the same dashboard, now marked as dashsmith's
    assert [line.split(":")[0] for line in differences(normalize(before), normalize(after))] \
        == ["tags"]


def _all_folders(emulator) -> list[dict]:
    api = GrafanaApi.from_url(emulator.url, credential=TOKEN)
    return api.client.GET("/search", params={"type": "dash-folder"})


def _all_dashboards(emulator) -> list[dict]:
    api = GrafanaApi.from_url(emulator.url, credential=TOKEN)
    return api.client.GET("/search", params={"type": "dash-db"})


@pytest.mark.parametrize("version", ["12.4.0", "13.0.0"])
def test_a_dashboard_grafana_converted_to_schema_v2_imports_its_classic_view_and_says_so(
        cli, project, version):
    from grafana_emulator.emulator import GrafanaEmulator
    with GrafanaEmulator(version=version, tokens={TOKEN: "Admin"},
                         datasources=[PROMETHEUS_DATASOURCE]) as grafana:
        grafana.add_dashboard(corpus("host_overview.json"))
        grafana.ui_save_v2("host-overview", tabs=True)  # a person saved it with tabs
        dry = cli("import", "--uid", "host-overview", "--dry-run", env=env(grafana))
        result = cli("import", "--uid", "host-overview", env=env(grafana))
    warning = ("warning: converted to a dynamic dashboard (schema v2) in Grafana: the module "
               "declares Grafana's classic (v1) view of it, which flattens its tabs 'Overview'")
    assert result.exit_code == 0, result.output
    assert warning in result.output
    assert dry.exit_code == 0 and warning in dry.output  # --dry-run says what import says
    assert "would write dashboards/host_overview.py" in dry.output
    assert cli("build").exit_code == 0


def test_a_bound_beyond_64_bits_imports_deploys_and_diffs_as_equal(cli, project, emu):
    # A range mapping's "anything above" bound (1e42, as cnpg's dashboard has) is a float no
    # 64-bit int holds: import, deploy's plan and diff compare it as the number it is.
    data = {"uid": "bounds", "title": "Bounds", "schemaVersion": 39, "id": None,
            "templating": {"list": [{"name": "datasource", "type": "datasource",
                                     "query": "prometheus"}]},
            "panels": [{"id": 1, "type": "stat", "title": "Up",
                        "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0},
                        "datasource": {"type": "prometheus", "uid": "${datasource}"},
                        "fieldConfig": {"defaults": {"mappings": [
                            {"type": "range", "options": {"from": 1, "to": 1e42,
                                                          "result": {"text": "up"}}},
                            {"type": "range", "options": {"from": -1e22, "to": 0,
                                                          "result": {"text": "down"}}}]}},
                        "targets": [{"expr": "sum(up)", "refId": "A"}]}]}
    emu.add_dashboard(data)
    result = cli("import", "--uid", "bounds", env=env(emu))
    assert result.exit_code == 0, result.output
    assert '"to": 1e+42' in module(project, "bounds")
    plan = cli("deploy", "--dry-run", env=env(emu))
    assert plan.exit_code == 0 and "take over: add dashsmith's marker" in plan.output, plan.output
    assert cli("deploy", env=env(emu)).exit_code == 0
    stored = emu.dashboard("bounds")["panels"][0]["fieldConfig"]["defaults"]["mappings"]
    assert [m["options"]["to"] for m in stored] == [1e42, 0]
    diff = cli("diff", "--live", env=env(emu))
    assert diff.exit_code == 0 and "bounds" not in diff.output, diff.output
    # a changed bound is still a change
    data["panels"][0]["fieldConfig"]["defaults"]["mappings"][0]["options"]["to"] = 1e43
    assert differences(normalize(data), normalize(emu.dashboard("bounds"))) != []
