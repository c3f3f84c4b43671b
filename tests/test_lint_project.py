"""`dashsmith lint` on a project, as a user sees it: findings at the Python line that declared
the panel, query or alert; output formats; exit codes; structural errors as findings."""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest
from click.testing import CliRunner

from dashsmith.checks.rules import alert_runbook_url
from dashsmith.cli import main
from dashsmith.compiler.project import Project
from dashsmith.linter import promtool
from dashsmith.linter.engine import lint_project
from support import require_binary
from support.project import set_settings

BROKEN_DASHBOARD = '''\
from dashsmith import Dashboard, Query, timeseries

dashboard = Dashboard(
    uid="broken",
    title="Broken",
    folder="Tests",
    rows=[
        timeseries(
            "Errors",
            "sum(rate(ai_errors_total{provider=~\\"$provider\\"}[$__rate_interval])",
            unit="ops",
            description="Errors per second.",
        ),
        timeseries(
            "Cost",
            Query("sum(rate(tradingagents_llm_cost_usd[$__rate_interval]))"),
            unit="currencyUSD",
            description="Spend per second.",
        ),
    ],
)
'''

BROKEN_ALERTS = '''\
from dashsmith import Alert, RuleGroup

broken = RuleGroup("broken", [
    Alert(
        "SlowAnalysisSeed",
        expr="histogram_quantile(0.95, tradingagents_analysis_duration_seconds) > 300",
        for_="10m",
        severity="warning",
        summary="Analyses are slow.",
        description="p95 is {{ $value | humanizeDuration }}.",
    ),
    Alert(
        "NoForNoSeverity",
        expr="sum(rate(ai_errors_total[5m])) > 1",
        summary="Errors.",
        description="{{ $value }} errors per second.",
    ),
])
'''


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _write(project, relative: str, text: str) -> None:
    (project / relative).write_text(text)


def test_shipped_estate_lints_clean(cli):
    result = cli("lint", "--no-tools")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_shipped_rules_pass_promtool_too(cli):
    require_binary("promtool")
    result = cli("lint")
    assert result.exit_code == 0, result.output


def test_findings_point_at_the_declaring_python_line(project, cli):
    _write(project, "dashboards/broken.py", BROKEN_DASHBOARD)
    result = cli("lint", "--no-tools")
    assert result.exit_code == 1
    expr_line = _line(BROKEN_DASHBOARD, '"sum(rate(ai_errors_total')
    query_line = _line(BROKEN_DASHBOARD, 'Query(')
    # Line and column are where the unclosed parenthesis is in the Python file, and the
    # message shows the variables as written, not the stand-ins lint parsed.
    assert (f"dashboards/broken.py:{expr_line}:17: error promql/syntax cannot parse: unclosed "
            "left parenthesis near `(rate(ai_errors_total{provider") in result.output
    assert (f"dashboards/broken.py:{query_line}:29: error catalog/unknown-metric "
            "'tradingagents_llm_cost_usd' is not in the metric catalog: did you mean "
            "'tradingagents_llm_cost_usd_total'?") in result.output
    assert "__var_" not in result.output


def test_alert_findings_point_at_the_alert(project, cli):
    _write(project, "alerts/broken.py", BROKEN_ALERTS)
    result = cli("lint", "--no-tools")
    slow = _line(BROKEN_ALERTS, 'expr="histogram_quantile(')  # the expression's line
    bare = _line(BROKEN_ALERTS, '"NoForNoSeverity"') - 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"alerts/broken.py:{slow}:") and "catalog/histogram-quantile" in line
               and "sum by (le) (rate(tradingagents_analysis_duration_seconds_bucket[5m]))" in line
               for line in lines), result.output
    assert any(line.startswith(f"alerts/broken.py:{bare}:1: warning alert/for") for line in lines)
    assert any(line.startswith(f"alerts/broken.py:{bare}:1: error alert/severity")
               for line in lines)
    # No unit tests for the new alerts either.
    assert any(f"alerts/broken.py:{bare}:1: warning test/coverage" in line for line in lines)


def test_structural_errors_are_findings_not_crashes(project):
    _write(project, "dashboards/bad_uid.py", textwrap.dedent('''\
        from dashsmith import Dashboard, text

        dashboard = Dashboard(uid="not a uid!", title="Bad", folder="Tests",
                              rows=[text("Notes", "Nothing here.")])
        '''))
    _write(project, "alerts/typo.py", "from dashsmith import Alrt\n")
    problems = lint_project(Project(str(project)))
    rules = {(p.rule, p.source.file.rsplit("/", 1)[-1], p.source.line) for p in problems}
    assert ("declaration/import", "typo.py", 1) in rules
    # The import failure stops the estate from loading: only that is reported.
    _write(project, "alerts/typo.py", "from dashsmith import Alert\n")
    problems = lint_project(Project(str(project)))
    assert [(p.rule, p.source.line) for p in problems] == [("dashboard/uid", 3)]


def test_a_dashboard_that_cannot_be_rendered_is_a_finding(project):
    _write(project, "dashboards/wide.py", textwrap.dedent('''\
        from dashsmith import Dashboard, timeseries

        dashboard = Dashboard(uid="wide", title="Wide", folder="Tests", rows=[
            timeseries("Up", "up", unit="short", description="Up.", width="wide"),
        ])
        '''))
    problems = lint_project(Project(str(project)))
    assert [(p.rule, p.source.line) for p in problems] == [("dashboard/layout", 3)]
    assert "cannot be rendered: TypeError" in problems[0].message


def test_routing_findings_are_lint_findings(project, cli):
    routing = project / "alerts" / "routing.py"
    routing.write_text(routing.read_text()
                       + 'routing.receivers.append(Receiver("spare", [Webhook("http://x.test")]))\n')
    result = cli("lint", "--no-tools")
    assert "warning routing/unused-receiver no route sends to receiver 'spare'" in result.output
    assert cli("lint", "--explain", "routing/unused-receiver").exit_code == 0


def test_a_stale_application_metrics_module_is_a_finding_that_does_not_stop_build(project, cli):
    """Like a stale lockfile: lint reports the module `dashsmith instrument` generated at its
    first line that differs from what the catalog generates now; build goes on."""
    assert cli("instrument").exit_code == 0
    assert "instrument/stale" not in cli("lint", "--no-tools").output
    catalog = project / "metrics" / "app.py"
    catalog.write_text(catalog.read_text().replace('"tradingagents_active_analyses"',
                                                   '"tradingagents_analyses_running"'))
    result = cli.subprocess("lint", "--no-tools")
    assert result.returncode == 1
    module = "app/tradingagents/monitoring/prometheus_metrics.py"
    line = _line((project / module).read_text(), "tradingagents_active_analyses")
    assert f"{module}:{line}:1: error instrument/stale {module} is out of date with the catalog " \
           "(metrics/): run `dashsmith instrument` to regenerate it" in result.stdout
    assert cli("build").exit_code == 0


def test_json_format(project, cli):
    _write(project, "dashboards/broken.py", BROKEN_DASHBOARD)
    result = cli("lint", "--no-tools", "--format", "json")
    findings = json.loads(result.stdout)
    syntax = next(f for f in findings if f["rule"] == "promql/syntax")
    assert syntax == {"path": "dashboards/broken.py",
                      "line": _line(BROKEN_DASHBOARD, '"sum(rate(ai_errors_total'),
                      "column": 17, "severity": "error", "rule": "promql/syntax",
                      "message": syntax["message"]}


def test_github_format(project, cli):
    _write(project, "dashboards/broken.py", BROKEN_DASHBOARD)
    result = cli("lint", "--no-tools", "--format", "github")
    line = _line(BROKEN_DASHBOARD, '"sum(rate(ai_errors_total')
    assert (f"::error file=dashboards/broken.py,line={line},col=17,title=promql/syntax::cannot "
            "parse: unclosed left parenthesis") in result.stdout


def test_fail_on_chooses_which_severity_fails(project, cli):
    _write(project, "dashboards/plain.py", textwrap.dedent('''\
        from dashsmith import Dashboard, timeseries

        dashboard = Dashboard(uid="plain", title="Plain", folder="Tests", rows=[
            timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))",
                       unit="ops"),
        ])
        '''))
    result = cli("lint", "--no-tools")
    assert "warning panel/description panel 'Completions' has no description" in result.output
    assert result.exit_code == 0
    assert cli("lint", "--no-tools", "--fail-on", "warning").exit_code == 1


def test_colour_only_on_a_terminal(project, cli):
    _write(project, "dashboards/broken.py", BROKEN_DASHBOARD)
    result = cli("lint", "--no-tools")
    assert "error promql/syntax" in result.output and "\x1b[" not in result.output
    on_terminal = CliRunner().invoke(main, ["--project", str(project), "lint", "--no-tools"],
                                     color=True)
    assert "\x1b[31m\x1b[1merror\x1b[0m" in on_terminal.output


def test_explain(cli):
    result = cli("lint", "--explain", "catalog/counter-rate")
    assert result.exit_code == 0
    assert result.output.startswith("catalog/counter-rate (error)")
    assert "Anti-pattern:" in result.output and "Best practice:" in result.output
    listing = cli("lint", "--explain").output
    assert "promql/syntax" in listing and "dashboard/uid" in listing and "test/coverage" in listing
    assert cli("lint", "--explain", "no/such-rule").exit_code == 2


def test_compiled_output_lints_clean_as_files(project, cli):
    assert cli("build").exit_code == 0
    result = cli("lint", "--no-tools", str(project / "build" / "dashboards"),
                 str(project / "build" / "rules"))
    assert result.exit_code == 0, result.output


def test_external_files_get_their_own_lines(tmp_path, cli):
    dashboard = {"uid": "ext", "title": "External", "templating": {"list": [
        {"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": [{"id": 1, "type": "timeseries", "title": "Errors", "description": "Errors.",
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "fieldConfig": {"defaults": {"unit": "ops"}},
                    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                    "targets": [{"refId": "A", "expr": "sum(rate(ai_errors_total[5m]))"}]}]}
    path = tmp_path / "external.json"
    text = json.dumps(dashboard, indent=2)
    path.write_text(text)
    result = cli("lint", str(path))
    target_line = _line(text, '"refId": "A"') - 1  # the target object opens the line before
    assert f"external.json:{target_line}:1: warning dashboard/rate-interval" in result.output


def test_promtool_findings_map_to_the_alert(project, cli):
    require_binary("promtool")
    text = textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("labels", [
            # promql-parser knows limitk; the Prometheus promtool checks for does not (2.42)
            Alert("LimitK", expr="limitk(2, up) == 0", for_="5m", severity="warning",
                  summary="Down.", description="Down."),
        ])
        ''')
    _write(project, "alerts/labels.py", text)
    with open(project / "setup.cfg", "a") as handle:
        handle.write("\n[dashsmith.lint]\nprometheus = 2\n")  # the Prometheus promtool is
    result = cli("lint")
    assert ("alerts/labels.py:5:1: error promtool/check-rules could not parse expression: 1:1: "
            'parse error: unknown function with name "limitk"' in result.output), result.output


def test_a_promtool_older_than_the_target_leaves_newer_syntax_to_lint(project, cli):
    require_binary("promtool")
    if (promtool.major_version(promtool.find()) or 3) >= 3:
        pytest.skip("promtool knows Prometheus 3's syntax")
    _write(project, "alerts/labels.py", textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("labels", [
            Alert("LimitK", expr="limitk(2, up) == 0", for_="5m", severity="warning",
                  summary="Down.", description="Down."),
        ])
        '''))
    result = cli("lint")
    lines = result.output.splitlines()
    assert ("alerts/labels.py:4:1: info promtool/check-rules promtool 2.x is older than the "
            "Prometheus the rules target ([dashsmith.lint] prometheus): its refusals of syntax "
            "the newer version accepts (quoted UTF-8 names, new functions, new rule-group "
            "fields) are not reported; lint checked that syntax itself") in lines, result.output
    assert ("alerts/labels.py:4:27: warning promql/version limitk() is experimental in "
            "Prometheus 3: the server evaluates it only with "
            "--enable-feature=promql-experimental-functions") in lines, result.output
    assert " error " not in result.output, result.output


def test_tools_required_where_live_is_required(cli):
    result = cli.subprocess("lint", env={"PATH": "/nonexistent", "DASHSMITH_REQUIRE_LIVE": "1"})
    assert result.returncode == 2
    assert "is not installed" in result.stderr  # amtool or promtool, whichever is looked for first
    result = cli.subprocess("lint", "--no-tools",
                            env={"PATH": "/nonexistent", "DASHSMITH_REQUIRE_LIVE": "1"})
    assert result.returncode == 0, result.stderr


def test_a_declared_alert_with_a_bad_for_is_reported_once_as_build_reports_it(project, cli):
    _write(project, "alerts/slow.py", textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("slow", [
            Alert("Slow", expr="up == 0", for_="10 minutes", severity="warning",
                  summary="Down.", description="Down."),
        ])
        '''))
    result = cli("lint", "--no-tools")
    errors = [line for line in result.output.splitlines() if ": error " in line]
    assert errors == ["alerts/slow.py:4:1: error rule/format alert 'Slow': for '10 minutes' is not "
                      "a Prometheus duration (e.g. 30s, 5m, 1h30m: units y w d h m s ms, largest "
                      "first)"], result.output


def test_a_python_path_is_linted_as_the_declarations_it_holds(project, cli, monkeypatch):
    _write(project, "dashboards/broken.py", BROKEN_DASHBOARD)
    _write(project, "dashboards/plain.py", BROKEN_DASHBOARD.replace('uid="broken"', 'uid="plain"')
           .replace('title="Broken"', 'title="Plain"'))
    monkeypatch.chdir(project)
    result = cli("lint", "--no-tools", "dashboards/broken.py")
    assert result.exit_code == 1, result.output
    findings = result.output.splitlines()[:-1]
    assert findings and all(line.startswith("dashboards/broken.py:") for line in findings), \
        result.output
    assert any("error promql/syntax cannot parse" in line for line in findings), result.output
    # its directory: every module in it
    result = cli("lint", "--no-tools", "dashboards")
    assert {line.split(":")[0] for line in result.output.splitlines()[:-1]} == {
        "dashboards/broken.py", "dashboards/plain.py"}, result.output


def test_a_python_path_outside_a_project_is_refused_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ai.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["lint", "--no-tools", "ai.py"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith(
        "ai.py:1:1: error file/format a Python module is linted as the declarations of its "
        "project: run lint inside the project (setup.cfg with [dashsmith]) or give --project"), \
        result.output


def test_an_alert_linking_a_runbook_section_that_does_not_exist(project, cli, monkeypatch):
    """The project's runbook_url is its repository's docs/runbook.md on GitHub: the anchor
    must be one of that file's headings."""
    _write(project, "alerts/runbooks.py", textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("runbooks", [
            Alert("AIErrorRatioHigh2", expr="up == 0", for_="5m", severity="warning",
                  runbook="aierrorratiohigh", summary="S.", description="D."),
            Alert("NoSectionForMe", expr="up == 0", for_="5m", severity="warning",
                  summary="S.", description="D."),
        ])
        '''))
    (project / "rules.yml").write_text(textwrap.dedent('''\
        groups:
          - name: g
            rules:
              - alert: Linked
                expr: up == 0
                for: 5m
                labels: {severity: warning}
                annotations:
                  summary: S.
                  description: D.
                  runbook_url: docs/runbook.md#no-such-section
        '''))
    monkeypatch.chdir(project)
    result = cli("lint", "--no-tools", "alerts/runbooks.py", "rules.yml")
    lines = [line for line in result.output.splitlines() if "alert/runbook-url" in line]
    assert lines == [
        "alerts/runbooks.py:6:1: warning alert/runbook-url alert 'NoSectionForMe' links section "
        "'#nosectionforme' of docs/runbook.md, which has no such heading: add a heading for "
        "it, or name an existing section with runbook=",
        "rules.yml:4:1: warning alert/runbook-url alert 'Linked' links section "
        "'#no-such-section' of docs/runbook.md, which has no such heading: add a heading for "
        "it, or link an existing one",
    ], result.output


RUNBOOK_LINKS = textwrap.dedent('''\
    groups:
      - name: g
        rules:
          - alert: TargetDown
            expr: up == 0
            for: 5m
            labels: {severity: warning}
            annotations:
              summary: S.
              description: D.
              runbook_url: https://github.com/prometheus-operator/runbooks/blob/main/README.md#targetdown
          - alert: OwnRunbook
            expr: up < 1
            for: 5m
            labels: {severity: warning}
            annotations:
              summary: S.
              description: D.
              runbook_url: %s/blob/main/docs/runbook.md#no-such-section
    ''')


def test_a_runbook_link_into_another_repository_is_not_checked_against_the_project(
        project, cli, monkeypatch):
    """The project has a README.md too, without a `targetdown` heading: a link to another
    repository's README.md is no link to it. A link into the project's own repository (the
    one its runbook_url setting names: trading-platform/monitoring) still is."""
    (project / "README.md").write_text("# The project\n")
    (project / "rules.yml").write_text(
        RUNBOOK_LINKS % "https://github.com/trading-platform/monitoring")
    monkeypatch.chdir(project)
    result = cli("lint", "--no-tools", "rules.yml")
    assert [line for line in result.output.splitlines() if "alert/runbook-url" in line] == [
        "rules.yml:12:1: warning alert/runbook-url alert 'OwnRunbook' links section "
        "'#no-such-section' of docs/runbook.md, which has no such heading: add a heading for "
        "it, or link an existing one"], result.output


def test_a_runbook_link_into_the_projects_git_remote_is_checked(project, cli, monkeypatch):
    """Without a runbook_url setting, the git remote (scp-like, as `git clone` of GitHub over
    ssh writes it) says which repository is the project's own."""
    require_binary("git")
    set_settings(project, "dashsmith", runbook_url="docs/runbook.md")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "remote", "add", "origin",
                    "git@github.com:Acme/Ops.git"], check=True)
    (project / "README.md").write_text("# The project\n")
    (project / "rules.yml").write_text(RUNBOOK_LINKS % "https://github.com/acme/ops")
    monkeypatch.chdir(project)
    result = cli("lint", "--no-tools", "rules.yml")
    assert [line for line in result.output.splitlines() if "alert/runbook-url" in line] == [
        "rules.yml:12:1: warning alert/runbook-url alert 'OwnRunbook' links section "
        "'#no-such-section' of docs/runbook.md, which has no such heading: add a heading for "
        "it, or link an existing one"], result.output


@pytest.mark.parametrize("remote", [
    "https://github.com/Acme/Ops.git", "ssh://git@github.com/acme/ops.git",
    "git@github.com:acme/ops.git", "https://token@github.com/acme/ops"])
def test_a_git_remote_names_the_projects_repository_however_it_is_written(remote):
    assert alert_runbook_url._remote_repository(remote) == "github.com/acme/ops/"


def test_a_local_git_remote_names_no_repository():
    assert alert_runbook_url._remote_repository("/srv/git/ops.git") is None


def test_messages_speak_the_language_of_the_input(project, cli, monkeypatch):
    """`for_` is the Python keyword; a YAML rule file says `for`."""
    _write(project, "alerts/eager.py", textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("eager", [
            Alert("Eager", expr="up == 0", for_="0s", severity="warning",
                  runbook="apptargetdown", summary="S.", description="D."),
        ])
        '''))
    (project / "eager.yml").write_text(textwrap.dedent('''\
        groups:
          - name: g
            rules:
              - alert: Eager
                expr: up == 0
                for: 0s
                labels: {severity: warning}
                annotations: {summary: S., description: D., runbook_url: "docs/runbook.md"}
        '''))
    monkeypatch.chdir(project)
    result = cli("lint", "--no-tools", "alerts/eager.py", "eager.yml")
    assert [line for line in result.output.splitlines() if "alert/for" in line] == [
        "alerts/eager.py:4:1: warning alert/for alert 'Eager' has `for: 0s`: it fires on the "
        "first evaluation; set for_ (e.g. 5m)",
        "eager.yml:4:1: warning alert/for alert 'Eager' has `for: 0s`: it fires on the first "
        "evaluation; set for (e.g. 5m)",
    ], result.output


def test_build_refuses_a_rule_whose_expression_does_not_parse(project, cli):
    _write(project, "alerts/broken.py", textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        group = RuleGroup("broken", [
            Alert("Broken", expr="sum(rate(up[5m]) > 1", for_="5m", severity="warning",
                  runbook="apptargetdown", summary="S.", description="D."),
        ])
        '''))
    result = cli.subprocess("build", "--out", str(project / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "alerts/broken.py:4:30: error rule/expr cannot parse: unclosed left parenthesis" \
        in result.stderr, result.stderr
    assert not (project / "out").exists()
