"""`dashsmith build`: what it writes, that it writes the same bytes twice, and what it refuses."""

from __future__ import annotations

import json
import os
import subprocess

import yaml

from support import require_binary

DASHBOARD_UIDS = {
    "ai-llm": "trading-platform-ai",
    "system-overview": "trading-platform-infrastructure",
    "postgresql": "trading-platform-infrastructure",
    "tradingagents-application": "trading-platform",
    "tradingagents-agents": "trading-platform",
    "tradingagents-business": "trading-platform",
}
RULE_FILES = {"ai", "node", "postgres", "slo", "tradingagents"}


def tree(root) -> dict[str, bytes]:
    out = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, root)] = handle.read()
    return out


def test_build_writes_dashboards_rules_and_provisioning(cli, project):
    result = cli("build")
    assert result.exit_code == 0, result.output
    files = tree(project / "build")
    for uid, folder in DASHBOARD_UIDS.items():
        assert f"dashboards/{folder}/{uid}.json" in files
        data = json.loads(files[f"dashboards/{folder}/{uid}.json"])
        assert data["uid"] == uid
    assert {p[len("rules/"):-len(".yml")] for p in files if p.startswith("rules/")} == RULE_FILES
    provider = yaml.safe_load(files["provisioning/grafana/dashboards.yaml"])
    assert provider["providers"][0]["options"]["foldersFromFilesStructure"] is True
    assert "provisioning/grafana/dashboards/Trading Platform/AI/ai-llm.json" in files
    assert files["provisioning/grafana/dashboards/Trading Platform/AI/ai-llm.json"] == \
        files["dashboards/trading-platform-ai/ai-llm.json"]
    assert "provisioning/prometheus/rules/ai.yml" in files
    datasource = yaml.safe_load(files["provisioning/grafana/datasources.yaml"])["datasources"][0]
    assert datasource["jsonData"]["timeInterval"] == "15s"


def test_two_builds_are_byte_identical(cli, project):
    assert cli("build").exit_code == 0
    first = tree(project / "build")
    assert cli("build").exit_code == 0
    assert tree(project / "build") == first


def test_json_is_sorted_indented_and_ends_with_newline(cli, project):
    cli("build")
    raw = (project / "build/dashboards/trading-platform-ai/ai-llm.json").read_text()
    data = json.loads(raw)
    assert raw == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_rule_files_load_in_promtool(cli, project):
    promtool = require_binary("promtool")
    cli("build")
    rules = sorted(str(p) for p in (project / "build/rules").iterdir())
    result = subprocess.run([promtool, "check", "rules", *rules], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULE_FILES)


def test_removed_dashboard_disappears_from_the_output(cli, project):
    cli("build")
    (project / "dashboards/business.py").unlink()
    assert cli("build").exit_code == 0
    files = tree(project / "build")
    assert not any("tradingagents-business" in path for path in files)
    assert "dashboards/trading-platform/tradingagents-agents.json" in files


def test_out_option_and_no_stray_staging_directories(cli, project, tmp_path):
    out = tmp_path / "elsewhere" / "out"
    assert cli("build", "--out", str(out)).exit_code == 0
    assert (out / "rules/ai.yml").exists()
    assert sorted(os.listdir(out.parent)) == ["out"]


def test_refuses_to_replace_a_directory_it_did_not_write(cli, project):
    precious = project / "build"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    result = cli.subprocess("build")
    assert result.returncode == 2
    assert "was not written by dashsmith" in result.stderr
    assert (precious / "notes.txt").read_text() == "mine"


def test_max_for_caps_every_for_and_changes_nothing_else(cli, project, tmp_path):
    cli("build", "--out", str(tmp_path / "normal"))
    cli("build", "--out", str(tmp_path / "short"), "--max-for", "30s")
    normal = yaml.safe_load((tmp_path / "normal/rules/ai.yml").read_text())
    short = yaml.safe_load((tmp_path / "short/rules/ai.yml").read_text())
    for before, after in zip(normal["groups"][0]["rules"], short["groups"][0]["rules"],
                             strict=True):
        if "for" in before:
            assert after.pop("for") == "30s"
            before.pop("for")
        assert before == after
    assert cli("build", "--max-for", "soon").exit_code == 2


def test_panel_ids_do_not_move_when_a_panel_is_inserted(cli, project):
    def ids():
        cli("build")
        path = project / "build/dashboards/trading-platform-ai/ai-llm.json"
        data = json.loads(path.read_text())
        return {p["title"]: p["id"] for p in data["panels"]}

    before = ids()
    module = project / "dashboards/ai.py"
    text = module.read_text().replace(
        '        Row("Traffic", [\n',
        '        Row("Traffic", [\n            stat("Inserted", "sum(ai_active_requests)",'
        ' unit="short", description="x", legend="x"),\n', 1)
    module.write_text(text)
    after = ids()
    assert "Inserted" in after
    assert {title: after[title] for title in before} == before


def test_layout_fills_rows_left_to_right_on_the_24_column_grid(cli, project):
    cli("build")
    data = json.loads((project / "build/dashboards/trading-platform-ai/ai-llm.json").read_text())
    grid = {p["title"]: p["gridPos"] for p in data["panels"]}
    assert grid["Traffic"] == {"h": 1, "w": 24, "x": 0, "y": 0}
    traffic = ("Completions Rate", "Token Usage", "Active Requests")
    assert [grid[t]["x"] for t in traffic] == [0, 8, 16]
    assert {grid[t]["y"] for t in traffic} == {1}
    assert grid["Spend"]["y"] == 9
    cells = set()
    for panel in data["panels"]:
        pos = panel["gridPos"]
        cell = {(x, y) for x in range(pos["x"], pos["x"] + pos["w"])
                for y in range(pos["y"], pos["y"] + pos["h"])}
        assert not cells & cell, f"{panel['title']} overlaps another panel"
        cells |= cell
