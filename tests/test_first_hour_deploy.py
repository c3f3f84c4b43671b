"""Issue 18, deploy as a newcomer meets it: the plan shows what changes panel by panel and
query by query (as `dashsmith diff --live` does, terraform plan), a drift says how to keep the
edit (grizzly pull), and apply asks on a terminal (terraform apply). The real CLI against the
Grafana emulator."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from grafana_client import GrafanaApi

from dashsmith.commands.deploy import report
from dashsmith.commands.deploy.plan import DASHBOARD, Action, Change, Plan, PlanOptions
from dashsmith.compiler.project import Project

try:
    from tests.grafana_emulator import GrafanaEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator

TOKEN = "glsa_firsthour_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
              "url": "http://prometheus:9090", "isDefault": True}
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID", "PROMETHEUS_URL", "CI")) | {"DASHSMITH_RULES": "none"}


@pytest.fixture(scope="module")
def emulator():
    emu = GrafanaEmulator(version="12.4.0", tokens={TOKEN: "Admin"},
                          datasources=[DATASOURCE]).start()
    yield emu
    emu.stop()


@pytest.fixture
def grafana(emulator):
    emulator.reset()
    yield emulator
    assert emulator.server_errors == []


def deploy(cli, grafana, *args, **env):
    return cli("deploy", *args, env={**CLEAN_ENV, "GRAFANA_URL": grafana.url,
                                     "GRAFANA_TOKEN": TOKEN, **env})


def edit(project, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def test_dry_run_shows_each_panel_and_query_that_changes_as_diff_live_does(cli, project,
                                                                          grafana):
    assert deploy(cli, grafana).exit_code == 0
    edit(project, "dashboards/ai.py", 'RATE)}) * 60",', 'RATE)}) * 3600",')
    edit(project, "dashboards/ai.py", 'unit="reqpm"', 'unit="reqph"')
    planned = deploy(cli, grafana, "--dry-run")
    assert planned.exit_code == 0, planned.output
    lines = planned.output.splitlines()
    start = lines.index("  ~ update    dashboard ai-llm (AI / LLM): changed in code")
    shown = [line.strip() for line in lines[start + 1:] if line.startswith("      ")]
    assert shown[0].startswith('~ panel "Completions Rate"  dashboards/ai.py:')
    assert "unit: reqpm → reqph" in shown
    assert any(line.startswith("~ query A") for line in shown)
    assert any("* [-60-]{+3600+}" in line for line in shown)
    assert "@@" not in planned.output  # no raw JSON hunk
    # The same lines as `diff --live`, which compares the same two sides.
    live = cli("diff", "--live", env={**CLEAN_ENV, "GRAFANA_URL": grafana.url,
                                      "GRAFANA_TOKEN": TOKEN})
    assert live.exit_code == 1, live.output
    compared = [line.strip() for line in live.output.splitlines()]
    start = compared.index('~ dashboard ai-llm "AI / LLM"  dashboards/ai.py:9')
    assert compared[start + 1:start + 1 + len(shown)] == shown
    # -vv adds the JSON hunk for whoever wants the bytes.
    assert "@@" in deploy(cli, grafana, "--dry-run", "-vv").output


def test_nothing_changed_is_no_change_though_grafana_migrated_the_schema(cli, grafana):
    """12.4 keeps dashboards at schema 42 (its migrations on save); the code writes 39."""
    assert deploy(cli, grafana).exit_code == 0
    live = cli("diff", "--live", env={**CLEAN_ENV, "GRAFANA_URL": grafana.url,
                                      "GRAFANA_TOKEN": TOKEN})
    assert live.exit_code == 0, live.output
    assert live.output.startswith("No changes.")
    planned = deploy(cli, grafana, "--dry-run", "-v")
    assert "plan: 0 to create, 0 to update, 12 unchanged" in planned.output


def test_a_drifted_dashboard_says_how_to_keep_the_edit(cli, grafana):
    assert deploy(cli, grafana).exit_code == 0
    api = GrafanaApi.from_url(grafana.url, credential=TOKEN)
    current = api.dashboard.get_dashboard("ai-llm")
    api.dashboard.update_dashboard({"dashboard": {**current["dashboard"],
                                                  "description": "edited in the UI"},
                                    "folderUid": current["meta"]["folderUid"],
                                    "overwrite": False, "message": "edited in the UI"})
    planned = deploy(cli, grafana, "--dry-run")
    assert planned.exit_code == 1, planned.output
    lines = planned.output.splitlines()
    at = lines.index("  ! drifted   dashboard ai-llm (AI / LLM): edited in Grafana since dashsmith "
                     "deployed it")
    # who saved it last and when, from Grafana's version history (the emulator names the
    # token's service account as Grafana does)
    assert re.fullmatch(r"edited by \S+ (just now|1 min ago); keep it with `dashsmith import "
                        r"--uid ai-llm --force`", lines[at + 1].strip()), lines[at + 1]
    as_json = json.loads(deploy(cli, grafana, "--dry-run", "--format", "json").output)
    [drifted] = [c for c in as_json["plan"]["changes"] if c["key"] == "ai-llm"]
    assert drifted["edited_by"] == lines[at + 1].split()[2]
    assert datetime.fromisoformat(drifted["edited_at"].replace("Z", "+00:00")).tzinfo
    # what --force would change, Grafana → code, as diff --live says it
    assert lines[at + 2].strip() == (
        "description: [-edited-]{+Completions,+} [-in-]{+tokens, spend, latency and errors of+} "
        "the [-UI-]{+platform's LLM calls.+}")


def _drifted(**edit) -> Change:
    """A drifted dashboard as the plan makes it, with who edited it and when as the plan read
    them from Grafana's version history."""
    return Change(DASHBOARD, "ai-llm", "AI / LLM", Action.DRIFTED, **edit)


NOW = datetime(2026, 12, 7, 17, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("edit", "said"), [
    ({"edited_by": "alice", "edited_at": "2026-12-07T17:20:00Z"},
     "edited by alice 10 min ago; keep it with `dashsmith import --uid ai-llm --force`"),
    ({"edited_by": "alice", "edited_at": "2026-12-07T14:29:00+00:00"},
     "edited by alice 3 h ago; keep it with `dashsmith import --uid ai-llm --force`"),
    ({"edited_by": None, "edited_at": "2026-12-05T17:30:00Z"},
     "edited 2 days ago; keep it with `dashsmith import --uid ai-llm --force`"),
    ({"edited_by": "bob", "edited_at": None},
     "edited by bob; keep it with `dashsmith import --uid ai-llm --force`"),
    ({"edited_by": "bob", "edited_at": "not a time"},
     "edited by bob; keep it with `dashsmith import --uid ai-llm --force`"),
    ({"edited_by": None, "edited_at": None},
     "Keep it with `dashsmith import --uid ai-llm --force`"),
])
def test_drift_names_who_edited_it_and_when(edit, said):
    assert report.drift_origin(_drifted(**edit), NOW) == said


def test_another_tools_dashboard_gets_no_import_hint():
    change = Change(DASHBOARD, "tf", "Terraform's", Action.DRIFTED,
                    reason="managed by terraform:tf-id; left alone (even with --force)",
                    edited_by="terraform", edited_at="2026-12-07T17:20:00Z", drift="managed")
    lines = report.plan_text(Plan((change,), PlanOptions("p")), now=NOW)
    assert not any("dashsmith import" in line for line in lines)


def test_the_plan_prints_who_edited_a_drifted_dashboard():
    change = _drifted(edited_by="alice", edited_at="2026-12-07T17:20:00Z")
    lines = report.plan_text(Plan((change,), PlanOptions("p")), now=NOW)
    assert lines[:2] == [
        "  ! drifted   dashboard ai-llm (AI / LLM)",
        "      edited by alice 10 min ago; keep it with `dashsmith import --uid ai-llm --force`"]


# --- apply asks on a terminal ------------------------------------------------------------------

def deploy_on_a_terminal(project, grafana, *args, answer: str = "", **env):
    """`dashsmith deploy` in a subprocess whose stdin is a terminal (a pseudo-terminal) that
    types `answer`; stdout and stderr are read from pipes."""
    environment = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    environment.update({k: v for k, v in CLEAN_ENV.items() if v is not None})
    environment.update(GRAFANA_URL=grafana.url, GRAFANA_TOKEN=TOKEN, **env)
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashsmith", "--project", str(project), "deploy", *args],
            stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=environment)
        os.write(controller, answer.encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(controller)
        os.close(terminal)
    return process.returncode, out, err


def test_on_a_terminal_apply_shows_the_plan_and_asks_first(project, grafana):
    code, out, err = deploy_on_a_terminal(project, grafana, answer="n\n")
    assert code == 1, err
    assert out.index("plan: 12 to create") < out.index("Apply these changes? [y/N]")
    assert "apply cancelled; nothing was changed" in err
    assert grafana.writes() == []

    code, out, err = deploy_on_a_terminal(project, grafana, answer="y\n")
    assert code == 0, err
    assert "Apply these changes? [y/N]" in out
    assert "12 created" in out


@pytest.mark.parametrize(("args", "env"), [(("--yes",), {}), (("-y",), {}), ((), {"CI": "true"}),
                                           (("--dry-run",), {})])
def test_yes_ci_and_dry_run_never_ask(project, grafana, args, env):
    code, out, err = deploy_on_a_terminal(project, grafana, *args, **env)
    assert code == 0, err
    assert "Apply these changes?" not in out
    assert ("12 created" in out) != ("--dry-run" in args)


def test_without_a_terminal_apply_does_not_ask(cli, grafana):
    """CliRunner's stdin is no terminal: a script or a pipe applies as before."""
    result = deploy(cli, grafana)
    assert result.exit_code == 0, result.output
    assert "Apply these changes?" not in result.output
    assert "12 created" in result.output


def test_a_grafana_managed_rule_group_shows_each_rule_that_changes(cli, project, grafana):
    routing = Project(str(project)).estate.routing
    secrets = {s.env: f"value-of-{s.env.lower()}" for s in routing.secrets() if s.env}
    assert deploy(cli, grafana, "--grafana-alerts", **secrets).exit_code == 0
    ai = project / "alerts" / "ai.py"
    text = ai.read_text()
    first = text.index('for_="10m"')
    ai.write_text(text[:first] + 'for_="15m"' + text[first + len('for_="10m"'):])
    alert = text[:first].rsplit("Alert(", 1)[1].split('"')[1]  # its name, the first argument
    planned = deploy(cli, grafana, "--grafana-alerts", "--dry-run", **secrets)
    assert planned.exit_code == 0, planned.output
    lines = planned.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  ~ update    rule-group ")
              and line.endswith(": changed in code"))
    assert lines[at + 1].strip() == f"~ alert {alert}"
    assert lines[at + 2].strip() == "for: 10m → 15m"
    assert "@@" not in planned.output
