"""`dashsmith diff --live`: the working tree against the dashboards in Grafana (the emulator in
tests/grafana_emulator), over deploy's connection settings."""

from __future__ import annotations

import copy
import json

import pytest

from dashsmith.compiler.project import Project
from dashsmith.grafana.ownership import with_marker
from dashsmith.model import folders
from grafana_emulator.fixtures import emulator_fixtures

TOKEN = "glsa_review"


running, emu = emulator_fixtures(tokens={TOKEN: "Admin"})


@pytest.fixture
def build(project):
    return Project(str(project)).build()


def deploy_by_hand(emu, build, skip=()):
    """What a deploy leaves in Grafana: the folders, and each dashboard with dashsmith's tag."""
    made = set()
    for dashboard in build.dashboards:
        if dashboard.uid in skip:
            continue
        for uid, title, parent in folders.lineage(dashboard.folder):
            if uid not in made:
                emu.add_folder(title, uid=uid, parent_uid=parent or "")
                made.add(uid)
        emu.add_dashboard(with_marker(copy.deepcopy(dashboard.json)),
                          folder_uid=dashboard.folder_uid)


def live(cli, emu, *args, token=TOKEN):
    return cli("diff", "--live", "--url", emu.url, *args, env={"GRAFANA_TOKEN": token})


def where(source, project) -> str:
    relative = source.relative_to(str(project))
    return f"{relative.file}:{relative.line}"


def test_what_was_deployed_is_no_change(cli, emu, build):
    deploy_by_hand(emu, build)
    result = live(cli, emu)
    assert result.exit_code == 0
    assert result.output == (f"No changes. The dashboards in Grafana {emu.url} and working tree "
                             "are the same.\n")


def test_an_edit_in_grafana_shows_what_deploying_would_undo(cli, emu, build, project):
    deploy_by_hand(emu, build)
    dashboard = build.dashboards[0]
    panel = next(p for p in dashboard.json["panels"] if p["type"] != "row")

    def rename(data):
        for item in data["panels"]:
            if item["id"] == panel["id"]:
                item["title"] = "Edited in the UI"
    emu.ui_edit(dashboard.uid, rename)
    result = live(cli, emu)
    assert result.exit_code == 1
    label = f"Grafana {emu.url}"
    assert result.output.splitlines() == [
        f"dashsmith diff: {label} → working tree",
        f'~ dashboard {dashboard.uid} "{dashboard.title}"  {where(dashboard.source, project)}',
        f'  ~ panel "{panel["title"]}"  {where(dashboard.panel_sources[panel["id"]], project)}',
        f'    title: Edited in the UI → {panel["title"]}',
        f"(alert and recording rules are not compared with {label})",
        "1 dashboard changed (1 panel changed)",
    ]


def test_dashboards_not_deployed_and_left_behind(cli, emu, build, project):
    missing = build.dashboards[-1]
    deploy_by_hand(emu, build, skip={missing.uid})
    emu.add_dashboard(with_marker({"uid": "retired", "title": "Retired", "panels": []}))
    emu.add_dashboard({"uid": "someone-elses", "title": "Not dashsmith's", "panels": []})
    result = live(cli, emu, "--format", "json")
    assert result.exit_code == 1
    statuses = {d["name"]: d["status"] for d in json.loads(result.output)["dashboards"]}
    assert statuses == {missing.uid: "added", "retired": "removed"}


def test_a_dashboard_moved_to_another_folder_in_grafana(cli, emu, build):
    deploy_by_hand(emu, build)
    dashboard = build.dashboards[0]
    emu.add_folder("Elsewhere", uid="elsewhere")
    emu.add_dashboard(emu.dashboard(dashboard.uid), folder_uid="elsewhere")
    result = live(cli, emu)
    assert f"  folder: Elsewhere → {dashboard.folder}" in result.output.splitlines()


def test_a_rejected_token_exits_2_without_showing_it(cli, emu):
    result = live(cli, emu, token="glsa_wrong_secret")
    assert result.exit_code == 2
    assert "401" in result.output and "glsa_wrong_secret" not in result.output


def test_an_unreachable_grafana_exits_2(cli, emu):
    url = emu.url
    result = cli("diff", "--live", "--url", url.replace(str(emu.port), "9"), "--timeout", "1",
                 env={"GRAFANA_TOKEN": TOKEN})
    assert result.exit_code == 2
    assert "dashsmith: cannot" in result.output


def test_live_needs_a_url(cli):
    result = cli("diff", "--live", env={"GRAFANA_URL": ""})
    assert result.exit_code == 2
    assert "--url or GRAFANA_URL" in result.output


@pytest.mark.parametrize("version", ["12.4.0", "13.0.0"])
def test_a_dashboard_grafana_holds_as_schema_v2_is_compared_through_its_classic_view(
        cli, build, version):
    from grafana_emulator.emulator import GrafanaEmulator
    with GrafanaEmulator(version=version, tokens={TOKEN: "Admin"}) as grafana:
        deploy_by_hand(grafana, build)
        uid = build.dashboards[0].uid
        grafana.ui_save_v2(uid, tabs=True)  # a person saved it with dynamic dashboards on
        result = live(cli, grafana)
    assert result.exit_code in (0, 1), result.output
    assert f"dashboard {uid}: converted to a dynamic dashboard (schema v2) in Grafana; " \
           "compared through Grafana's classic view of it, which flattens its tabs" \
        in result.output
    assert "cannot read" not in result.output
