"""`dashsmith deploy` without Grafana's API: the file-provisioning tree, the Prometheus rule
files (reloaded in a real Prometheus), and the docker-compose stack that mounts them."""

from __future__ import annotations

import json
import os
import subprocess

import niquests
import yaml

from support import REPO, require_binary, set_settings
from support.prometheus import running_prometheus

NO_GRAFANA = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_USER", "GRAFANA_PASSWORD",
                            "PROMETHEUS_URL"))


def rule_groups_declared(project) -> set[tuple[str, str]]:
    rules = project / "build" / "provisioning" / "prometheus" / "rules"
    return {(path, group["name"]) for path in os.listdir(rules)
            for group in yaml.safe_load((rules / path).read_text())["groups"]}


def prometheus(tmp_path, rule_glob: str, lifecycle: bool = True):
    """A real Prometheus on 127.0.0.1 reading `rule_glob`; yields its base URL."""
    config = f"global:\n  evaluation_interval: 1m\nrule_files:\n  - {rule_glob}\n"
    return running_prometheus(tmp_path, config, lifecycle=lifecycle)


def loaded_groups(url: str) -> set[tuple[str, str]]:
    groups = niquests.get(f"{url}/api/v1/rules", timeout=5).json()["data"]["groups"]
    return {(os.path.basename(g["file"]), g["name"]) for g in groups}


# --- the provisioning tree --------------------------------------------------------------------

def test_without_grafana_url_deploy_writes_the_provisioning_tree_and_says_how_to_mount_it(
        cli, project):
    result = cli("deploy", env=NO_GRAFANA)
    assert result.exit_code == 0, result.output
    provisioning = project / "build" / "provisioning"
    provider = yaml.safe_load((provisioning / "grafana" / "dashboards.yaml").read_text())
    mount_point = provider["providers"][0]["options"]["path"]
    assert f"build/provisioning/grafana/dashboards/      → {mount_point}" in result.output
    assert "GRAFANA_URL is not set: nothing was sent to Grafana" in result.output
    assert any((provisioning / "grafana" / "dashboards").rglob("*.json"))
    assert rule_groups_declared(project)


def test_dry_run_without_grafana_writes_nothing(cli, project):
    result = cli("deploy", "--dry-run", env=NO_GRAFANA)
    assert result.exit_code == 0 and "would write" in result.output
    assert not (project / "build").exists()


def test_grafana_alerts_need_grafana(cli, project):
    result = cli("deploy", "--grafana-alerts", env=NO_GRAFANA)
    assert result.exit_code == 2 and "set GRAFANA_URL" in result.output


def test_rules_go_into_the_configured_directory_beside_files_dashsmith_did_not_write(
        cli, project, tmp_path):
    rules_dir = tmp_path / "prometheus-rules"
    rules_dir.mkdir()
    (rules_dir / "team-b.yml").write_text("groups: []\n")  # another team's: left alone
    set_settings(project, "dashsmith.deploy", prometheus_rules_dir=rules_dir)
    assert cli("deploy", env=NO_GRAFANA).exit_code == 0
    ours = {path for path in os.listdir(rules_dir) if path != "team-b.yml"}
    assert rule_groups_declared(project) == {
        (path, group["name"]) for path in ours
        for group in yaml.safe_load((rules_dir / path).read_text())["groups"]}
    assert (rules_dir / "team-b.yml").read_text() == "groups: []\n"

    taken = sorted(ours)[0]  # a file of the same name that dashsmith did not write
    (rules_dir / taken).write_text("groups: []\n")
    result = cli("deploy", env=NO_GRAFANA)
    assert result.exit_code == 1
    assert f"{taken} in " in result.output and "was not written by dashsmith" in result.output
    assert (rules_dir / taken).read_text() == "groups: []\n"


def test_unknown_deploy_setting_is_an_error(cli, project):
    set_settings(project, "dashsmith.deploy", prometheus_rule_dir="typo")
    line = (project / "setup.cfg").read_text().splitlines().index("prometheus_rule_dir = typo") + 1
    result = cli("deploy", env=NO_GRAFANA)
    assert result.exit_code == 2
    assert (f"setup.cfg:{line}:1: unknown setting(s) in [dashsmith.deploy]: prometheus_rule_dir"
            in result.output)


# --- Prometheus reload --------------------------------------------------------------------------

def test_prometheus_is_reloaded_and_every_group_checked(cli, project, tmp_path):
    rules_dir = tmp_path / "rules"
    set_settings(project, "dashsmith.deploy", prometheus_rules_dir=rules_dir)
    with prometheus(tmp_path, f"{rules_dir}/*.yml") as url:
        assert loaded_groups(url) == set()
        result = cli("deploy", env={**NO_GRAFANA, "PROMETHEUS_URL": url})
        assert result.exit_code == 0, result.output
        declared = rule_groups_declared(project)
        assert f"Prometheus at {url} reloaded: {len(declared)} rule groups loaded" in result.output
        assert loaded_groups(url) == declared


def test_prometheus_without_lifecycle_api_is_reported(cli, project, tmp_path):
    rules_dir = tmp_path / "rules"
    set_settings(project, "dashsmith.deploy", prometheus_rules_dir=rules_dir)
    with prometheus(tmp_path, f"{rules_dir}/*.yml", lifecycle=False) as url:
        result = cli("deploy", env={**NO_GRAFANA, "PROMETHEUS_URL": url})
    assert result.exit_code == 1
    assert "start it with --web.enable-lifecycle" in result.output


def test_prometheus_reading_another_directory_is_reported(cli, project, tmp_path):
    rules_dir = tmp_path / "rules"
    set_settings(project, "dashsmith.deploy", prometheus_rules_dir=rules_dir)
    with prometheus(tmp_path, f"{tmp_path}/elsewhere/*.yml") as url:
        result = cli("deploy", env={**NO_GRAFANA, "PROMETHEUS_URL": url})
    assert result.exit_code == 1
    assert "has not loaded" in result.output and "rule_files" in result.output


# --- the docker-compose stack -------------------------------------------------------------------

def compose() -> dict:
    with open(os.path.join(REPO, "docker-compose.yml")) as handle:
        return yaml.safe_load(handle)


def in_container(path: str, root) -> str:
    """Where a /dashsmith/... path of the containers is in the project `root`."""
    assert path.startswith("/dashsmith/")
    return os.path.join(str(root), path[len("/dashsmith/"):])


def test_compose_serves_grafana_on_3001_and_the_stack_the_plan_describes():
    services = compose()["services"]
    assert set(services) >= {"grafana", "prometheus", "alertmanager", "node-exporter"}
    assert "3001:3000" in services["grafana"]["ports"]
    assert "9090:9090" in services["prometheus"]["ports"]
    assert "--web.enable-lifecycle" in " ".join(services["prometheus"]["command"])
    for service in ("grafana", "prometheus"):
        assert ".:/dashsmith:ro" in services[service]["volumes"]


def test_grafana_provisioning_links_point_at_what_deploy_writes(cli, project):
    assert cli("deploy", env=NO_GRAFANA).exit_code == 0
    provisioning = os.path.join(REPO, "docker", "grafana", "provisioning")
    links = {os.path.relpath(os.path.join(d, name), provisioning):
             os.readlink(os.path.join(d, name))
             for d, dirs, files in os.walk(provisioning) for name in dirs + files
             if os.path.islink(os.path.join(d, name))}
    assert set(links) == {"dashboards/dashsmith.yaml", "dashboards/dashsmith",
                          "datasources/dashsmith.yaml"}
    for target in links.values():
        assert os.path.exists(in_container(target, project)), target
    with open(in_container(links["dashboards/dashsmith.yaml"], project)) as handle:
        provider = yaml.safe_load(handle)
    assert provider["providers"][0]["options"]["path"] == \
        "/etc/grafana/provisioning/dashboards/dashsmith"  # = the link dashboards/dashsmith


def test_compose_prometheus_config_and_rules_pass_promtool(cli, project, tmp_path):
    promtool = require_binary("promtool")
    assert cli("deploy", env=NO_GRAFANA).exit_code == 0
    with open(os.path.join(REPO, "docker", "prometheus", "prometheus.yml")) as handle:
        config = handle.read()
    (rule_glob,) = yaml.safe_load(config)["rule_files"]
    local = tmp_path / "prometheus.yml"
    local.write_text(config.replace(rule_glob, in_container(rule_glob, project)))
    checked = subprocess.run([promtool, "check", "config", str(local)], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout and "rules found" in checked.stdout


def test_compose_alertmanager_config_passes_amtool():
    amtool = require_binary("amtool")
    path = os.path.join(REPO, "docker", "alertmanager", "alertmanager.yml")
    checked = subprocess.run([amtool, "check-config", path], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_json_report_without_grafana(cli, project):
    result = cli("deploy", "--format", "json", env=NO_GRAFANA)
    assert result.exit_code == 0
    report = json.loads(result.output)["provisioning"]
    assert report["written"] and report["dashboards"] == len(list(
        (project / "build" / "dashboards").rglob("*.json")))
