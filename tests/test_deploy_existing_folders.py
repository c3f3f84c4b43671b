"""Deploy reuses folders that exist under the same title path (made in Grafana's UI)."""

from __future__ import annotations

from dataclasses import dataclass

from dashsmith.commands.deploy.alerting import DesiredGroup
from dashsmith.commands.deploy.desired import Desired, DesiredDashboard, folder_tree
from dashsmith.commands.deploy.existing_folders import reuse
from dashsmith.model.source import Source


@dataclass
class FakeClient:
    hits: list[dict]

    def GET(self, path, params=None):  # noqa: N802 - grafana-client's name
        assert path == "/search" and params["type"] == "dash-folder"
        return self.hits if params["page"] == 1 else []


@dataclass
class FakeGrafana:
    client: FakeClient


def folder(uid, title, parent=""):
    return {"uid": uid, "title": title, "type": "dash-folder",
            **({"folderUid": parent} if parent else {})}


def desired(*paths, group_folder=None):
    dashboards = [DesiredDashboard(f"d{i}", f"D{i}", tree[-1].uid, {}, "h", Source("x.py", 1))
                  for i, tree in enumerate(folder_tree([p]) for p in paths)]
    groups = [DesiredGroup(group_folder, "g", {}, "h", Source("x.py", 1))] if group_folder else []
    return Desired(folder_tree(paths), dashboards, groups)


def test_nested_folders_made_in_the_ui_are_reused_parent_first():
    grafana = FakeGrafana(FakeClient([folder("trd", "Trading"), folder("hst7k", "Hosts", "trd")]))
    result, renames, _ = reuse(grafana, desired("Trading/Hosts", "Trading/New"))
    assert renames == {"trading": "trd", "trading-hosts": "hst7k"}
    assert [(f.uid, f.parent_uid) for f in result.folders] == \
        [("trd", None), ("hst7k", "trd"), ("trading-new", "trd")]
    assert [d.folder_uid for d in result.dashboards] == ["hst7k", "trading-new"]


def test_a_folder_that_exists_by_uid_is_left_as_it_is():
    grafana = FakeGrafana(FakeClient([folder("trading", "Trading"), folder("abc", "Trading")]))
    result, renames, _ = reuse(grafana, desired("Trading"))
    assert renames == {} and result.folders[0].uid == "trading"


def test_two_folders_of_the_same_title_are_ambiguous_and_not_reused():
    grafana = FakeGrafana(FakeClient([folder("a1", "Trading"), folder("a2", "Trading")]))
    assert reuse(grafana, desired("Trading"))[1] == {}


def test_a_same_title_under_another_parent_is_not_the_same_folder():
    grafana = FakeGrafana(FakeClient([folder("x", "Hosts", "elsewhere")]))
    assert reuse(grafana, desired("Trading/Hosts"))[1] == {}


def test_the_folder_of_grafana_managed_rule_groups_keeps_its_uid():
    grafana = FakeGrafana(FakeClient([folder("ui-alerts", "Alerts")]))
    assert reuse(grafana, desired("Alerts", group_folder="alerts"))[1] == {}
