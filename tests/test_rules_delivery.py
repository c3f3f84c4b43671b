"""The alert and recording rules reach the engine that evaluates them, as part of deploy's plan:
to a real Prometheus (Debian's, started here) through the rule files and /-/reload, checked
through /api/v1/rules; and a deploy that would deliver them nowhere never passes silently."""

from __future__ import annotations

import base64
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import niquests
import pytest
import yaml

from dashsmith.compiler.project import Project
from dashsmith.prometheus.api import Prometheus, PrometheusError
from support import set_settings
from support.grafana import NO_GRAFANA_ENV, PROMETHEUS_DATASOURCE
from support.prometheus import running_prometheus

try:
    from tests.grafana_emulator import GrafanaEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator

TOKEN = "glsa_rulesdelivery_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"
# Nothing from outside decides where the rules go: each test says.
CLEAN = {**NO_GRAFANA_ENV, "DASHSMITH_RULES": None}


@pytest.fixture(scope="module")
def grafana_emulator():
    with GrafanaEmulator(tokens={TOKEN: "Admin"}, datasources=[PROMETHEUS_DATASOURCE]) as emu:
        yield emu


@pytest.fixture
def grafana(grafana_emulator):
    grafana_emulator.reset()
    yield grafana_emulator
    assert grafana_emulator.server_errors == []


@pytest.fixture
def rules_dir(project, tmp_path):
    directory = tmp_path / "prometheus-rules"
    set_settings(project, "dashsmith.deploy", prometheus_rules_dir=directory)
    return directory


@pytest.fixture
def prometheus(tmp_path, rules_dir):
    """A real Prometheus whose rule_files read `rules_dir`; its base URL."""
    home = tmp_path / "prometheus"
    home.mkdir()
    config = f"global:\n  evaluation_interval: 1m\nrule_files:\n  - {rules_dir}/*.yml\n"
    with running_prometheus(home, config, lifecycle=True) as url:
        yield url


def env(grafana=None, **extra) -> dict:
    through = {"GRAFANA_URL": grafana.url, "GRAFANA_TOKEN": TOKEN} if grafana else {}
    return {**CLEAN, **through, **extra}


def declared_groups(project) -> dict[tuple[str, str], dict]:
    """(file, group) → group, of the rule files the build writes."""
    rules = project / "build" / "rules"
    return {(path, group["name"]): group for path in os.listdir(rules)
            for group in yaml.safe_load((rules / path).read_text())["groups"]}


def loaded(url: str) -> dict[tuple[str, str], dict]:
    groups = niquests.get(f"{url}/api/v1/rules", timeout=5).json()["data"]["groups"]
    return {(os.path.basename(g["file"]), g["name"]): g for g in groups}


def edit(project, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def plan_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "prometheus-rule-group" in line]


# --- nowhere ---------------------------------------------------------------------------------

def test_a_deploy_to_grafana_that_delivers_the_rules_nowhere_refuses_in_one_line(
        cli, project, grafana):
    set_settings(project, "dashsmith.deploy", prometheus_url="")  # no target
    result = cli("deploy", env=env(grafana))
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if "delivered nowhere" in line]
    assert "PROMETHEUS_URL" in line and "rules = none" in line and "nothing was written" in line
    assert not (project / "build").exists()
    assert grafana.writes() == []


def test_without_grafana_the_build_trees_rule_files_are_the_deployment(cli, project):
    assert cli("deploy", env=env()).exit_code == 0
    edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
         '"1 - 1 * node_memory_MemAvailable_bytes')
    result = cli("deploy", env=env())
    assert result.exit_code == 0, result.output
    assert plan_lines(result.output) == [
        "~ update    prometheus-rule-group node.yml/node: changed in code"]
    assert "no Prometheus reloaded" in result.output
    rules = project / "build" / "provisioning" / "prometheus" / "rules"
    assert "1 - 1 * node_memory_MemAvailable_bytes" in (rules / "node.yml").read_text()


def test_rules_none_says_the_rules_are_delivered_elsewhere(cli, project, grafana):
    set_settings(project, "dashsmith.deploy", rules="none")
    result = cli("deploy", env=env(grafana))
    assert result.exit_code == 0, result.output
    assert "rules = none: delivered outside this deploy" in result.output


def routing_secrets(project) -> dict[str, str]:
    routing = Project(str(project)).estate.routing
    return {s.env: f"value-of-{s.env.lower()}" for s in routing.secrets() if s.env}


def test_grafana_managed_alerts_are_the_rules_target_of_the_same_plan(
        cli, project, grafana, prometheus):
    # a project whose alerts Grafana evaluates says so; the recording rules the alerts read
    # still go to the Prometheus that evaluates them
    set_settings(project, "dashsmith.deploy", rules="grafana", prometheus_url="")
    result = cli("deploy", "--grafana-alerts",
                 env=env(grafana, PROMETHEUS_URL=prometheus, **routing_secrets(project)))
    assert result.exit_code == 0, result.output
    assert ("rules → Grafana-managed alerts (the rule groups above); recording rules: "
            f"Prometheus at {prometheus} (") in result.output
    assert "create    rule-group" in result.output
    have = loaded(prometheus)
    assert have and all(r["type"] == "recording" for g in have.values() for r in g["rules"])


def test_grafana_alerts_whose_recording_rules_reach_no_engine_refuse(cli, project, grafana):
    set_settings(project, "dashsmith.deploy", rules="grafana", prometheus_url="")
    result = cli("deploy", "--grafana-alerts", env=env(grafana, **routing_secrets(project)))
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if "evaluated nowhere" in line]
    assert "--grafana-alerts" in line and "PROMETHEUS_URL" in line and "RULER_URL" in line
    assert "rules = none" in line and "nothing was changed" in line
    assert not (project / "build").exists()
    assert grafana.writes() == []


def test_grafana_alerts_with_rules_none_leave_the_recording_rules_to_the_setup(
        cli, project, grafana):
    set_settings(project, "dashsmith.deploy", rules="none", prometheus_url="")
    result = cli("deploy", "--grafana-alerts", env=env(grafana, **routing_secrets(project)))
    assert result.exit_code == 0, result.output
    assert "rules = none: delivered outside this deploy" in result.output


def test_rules_prometheus_without_a_prometheus_url_refuses(cli, project, grafana):
    set_settings(project, "dashsmith.deploy", rules="prometheus", prometheus_url="")
    result = cli("deploy", env=env(grafana))
    assert result.exit_code == 2
    assert "rules = prometheus: set PROMETHEUS_URL" in result.output
    assert not (project / "build").exists()


def test_an_unknown_rules_target_names_its_line(cli, project):
    set_settings(project, "dashsmith.deploy", rules="alertmanager")
    line = (project / "setup.cfg").read_text().splitlines().index("rules = alertmanager") + 1
    result = cli("deploy", env=env())
    assert result.exit_code == 2
    assert (f"setup.cfg:{line}:1: [dashsmith.deploy] rules = 'alertmanager': use one of "
            "prometheus | ruler | grafana | none") in result.output


# --- Prometheus: plan, write, reload, confirm ------------------------------------------------

def test_deploy_plans_every_group_delivers_it_and_proves_prometheus_loaded_it(
        cli, project, grafana, prometheus, rules_dir):
    first = cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert first.exit_code == 0, first.output
    declared = declared_groups(project)
    assert f"rules → Prometheus at {prometheus}" in first.output
    assert sorted(plan_lines(first.output)) == sorted(
        f"+ create    prometheus-rule-group {file}/{group}: new" for file, group in declared)
    assert (f"Prometheus at {prometheus} reloaded: {len(declared)} rule groups loaded, every "
            "rule as deployed") in first.output
    have = loaded(prometheus)
    assert set(have) == set(declared)
    for key, group in declared.items():
        assert [r["name"] for r in have[key]["rules"]] == [
            r.get("alert") or r.get("record") for r in group["rules"]]
    # each file is marked as this project's, with the hash of what it holds
    text = (rules_dir / "node.yml").read_text()
    assert text.startswith("# Written by dashsmith deploy (project trading-platform, sha256:")

    again = cli("deploy", "-v", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert again.exit_code == 0, again.output
    assert f"rules plan: 0 to create, 0 to update, {len(declared)} unchanged, 0 drifted, " \
           "0 to delete" in again.output


def test_a_changed_alert_is_an_update_and_prometheus_evaluates_the_new_expression(
        cli, project, grafana, prometheus):
    assert cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus)).exit_code == 0
    edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
         '"1 - 1 * node_memory_MemAvailable_bytes')
    result = cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert result.exit_code == 0, result.output
    assert plan_lines(result.output) == [
        "~ update    prometheus-rule-group node.yml/node: changed in code"]
    [memory] = [r for r in loaded(prometheus)[("node.yml", "node")]["rules"]
                if r["name"] == "instance:node_memory_utilisation:ratio"]
    assert "1 * node_memory_MemAvailable_bytes" in memory["query"]


def rule_changes(output: str, group_line: str) -> list[str]:
    """The lines under a rule group's plan line (what changes in it, rule by rule)."""
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == group_line)
    under = []
    for line in lines[at + 1:]:
        if not line.startswith("      "):
            break
        under.append(line.strip())
    return under


def test_the_plan_shows_rule_by_rule_what_changes_in_a_group(cli, project, rules_dir):
    assert cli("deploy", env=env()).exit_code == 0
    edit(project, "alerts/node.py", 'for_="15m",\n        severity="info",\n'
         '        summary="A host\'s CPUs are busy."',
         'for_="20m",\n        severity="warning",\n        summary="A host\'s CPUs are busy!"')
    edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
         '"1 - 1 * node_memory_MemAvailable_bytes')
    planned = cli("deploy", "--dry-run", env=env())
    assert planned.exit_code == 0, planned.output
    assert rule_changes(planned.output, "~ update    prometheus-rule-group node.yml/node: "
                                        "changed in code") == [
        "~ record instance:node_memory_utilisation:ratio",
        "expr: 1 -{+ 1 *+} node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
        "~ alert NodeCPUHighUsage",
        "for: 15m → 20m",
        "annotations.summary: A host's CPUs are busy. → A host's CPUs are busy!",
        "labels.severity: info → warning"]
    assert "@@" not in planned.output

    # Edited by hand where it is delivered: the change shown is from the file's content (the
    # hand's `for`) to the code's, what --force would write.
    path = rules_dir / "node.yml"
    path.write_text(path.read_text().replace("for: 15m", "for: 45m"))
    drifted = cli("deploy", "--dry-run", env=env())
    [line] = [line.strip() for line in drifted.output.splitlines()
              if line.strip().startswith("! drifted   prometheus-rule-group node.yml/node:")]
    under = rule_changes(drifted.output, line)
    assert under[under.index("~ alert NodeCPUHighUsage") + 1] == "for: 45m → 20m"
    assert "~ alert NodeMemoryHighUtilization" in under  # its `for` too was 15m


def test_a_group_removed_from_the_code_is_deleted_from_prometheus(
        cli, project, grafana, prometheus):
    assert cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus)).exit_code == 0
    edit(project, "alerts/node.py", 'RuleGroup("node", [', 'RuleGroup("hosts", [')
    result = cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert result.exit_code == 0, result.output
    assert plan_lines(result.output) == [
        "+ create    prometheus-rule-group node.yml/hosts: new",
        "- delete    prometheus-rule-group node.yml/node: no longer in code"]
    assert ("node.yml", "node") not in loaded(prometheus)
    assert ("node.yml", "hosts") in loaded(prometheus)


def test_the_plan_lists_the_rule_groups_in_json_and_in_a_saved_plan(
        cli, project, grafana, prometheus, tmp_path):
    result = cli("deploy", "--dry-run", "--format", "json",
                 env=env(grafana, PROMETHEUS_URL=prometheus))
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["plan"]["changes"]
    rules = [c for c in changes if c["kind"] == "prometheus-rule-group"]
    assert cli("build", env=env()).exit_code == 0  # for declared_groups: a dry run writes nothing
    assert {c["key"] for c in rules} == {f"{f}/{g}" for f, g in declared_groups(project)}
    assert {c["action"] for c in rules} == {"create"}
    assert loaded(prometheus) == {}  # a dry run writes nothing

    saved = tmp_path / "plan.json"
    assert cli("deploy", "--dry-run", "--plan-out", str(saved),
               env=env(grafana, PROMETHEUS_URL=prometheus)).exit_code == 0
    applied = cli("deploy", "--plan", str(saved), env=env(grafana, PROMETHEUS_URL=prometheus))
    assert applied.exit_code == 0, applied.output
    assert set(loaded(prometheus)) == set(declared_groups(project))  # delivered as planned


def test_a_saved_plan_is_refused_if_the_rules_changed_where_they_are_delivered(
        cli, project, grafana, prometheus, rules_dir, tmp_path):
    saved = tmp_path / "plan.json"
    assert cli("deploy", "--dry-run", "--plan-out", str(saved),
               env=env(grafana, PROMETHEUS_URL=prometheus)).exit_code == 0
    rules_dir.mkdir(exist_ok=True)
    (rules_dir / "node.yml").write_text("groups: []\n")  # someone's file, since the plan
    refused = cli("deploy", "--plan", str(saved), env=env(grafana, PROMETHEUS_URL=prometheus))
    assert refused.exit_code == 1
    assert "the rules changed where they are delivered since the plan was made" in refused.output
    assert "prometheus-rule-group node.yml/node: node.yml in " in refused.output
    assert "was not written by dashsmith now" in refused.output
    assert (rules_dir / "node.yml").read_text() == "groups: []\n"
    assert grafana.writes() == []


def test_a_rule_file_edited_by_hand_is_drift_left_alone_until_force(
        cli, project, grafana, prometheus, rules_dir):
    assert cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus)).exit_code == 0
    path = rules_dir / "node.yml"
    path.write_text(path.read_text() + "# edited by hand\n")
    edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
         '"1 - 1 * node_memory_MemAvailable_bytes')
    edited = path.read_text()
    result = cli("deploy", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert result.exit_code == 1
    assert "! drifted   prometheus-rule-group node.yml/node: node.yml in " in result.output
    assert "was edited since dashsmith wrote it" in result.output
    assert path.read_text() == edited
    forced = cli("deploy", "--force", env=env(grafana, PROMETHEUS_URL=prometheus))
    assert forced.exit_code == 0, forced.output
    assert "# edited by hand" not in path.read_text()


# --- Prometheus refusing ---------------------------------------------------------------------

def test_a_failed_reload_says_prometheus_keeps_the_rules_it_had(cli, project, tmp_path,
                                                               rules_dir):
    other = tmp_path / "team-b"
    other.mkdir()
    home = tmp_path / "prometheus"
    home.mkdir()
    config = (f"global:\n  evaluation_interval: 1m\n"
              f"rule_files:\n  - {rules_dir}/*.yml\n  - {other}/*.yml\n")
    with running_prometheus(home, config, lifecycle=True) as url:
        assert cli("deploy", env=env(PROMETHEUS_URL=url)).exit_code == 0
        before = loaded(url)
        # another team's broken file: Prometheus refuses the reload as a whole
        (other / "broken.yml").write_text("groups:\n  - name: broken\n    rules:\n"
                                          "      - alert: Broken\n        expr: sum(\n")
        edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
             '"1 - 1 * node_memory_MemAvailable_bytes')
        result = cli("deploy", env=env(PROMETHEUS_URL=url))
        assert result.exit_code == 1
        assert "could not reload" in result.output
        assert "Prometheus keeps evaluating the rules it had before this deploy" in result.output
        after = loaded(url)
    assert after.keys() == before.keys()
    [memory] = [r for r in after[("node.yml", "node")]["rules"]
                if r["name"] == "instance:node_memory_utilisation:ratio"]
    assert "1 * node_memory" not in memory["query"]  # still the old rule


def test_a_prometheus_without_the_lifecycle_api_is_named(cli, project, tmp_path, rules_dir,
                                                         grafana):
    home = tmp_path / "prometheus"
    home.mkdir()
    config = f"rule_files:\n  - {rules_dir}/*.yml\n"
    with running_prometheus(home, config, lifecycle=False) as url:
        result = cli("deploy", env=env(grafana, PROMETHEUS_URL=url))
    assert result.exit_code == 1
    assert "start it with --web.enable-lifecycle" in result.output
    assert "rules not loaded" in result.output


# --- the repository's own setup: docker-compose's Prometheus ----------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def repository_file(*parts: str) -> dict:
    with open(os.path.join(REPO, *parts)) as handle:
        return yaml.safe_load(handle)


def test_the_repositorys_setup_delivers_the_rules_to_the_compose_prometheus():
    """setup.cfg's target is the Prometheus docker-compose.yml starts: the URL it publishes,
    the rule files it reads (the project is mounted at /dashsmith), reloadable."""
    import configparser
    from urllib.parse import urlsplit

    from dashsmith.commands.deploy.prometheus_rules import BUILD_RULES_DIR
    settings = configparser.ConfigParser()
    settings.read(os.path.join(REPO, "setup.cfg"))
    deploy = settings["dashsmith.deploy"]
    # no `rules`: what the environment configures (CI's RULER_URL), else this Prometheus
    assert "rules" not in deploy
    published = urlsplit(deploy["prometheus_url"])
    service = repository_file("docker-compose.yml")["services"]["prometheus"]
    assert published.hostname == "localhost"
    assert f"{published.port}:9090" in service["ports"]
    assert "--web.enable-lifecycle" in " ".join(service["command"])
    assert ".:/dashsmith:ro" in service["volumes"]
    (rule_glob,) = repository_file("docker", "prometheus", "prometheus.yml")["rule_files"]
    assert rule_glob == f"/dashsmith/{settings['dashsmith']['out']}/{BUILD_RULES_DIR}/*.yml"


def test_compose_runs_prometheus_3_and_grafana_13():
    services = repository_file("docker-compose.yml")["services"]
    assert services["prometheus"]["image"].startswith("prom/prometheus:v3.")
    assert services["grafana"]["image"].startswith("grafana/grafana:13.")
    # What Prometheus 3's migration guide renamed or removed is not in its configuration (the
    # Debian prometheus here is 2.x, so 3.x itself cannot load it in this test).
    config = repository_file("docker", "prometheus", "prometheus.yml")
    for job in config["scrape_configs"]:
        assert "scrape_classic_histograms" not in job  # always_scrape_classic_histograms in 3
        for targets in job["static_configs"]:
            # 3.x adds no default port: every target names its own
            assert all(":" in target for target in targets["targets"]), job["job_name"]
    for alertmanager in config["alerting"]["alertmanagers"]:
        assert alertmanager.get("api_version", "v2") == "v2"  # 3.x removed v1
    flags = " ".join(services["prometheus"]["command"])
    assert "--enable-feature" not in flags  # 3.x folded or dropped the 2.x feature flags


def test_with_the_repositorys_setup_a_deploy_to_grafana_reloads_its_prometheus(
        cli, project, grafana, tmp_path):
    """`make deploy-dashboards` with GRAFANA_URL only: the rules go where setup.cfg says (here
    its prometheus_url names a real Prometheus reading the build tree, as compose's does)."""
    home = tmp_path / "prometheus"
    home.mkdir()
    rules = project / "build" / "provisioning" / "prometheus" / "rules"
    config = f"global:\n  evaluation_interval: 1m\nrule_files:\n  - {rules}/*.yml\n"
    with running_prometheus(home, config, lifecycle=True) as url:
        set_settings(project, "dashsmith.deploy", prometheus_url=url)
        result = cli("deploy", env=env(grafana))
        assert result.exit_code == 0, result.output
        assert f"rules → Prometheus at {url}" in result.output
        assert f"Prometheus at {url} reloaded" in result.output
        assert grafana.writes()
        assert ("node.yml", "node") in loaded(url)
        # PROMETHEUS_URL still names another for one run
        other = cli("deploy", env=env(grafana, PROMETHEUS_URL="http://127.0.0.1:9"))
        assert other.exit_code == 1
        assert "rules → Prometheus at http://127.0.0.1:9" in other.output


def test_with_the_repositorys_setup_a_deploy_without_grafana_writes_the_files_only(cli, project):
    """Before `docker compose up` (the Prometheus reads the files when it starts) nothing is
    reloaded unless PROMETHEUS_URL asks."""
    result = cli("deploy", env=env())
    assert result.exit_code == 0, result.output
    assert "no Prometheus reloaded" in result.output


def test_with_the_repositorys_setup_a_ruler_in_the_environment_still_takes_the_rules(
        cli, project, grafana):
    """The CI deploy job's RULER_URL wins over setup.cfg's Prometheus (rules is not set)."""
    try:
        from tests.ruler_emulator import RulerEmulator
    except ImportError:
        from ruler_emulator import RulerEmulator
    with RulerEmulator() as ruler:
        result = cli("deploy", env=env(grafana, RULER_URL=ruler.url, RULER_TENANT="t",
                                        RULER_LOAD_TIMEOUT="5"))
        assert result.exit_code == 0, result.output
        assert f"rules → the ruler at {ruler.url}" in result.output
        assert ruler.groups("t")


# --- credentials in PROMETHEUS_URL ------------------------------------------------------------

def test_a_password_in_prometheus_url_is_sent_and_never_printed(cli, project, grafana,
                                                                prometheus):
    with_user = prometheus.replace("http://", "http://bob:hunter2-Prom@")
    result = cli("deploy", env=env(grafana, PROMETHEUS_URL=with_user))
    assert result.exit_code == 0, result.output
    assert f"rules → Prometheus at {prometheus} (" in result.output
    assert f"Prometheus at {prometheus} reloaded" in result.output
    assert "hunter2" not in result.output and "bob:" not in result.output


def test_prometheus_is_sent_the_url_s_user_and_password_as_basic_auth():
    seen: list[str | None] = []

    class Refusing(BaseHTTPRequestHandler):  # a gateway that echoes what it was sent
        def do_POST(self):
            seen.append(self.headers.get("Authorization"))
            body = f"bad credentials: {self.headers.get('Authorization')}".encode()
            self.send_response(401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Refusing)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        prometheus = Prometheus(f"http://bob:hunter2-Prom@127.0.0.1:{server.server_port}")
        with pytest.raises(PrometheusError) as refused:
            prometheus.reload()
    finally:
        server.shutdown()
        server.server_close()
    assert seen == ["Basic " + base64.b64encode(b"bob:hunter2-Prom").decode()]
    assert prometheus.url == f"http://127.0.0.1:{server.server_port}"
    assert "bad credentials: Basic ***" in str(refused.value)
    assert "hunter2" not in str(refused.value) and "Ym9i" not in str(refused.value)


# --- one home --------------------------------------------------------------------------------

def test_rule_groups_are_planned_and_marked_as_grafana_s_items_are():
    """A drifted rule group is blocked unless --force by the plan's own rule, and its line
    marked with the report's symbols: one home for each, not a copy in rules_delivery."""
    from dashsmith.commands.deploy import plan, report, rules_delivery
    assert rules_delivery.drifted is plan.drifted
    assert rules_delivery.SYMBOL is report.SYMBOL
    assert not hasattr(rules_delivery, "_SYMBOL")
