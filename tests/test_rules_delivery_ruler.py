"""The rules delivered to a ruler over HTTP (Grafana Mimir's API, which Cortex and Loki share),
through the CLI: against the emulator in tests/ruler_emulator, and against a real ruler when
RULER_TEST_URL (with RULER_TEST_TENANT, RULER_TEST_TOKEN if it asks, RULER_TEST_API if it is
Cortex's or Loki's) is set."""

from __future__ import annotations

import base64
import os
import uuid
from urllib.parse import quote

import pytest

from dashsmith.commands.deploy.alerting import HASH_ANNOTATION
from dashsmith.compiler.project import Project
from dashsmith.grafana.connection import Connection, Secret
from dashsmith.ruler.client import Ruler, RulerConnection
from support import set_settings
from support.grafana import NO_GRAFANA_ENV, PROMETHEUS_DATASOURCE

try:
    from tests.grafana_emulator import GrafanaEmulator
    from tests.ruler_emulator import CONFIG, RulerEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator
    from ruler_emulator import CONFIG, RulerEmulator

TENANT = "team-a"
PROJECT = "trading-platform"  # setup.cfg's [dashsmith.deploy] project
RULER_VARIABLES = ("RULER_URL", "RULER_TENANT", "RULER_TOKEN", "RULER_USER", "RULER_PASSWORD",
                   "RULER_LOAD_TIMEOUT", "DASHSMITH_RULES")
CLEAN = {**NO_GRAFANA_ENV, **dict.fromkeys(RULER_VARIABLES)}
GRAFANA_TOKEN = "glsa_rulerdelivery_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"


@pytest.fixture
def ruler():
    with RulerEmulator() as emulator:
        yield emulator


def env(ruler, **extra) -> dict:
    """As a project whose setup.cfg says `rules = ruler`."""
    return {**CLEAN, "RULER_URL": ruler.url, "RULER_TENANT": TENANT, "RULER_LOAD_TIMEOUT": "5",
            "DASHSMITH_RULES": "ruler", **extra}


def plan_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "ruler-rule-group" in line]


def edit(project, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def namespace(file: str) -> str:
    return f"{PROJECT}:{file}"


# --- plan, deliver, confirm ------------------------------------------------------------------

def test_first_deploy_sets_every_group_in_a_namespace_per_file_and_sees_it_evaluated(
        cli, project, ruler):
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 0, result.output
    held = ruler.groups(TENANT)
    assert held and all(ns.startswith(f"{PROJECT}:") for ns in held)
    assert namespace("node") in held and "node" in held[namespace("node")]
    lines = plan_lines(result.output)
    assert len(lines) == sum(len(groups) for groups in held.values())
    assert "+ create    ruler-rule-group trading-platform:node/node: new" in lines
    assert f"rules → the ruler at {ruler.url} (tenant {TENANT})" in result.output
    assert "rule groups loaded, every rule as deployed" in result.output
    # each alerting rule carries the project and the hash of the group as deployed
    alert = next(r for r in held[namespace("node")]["node"]["rules"] if "alert" in r)
    assert alert["annotations"]["dashsmith_project"] == PROJECT
    assert len(alert["annotations"]["dashsmith_hash"]) == 64


def test_a_redeploy_of_the_same_code_writes_nothing_after_one_list(cli, project, ruler):
    assert cli("deploy", env=env(ruler)).exit_code == 0
    ruler.requests.clear()
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 0, result.output
    assert ruler.writes() == []
    assert [r for r in ruler.requests if r[1].startswith(CONFIG)] == [("GET", CONFIG)]
    assert "rules plan: 0 to create, 0 to update" in result.output


def test_a_changed_alert_updates_only_its_group(cli, project, ruler):
    assert cli("deploy", env=env(ruler)).exit_code == 0
    edit(project, "alerts/node.py", '"1 - node_memory_MemAvailable_bytes',
         '"1 - 1 * node_memory_MemAvailable_bytes')
    ruler.requests.clear()
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 0, result.output
    assert plan_lines(result.output) == [
        "~ update    ruler-rule-group trading-platform:node/node: changed in code"]
    lines = result.output.splitlines()
    at = lines.index("  ~ update    ruler-rule-group trading-platform:node/node: changed in code")
    assert [line.strip() for line in lines[at + 1:at + 3]] == [
        "~ record instance:node_memory_utilisation:ratio",
        "expr: 1 -{+ 1 *+} node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes"]
    assert not lines[at + 3].startswith("      ")  # nothing else changes in the group
    assert ruler.writes() == [("POST", f"{CONFIG}/trading-platform%3Anode")]
    memory = ruler.groups(TENANT)[namespace("node")]["node"]["rules"][0]
    assert "1 - 1 * node_memory_MemAvailable_bytes" in memory["expr"]


def test_a_group_changed_in_the_ruler_is_drift_left_alone_until_force(cli, project, ruler):
    assert cli("deploy", env=env(ruler)).exit_code == 0
    group = ruler.groups(TENANT)[namespace("node")]["node"]
    alert = next(r for r in group["rules"] if "alert" in r)
    alert["expr"] = "vector(1)"  # by hand, marks kept
    ruler.put(TENANT, namespace("node"), group)
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 1
    assert ("! drifted   ruler-rule-group trading-platform:node/node: changed in the ruler "
            "since dashsmith set it") in plan_lines(result.output)
    # rule by rule, from the ruler's content to the code's (what --force writes); the marks
    # dashsmith adds are not a change
    lines = [line.strip() for line in result.output.splitlines()]
    at = lines.index(f"~ alert {alert['alert']}")
    assert lines[at - 1].startswith("! drifted   ruler-rule-group trading-platform:node/node")
    assert lines[at + 1].startswith("expr: [-vector(1)-]{+node_filesystem_avail_bytes")
    assert not any(HASH_ANNOTATION in line for line in lines)
    assert ruler.groups(TENANT)[namespace("node")]["node"] == group
    assert cli("deploy", "--force", env=env(ruler)).exit_code == 0
    assert ruler.groups(TENANT)[namespace("node")]["node"] != group


def test_only_this_projects_namespaces_are_touched_and_pruned(cli, project, ruler):
    foreign = {"name": "theirs", "rules": [{"record": "x:y", "expr": "vector(1)"}]}
    ruler.put(TENANT, "other-team:api", foreign)
    ruler.put(TENANT, "by-hand", foreign)
    assert cli("deploy", env=env(ruler)).exit_code == 0
    edit(project, "alerts/node.py", 'RuleGroup("node", [', 'RuleGroup("hosts", [')
    kept = cli("deploy", env=env(ruler))
    assert kept.exit_code == 0, kept.output
    assert ("= unchanged ruler-rule-group trading-platform:node/node: no longer in code: kept "
            "(deploy --prune deletes it)") in plan_lines(kept.output)
    assert "node" in ruler.groups(TENANT)[namespace("node")]
    pruned = cli("deploy", "--prune", env=env(ruler))
    assert pruned.exit_code == 0, pruned.output
    assert "- delete    ruler-rule-group trading-platform:node/node: no longer in code" in \
        plan_lines(pruned.output)
    held = ruler.groups(TENANT)
    assert set(held[namespace("node")]) == {"hosts"}
    assert held["other-team:api"] == {"theirs": foreign} and held["by-hand"] == {"theirs": foreign}
    assert not [w for w in ruler.writes() if "other-team" in w[1] or "by-hand" in w[1]]


def test_the_tenant_keeps_deploys_apart(cli, project, ruler):
    assert cli("deploy", env=env(ruler)).exit_code == 0
    assert cli("deploy", env=env(ruler, RULER_TENANT="team-b")).exit_code == 0
    assert ruler.groups("team-a") == ruler.groups("team-b")
    assert ruler.groups("team-c") == {}


# --- the setup -------------------------------------------------------------------------------

def test_rules_ruler_without_a_ruler_url_refuses(cli, project):
    set_settings(project, "dashsmith.deploy", rules="ruler")
    result = cli("deploy", env=CLEAN)
    assert result.exit_code == 2
    assert "rules = ruler: set RULER_URL" in result.output
    assert not (project / "build").exists()


def test_with_grafana_too_the_dashboards_go_to_grafana_and_the_rules_to_the_ruler(
        cli, project, ruler):
    with GrafanaEmulator(tokens={GRAFANA_TOKEN: "Admin"},
                         datasources=[PROMETHEUS_DATASOURCE]) as grafana:
        result = cli("deploy", env=env(ruler, GRAFANA_URL=grafana.url,
                                       GRAFANA_TOKEN=GRAFANA_TOKEN))
        assert result.exit_code == 0, result.output
        assert grafana.writes()
    assert ruler.groups(TENANT)
    assert "rule groups loaded" in result.output


# --- faults ----------------------------------------------------------------------------------

def test_a_ruler_without_the_tenant_header_is_named(cli, project, ruler):
    result = cli("deploy", env=env(ruler, RULER_TENANT=None))
    assert result.exit_code == 2
    assert "cannot read the rule groups of the ruler" in result.output
    assert "401: no org id (check RULER_TENANT and the credentials)" in result.output
    assert ruler.writes() == []


def test_a_token_is_sent_and_never_printed(cli, project):
    with RulerEmulator(token="s3cret-ruler-token") as ruler:
        refused = cli("deploy", env=env(ruler, RULER_TOKEN="wrong-token-value"))
        # the emulator echoes the header it was sent: the answer is quoted, the token is not
        assert refused.exit_code == 2, refused.output
        assert "401: unauthorized: Authorization: Bearer ***" in refused.output
        assert "wrong-token-value" not in refused.output
        accepted = cli("deploy", env=env(ruler, RULER_TOKEN="s3cret-ruler-token"))
        assert accepted.exit_code == 0, accepted.output
        assert "s3cret-ruler-token" not in accepted.output


def test_basic_auth(cli, project):
    with RulerEmulator(basic=("deployer", "pa55word")) as ruler:
        result = cli("deploy", env=env(ruler, RULER_USER="deployer", RULER_PASSWORD="pa55word"))
        assert result.exit_code == 0, result.output


def test_transient_failures_are_retried(cli, project, ruler):
    ruler.fail(503, times=2)
    ruler.fail(502, times=1, method="POST")
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 0, result.output
    assert ruler.groups(TENANT)


def test_a_refused_write_names_the_group_and_the_rest_are_delivered(cli, project, ruler):
    ruler.fail(400, times=1, method="POST")
    result = cli("deploy", "--concurrency", "1", env=env(ruler))
    assert result.exit_code == 1
    assert "1 not:" in result.output and "answered POST" in result.output and "400" in result.output
    rerun = cli("deploy", env=env(ruler))
    assert rerun.exit_code == 0, rerun.output
    assert len(plan_lines(rerun.output)) == 1  # the one that failed, created now


def test_a_group_the_ruler_never_loads_fails_the_deploy(cli, project, ruler):
    ruler.never_load(namespace("node"), "node")
    result = cli("deploy", env=env(ruler, RULER_LOAD_TIMEOUT="1"))
    assert result.exit_code == 1
    assert "rules not loaded" in result.output
    assert "trading-platform:node/node: not loaded" in result.output


def test_an_unhealthy_rule_fails_the_deploy(cli, project, ruler):
    ruler.unhealthy(namespace("node"), "node", "many-to-many matching not allowed")
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 1
    assert "unhealthy: many-to-many matching not allowed" in result.output


def test_the_deploy_waits_for_the_ruler_to_pick_the_groups_up(cli, project):
    with RulerEmulator(load_delay=1.5) as ruler:
        result = cli("deploy", env=env(ruler))
        assert result.exit_code == 0, result.output
        assert "rule groups loaded" in result.output


# --- a real ruler ----------------------------------------------------------------------------

def test_against_a_real_ruler(cli, project):
    url = os.environ.get("RULER_TEST_URL")
    if not url:
        pytest.skip("RULER_TEST_URL is not set")
    project_name = f"dashsmith-test-{uuid.uuid4().hex[:8]}"
    set_settings(project, "dashsmith.deploy", project=project_name)
    api = os.environ.get("RULER_TEST_API") or "mimir"  # or cortex, loki
    real = {**CLEAN, "RULER_URL": url, "RULER_TENANT": os.environ.get("RULER_TEST_TENANT"),
            "RULER_TOKEN": os.environ.get("RULER_TEST_TOKEN"), "RULER_LOAD_TIMEOUT": "180",
            "RULER_API": api, "DASHSMITH_RULES": "ruler"}
    connection = RulerConnection(url, tenant=real["RULER_TENANT"], token=real["RULER_TOKEN"],
                                 api=api)
    try:
        first = cli("deploy", env=real)
        assert first.exit_code == 0, first.output
        again = cli("deploy", env=real)
        assert again.exit_code == 0 and "0 to create, 0 to update" in again.output
    finally:
        client = Ruler(connection)
        for name in client.namespaces():
            if name.startswith(f"{project_name}:"):
                client.delete_namespace(name)


# --- the emulator answers as Mimir's handlers do (pkg/ruler/api.go) ---------------------------

def test_the_emulator_speaks_mimirs_statuses_and_bodies(ruler):
    import niquests
    headers = {"X-Scope-OrgID": TENANT}
    base = ruler.url + CONFIG
    empty = niquests.get(base, headers=headers, timeout=5)
    assert (empty.status_code, empty.text) == (404, "no rule groups found\n")  # ListRules
    bad = niquests.post(f"{base}/ns", data=b"{: nope", headers=headers, timeout=5)
    assert (bad.status_code, bad.text) == (400, "unable to decoded rule group\n")  # ErrBadRuleGroup
    invalid = niquests.post(f"{base}/ns", data=b"name: g\nrules:\n  - expr: up\n",
                            headers=headers, timeout=5)
    assert invalid.status_code == 400 and "one of 'record' or 'alert' must be set" in invalid.text
    group = b"name: g\nrules:\n  - alert: A\n    expr: up == 0\n    for: 300s\n"
    created = niquests.post(f"{base}/ns", data=group, headers=headers, timeout=5)
    assert created.status_code == 202 and created.json()["status"] == "success"  # respondAccepted
    read = niquests.get(f"{base}/ns/g", headers=headers, timeout=5)
    assert "for: 5m" in read.text  # model.Duration, as FromProto gives it back
    assert niquests.delete(f"{base}/ns/missing", headers=headers, timeout=5).status_code == 404
    assert niquests.delete(f"{base}/ns", headers=headers, timeout=5).status_code == 202
    assert niquests.get(base, timeout=5).status_code == 401  # no X-Scope-OrgID


def test_a_saved_plan_sets_the_ruler_groups_it_planned_unless_they_changed_since(
        cli, project, ruler, tmp_path):
    with GrafanaEmulator(tokens={GRAFANA_TOKEN: "Admin"},
                         datasources=[PROMETHEUS_DATASOURCE]) as grafana:
        through = env(ruler, GRAFANA_URL=grafana.url, GRAFANA_TOKEN=GRAFANA_TOKEN)
        saved = tmp_path / "plan.json"
        assert cli("deploy", "--dry-run", "--plan-out", str(saved), env=through).exit_code == 0
        assert ruler.writes() == []
        ruler.put(TENANT, namespace("node"), {"name": "node", "rules": [
            {"record": "x:y", "expr": "vector(1)"}]})  # set since the plan
        refused = cli("deploy", "--plan", str(saved), env=through)
        assert refused.exit_code == 1
        assert "ruler-rule-group trading-platform:node/node: absent when planned" in \
            refused.output
        assert ruler.writes() == [] and grafana.writes() == []
        ruler.store[TENANT].pop(namespace("node"))
        applied = cli("deploy", "--plan", str(saved), env=through)
        assert applied.exit_code == 0, applied.output
        assert "rule groups loaded" in applied.output
        assert "node" in ruler.groups(TENANT)[namespace("node")]


# --- whose API: Mimir's, Cortex's or Loki's paths --------------------------------------------

@pytest.mark.parametrize("api, path", [("cortex", "/api/v1/rules"),
                                       ("loki", "/loki/api/v1/rules")])
def test_the_setting_picks_the_rulers_api_path(cli, project, api, path):
    set_settings(project, "dashsmith.deploy", ruler_api=api)
    with RulerEmulator(api=api) as other:
        result = cli("deploy", env=env(other))
        assert result.exit_code == 0, result.output
        assert f"({api}: {path}), a namespace per rule file" in result.output
        assert "rule groups loaded, every rule as deployed" in result.output
        assert namespace("node") in other.groups(TENANT)
        assert other.writes() and all(p.startswith(path + "/") for _, p in other.writes())
        # RULER_API overrides the setting for one run: Mimir's path is not Loki's
        wrong = cli("deploy", env=env(other, RULER_API="mimir"))
        assert wrong.exit_code == 1
        assert "404" in wrong.output


def test_an_unknown_ruler_api_is_named(cli, project, ruler):
    set_settings(project, "dashsmith.deploy", ruler_api="thanos")
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 2
    assert "ruler_api = 'thanos': use one of mimir | cortex | loki" in result.output
    set_settings(project, "dashsmith.deploy", ruler_api="loki")
    result = cli("deploy", env=env(ruler, RULER_API="thanos"))
    assert result.exit_code == 2
    assert "RULER_API=thanos: use one of mimir | cortex | loki" in result.output


# --- a group of recording rules only carries the marks too -------------------------------------

RECORDED_ONLY = '''

recorded = RuleGroup("node-recorded", [
    Record("instance:node_memory_available:ratio",
           "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes"),
    Record("instance:node_load5_per_cpu:ratio",
           'node_load5 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"})'),
])
'''


def test_a_recording_only_group_carries_the_marks_in_a_comment_and_an_edit_is_drift(
        cli, project, ruler):
    with open(project / "alerts/node.py", "a") as handle:
        handle.write(RECORDED_ONLY)
    first = cli("deploy", env=env(ruler))
    assert first.exit_code == 0, first.output
    group = ruler.groups(TENANT)[namespace("node")]["node-recorded"]
    expr = group["rules"][0]["expr"]
    assert expr.startswith("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes\n")
    assert f"# dashsmith_project={PROJECT} dashsmith_hash=" in expr
    assert "#" not in group["rules"][1]["expr"]  # one mark per group
    # the ruler evaluates the expression without the comment, and deploy saw it as deployed
    assert "every rule as deployed" in first.output
    again = cli("deploy", env=env(ruler))
    assert "rules plan: 0 to create, 0 to update" in again.output
    # changed by hand, marks kept: drift, left alone until --force
    group["rules"][1]["expr"] = "vector(1)"
    ruler.put(TENANT, namespace("node"), group)
    drifted = cli("deploy", env=env(ruler))
    assert drifted.exit_code == 1
    assert ("! drifted   ruler-rule-group trading-platform:node/node-recorded: changed in the "
            "ruler since dashsmith set it") in plan_lines(drifted.output)
    assert ruler.groups(TENANT)[namespace("node")]["node-recorded"] == group
    assert cli("deploy", "--force", env=env(ruler)).exit_code == 0
    assert "vector(1)" not in str(ruler.groups(TENANT)[namespace("node")]["node-recorded"])


def test_a_recording_only_group_set_without_marks_is_written_with_them(cli, project, ruler):
    with open(project / "alerts/node.py", "a") as handle:
        handle.write(RECORDED_ONLY)
    unmarked = {"name": "node-recorded", "rules": [
        {"record": "instance:node_memory_available:ratio", "expr": "vector(0)"}]}
    ruler.put(TENANT, namespace("node"), unmarked)  # as an earlier dashsmith set it
    result = cli("deploy", env=env(ruler))
    assert result.exit_code == 0, result.output
    assert ("~ update    ruler-rule-group trading-platform:node/node-recorded: changed in code"
            in plan_lines(result.output))
    held = ruler.groups(TENANT)[namespace("node")]["node-recorded"]
    assert "dashsmith_hash=" in held["rules"][0]["expr"]


# --- what the ruler shows is the expression as it parsed and printed it ----------------------

@pytest.mark.parametrize("deployed, shown, same", [
    # Prometheus's String(): spacing, `by (x) (`, comments gone (Mimir's getLocalRules)
    ("sum by(job)(rate(x_total[5m]))  >  0.5\n# dashsmith_project=p",
     "sum by (job) (rate(x_total[5m])) > 0.5", True),
    ('rate(x_bucket{le=~"5|5\\\\.0"}[5m])', 'rate(x_bucket{le=~"5|5\\\\.0"}[5m])', True),
    ("sum by (job) (rate(x_total[5m])) > 0.5", "sum by (job) (rate(x_total[5m])) > 0.6", False),
    # LogQL (Loki's ruler): compared as text, whitespace aside
    ('sum(rate({app="api"} |= "error" [5m]))', 'sum(rate({app="api"} |= "error"  [5m]))', True),
])
def test_an_expression_is_compared_as_the_ruler_prints_it(deployed, shown, same):
    from dashsmith.commands.deploy.rules_delivery import _same_expression
    assert _same_expression(deployed, shown) is same


def test_a_group_is_checked_as_loaded_the_same_way_in_a_ruler_as_in_prometheus():
    """One check for both engines (prometheus_rules.rule_problems): a ruler's expression is
    compared without the marks' comment, and a rule loaded that was not deployed is named."""
    from dashsmith.commands.deploy import prometheus_rules, ruler_groups, rules_delivery

    deployed = ruler_groups.marked({"name": "node", "rules": [
        {"record": "job:up:sum", "expr": "sum by (job) (up)"}]}, PROJECT)
    assert "# dashsmith_project=" in deployed["rules"][0]["expr"]
    loaded = {"name": "node", "rules": [
        {"name": "job:up:sum", "query": "sum by (job) (up)", "health": "ok"},
        {"name": "job:down:sum", "query": "sum by (job) (1 - up)", "health": "ok"}]}
    assert prometheus_rules.rule_problems(
        deployed, loaded, rules_delivery._same_expression, ruler_groups.expression) == [
        "1 rule(s) loaded that were not deployed"]
    loaded["rules"][0].update(query="sum(up)", health="err", lastError="boom")
    assert prometheus_rules.rule_problems(
        deployed, loaded, rules_delivery._same_expression, ruler_groups.expression)[:2] == [
        "rule job:up:sum: loaded with expression 'sum(up)', not the one deployed",
        "rule job:up:sum: unhealthy: boom"]


# --- redaction: the ruler's is Grafana's -----------------------------------------------------

def test_a_one_letter_token_does_not_mangle_the_ruler_s_words():
    connection = RulerConnection("http://r", token="a")
    text = "the ruler at http://r answered GET /x with 401: Bearer a"
    assert connection.redact(text) == "the ruler at http://r answered GET /x with 401: Bearer ***"


def test_the_ruler_redacts_a_secret_percent_encoded_and_as_basic_auth():
    connection = RulerConnection("http://r", user="deployer", password="p@ss:w0rd!")
    basic = base64.b64encode(b"deployer:p@ss:w0rd!").decode()
    assert connection.redact(f"Authorization: Basic {basic}") == "Authorization: Basic ***"
    assert connection.redact(f"?password={quote('p@ss:w0rd!', safe='')}") == "?password=***"


@pytest.mark.parametrize("secret", ["e", "ab", "a+b/c==", "p@ss:w0rd!", "(.*)"])
def test_the_ruler_and_grafana_redact_alike(secret):
    text = (f"the ruler at http://r answered with 401: token {secret}, {quote(secret)}, "
            f"{base64.b64encode(f'admin:{secret}'.encode()).decode()}; check the credentials")
    grafana = Connection("http://g", user="admin", password=Secret(secret))
    ruler = RulerConnection("http://r", user="admin", password=secret)
    assert ruler.redact(text) == grafana.redact(text)
    assert ruler.redact(text).endswith("***; check the credentials")


def test_a_password_in_ruler_url_is_sent_and_never_printed(cli, project):
    with RulerEmulator(basic=("bob", "hunter2-Mimir")) as ruler:
        with_user = ruler.url.replace("http://", "http://bob:hunter2-Mimir@")
        result = cli("deploy", "-v", env=env(ruler, RULER_URL=with_user))
        assert result.exit_code == 0, result.output
        assert f"rules → the ruler at {ruler.url} (tenant {TENANT})" in result.output
        wrong = with_user.replace("hunter2-Mimir", "hunter3-Mimir")
        refused = cli("deploy", env=env(ruler, RULER_URL=wrong))
        assert refused.exit_code == 2 and f"the ruler at {ruler.url} answered" in refused.output
        assert "unauthorized: Authorization: Basic ***" in refused.output  # echoed, redacted
    for output in (result.output, refused.output):
        assert "hunter" not in output and "bob:" not in output


def test_grafana_alerts_still_deliver_the_recording_rules_to_the_ruler(cli, project, ruler):
    routing = Project(str(project)).estate.routing
    secrets = {s.env: f"value-of-{s.env.lower()}" for s in routing.secrets() if s.env}
    with GrafanaEmulator(tokens={GRAFANA_TOKEN: "Admin"},
                         datasources=[PROMETHEUS_DATASOURCE]) as grafana:
        result = cli("deploy", "--grafana-alerts",
                     env=env(ruler, GRAFANA_URL=grafana.url, GRAFANA_TOKEN=GRAFANA_TOKEN,
                             **secrets))
    assert result.exit_code == 0, result.output
    assert ("rules → Grafana-managed alerts (the rule groups above); recording rules: the ruler "
            f"at {ruler.url}") in result.output
    stored = [rule for groups in ruler.groups(TENANT).values() for group in groups.values()
              for rule in group["rules"]]
    assert stored and all("record" in rule for rule in stored)
