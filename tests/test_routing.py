"""Routing as code: the compiled alertmanager.yml, where each alert goes (checked against
amtool's own routing), inhibitions, secrets kept out of the build, and declaration errors."""

from __future__ import annotations

import itertools
import os
import stat
import subprocess
from datetime import datetime

import pytest
import yaml

from dashsmith.checks import registry
from dashsmith.checks.context import Context
from dashsmith.compiler import serialize
from dashsmith.compiler.project import Project
from dashsmith.linter import amtool as lint_amtool
from dashsmith.linter.engine import lint_project
from dashsmith.routing import (
    Email,
    Inhibit,
    PagerDuty,
    Period,
    Receiver,
    Route,
    Routing,
    Slack,
    Smtp,
    TimeInterval,
    Webhook,
    alertmanager,
    checks,
    intervals,
    resolve,
)
from dashsmith.routing.matchers import Matcher, parse
from dashsmith.routing.secrets import (
    SecretError,
    materialise,
    resolve_receivers,
    secret_env,
    secret_file,
)
from support import require_binary

ALERTMANAGER_YML = "alertmanager/alertmanager.yml"


@pytest.fixture(scope="module")
def estate():
    return Project(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))).estate


def receivers_of(estate, **labels):
    return resolve.receivers(estate.routing, labels)


def findings(estate, *rule_ids: str) -> list:
    """What these rules find in the declarations, as lint (and `dashsmith test`) runs them."""
    context = Context(estate.catalog, estate.settings.scrape_interval, root=estate.settings.root)
    return [problem for rule_id in rule_ids
            for problem in registry.get(rule_id).declared(estate, context)]


ROUTED = ("routing/missing", "routing/black-hole", "routing/expected-receivers")


# --- the compiled file ---------------------------------------------------------------------

def test_build_writes_alertmanager_yml_that_amtool_accepts(cli, project):
    amtool = require_binary("amtool")
    assert cli("build").exit_code == 0
    path = project / "build" / ALERTMANAGER_YML
    assert (project / "build/provisioning" / ALERTMANAGER_YML).read_bytes() == path.read_bytes()
    result = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 inhibit rules" in result.stdout and "11 receivers" in result.stdout


def test_every_alert_routes_as_amtool_routes_it(cli, project, estate):
    """resolve.py mirrors Alertmanager: for every alert, and for label sets no alert has,
    `amtool config routes test` names the same receivers."""
    amtool = require_binary("amtool")
    assert cli("build").exit_code == 0
    config = str(project / "build" / ALERTMANAGER_YML)
    label_sets = [item.labels for item in checks.routed_alerts(estate)] + [
        {"alertname": "SomethingNew", "severity": "critical"},  # owned by no team
        {"alertname": "AIErrorRatioHigh"},  # no severity: the team route itself
        {"alertname": "AIErrorRatioHigh", "severity": "page"},
    ]
    for labels in label_sets:
        args = [f"{k}={v}" for k, v in sorted(labels.items())]
        result = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}",
                                 *args], capture_output=True, text=True)
        assert result.stdout.strip() == ",".join(resolve.receivers(estate.routing, labels)), args


@pytest.mark.parametrize("labels, expected", [
    ({"alertname": "AIErrorRatioCritical", "severity": "critical"}, ["ai-page"]),
    ({"alertname": "AIErrorRatioHigh", "severity": "warning"}, ["ai-slack"]),
    ({"alertname": "AICostDailyProjection", "severity": "info"}, ["tickets"]),
    ({"alertname": "LLMAvailabilityFastBurn", "severity": "critical"}, ["ai-page"]),
    ({"alertname": "LLMAvailabilitySlowBurn", "severity": "info"}, ["tickets"]),
    ({"alertname": "AppTargetDown", "severity": "critical"}, ["app-page"]),
    ({"alertname": "HighErrorRate", "severity": "warning"}, ["app-slack"]),
    ({"alertname": "NodeCPUHighUsage", "severity": "info"}, ["infra-email"]),
    ({"alertname": "PostgresqlDown", "severity": "critical"}, ["database-page"]),
    ({"alertname": "SomethingNew", "severity": "critical"}, ["platform-slack"]),
])
def test_platform_routing_by_team_and_severity(estate, labels, expected):
    assert receivers_of(estate, **labels) == expected


def test_grouping_and_timings_are_inherited(estate):
    [page] = resolve.destinations(estate.routing, {"alertname": "PostgresqlDown",
                                                   "severity": "critical"})
    assert (page.group_by, page.group_wait, page.group_interval, page.repeat_interval) == \
        (("alertname", "instance"), "10s", "5m", "1h")
    assert page.group_labels({"alertname": "PostgresqlDown", "severity": "critical",
                              "instance": "db:9187"}) == {"alertname": "PostgresqlDown",
                                                          "instance": "db:9187"}
    [warning] = resolve.destinations(estate.routing, {"alertname": "NodeDiskIOSaturation",
                                                      "severity": "warning"})
    assert warning.mute == ("maintenance",)


def test_every_platform_alert_reaches_someone_and_slo_expectations_hold(estate):
    assert findings(estate, *ROUTED) == []
    slo_alerts = [a for a in estate.alerts() if a.expect_receivers is not None]
    assert len(slo_alerts) == 4


# --- inhibition ----------------------------------------------------------------------------

def test_critical_inhibits_the_warning_of_the_same_alert(estate):
    high = {"alertname": "NodeDiskIOSaturation", "severity": "critical", "instance": "h1"}
    same = {**high, "severity": "warning"}
    other_host = {**same, "instance": "h2"}
    assert resolve.inhibited(estate.routing, [high, same, other_host]) == [False, True, False]


def test_an_slo_page_holds_back_the_ticket_of_the_same_slo(estate):
    page = {"alertname": "LLMAvailabilityFastBurn", "severity": "critical",
            "slo": "llm-availability"}
    ticket = {"alertname": "LLMAvailabilitySlowBurn", "severity": "info", "slo": "llm-availability"}
    other_slo = {"alertname": "LLMLatencySlowBurn", "severity": "info", "slo": "llm-latency"}
    assert resolve.inhibited(estate.routing, [page, ticket, other_slo]) == [False, True, False]


def test_escalated_alert_inhibits_its_warning_for_the_same_provider_only(estate):
    critical = {"alertname": "AIErrorRatioCritical", "severity": "critical",
                "provider": "anthropic"}
    same = {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "anthropic"}
    other = {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "openai"}
    assert resolve.inhibited(estate.routing, [critical, same, other]) == [False, True, False]


def test_target_down_silences_the_alerts_of_that_target(estate):
    down = {"alertname": "AppTargetDown", "severity": "critical", "job": "tradingagents",
            "instance": "tradingagents:8000"}
    missing = {"alertname": "AppTargetMissing", "severity": "critical", "job": "tradingagents"}
    ai = {"alertname": "AINoCompletions", "severity": "critical"}
    app = {"alertname": "SlowAnalysis", "severity": "warning"}
    host = {"alertname": "NodeMemoryHighUtilization", "severity": "warning", "instance": "h:9100"}
    assert resolve.inhibited(estate.routing, [down, missing, ai, app, host]) == \
        [False, False, True, True, False]


def test_postgres_down_silences_that_instance_only(estate):
    down = {"alertname": "PostgresqlDown", "severity": "critical", "instance": "db1:9187"}
    same = {"alertname": "PostgresqlDeadlocks", "severity": "warning", "instance": "db1:9187"}
    other = {"alertname": "PostgresqlDeadlocks", "severity": "warning", "instance": "db2:9187"}
    assert resolve.inhibited(estate.routing, [down, same, other]) == [False, True, False]


def test_an_alert_matching_both_sides_does_not_inhibit_its_kind():
    routing = Routing("r", [Receiver("r", [Webhook("http://x")])],
                      inhibit=[Inhibit(target='team="a"', by='team="a"')])
    first, second = {"alertname": "A", "team": "a"}, {"alertname": "B", "team": "a"}
    assert resolve.inhibited(routing, [first, second]) == [False, False]


# --- matching as Alertmanager does --------------------------------------------------------

@pytest.mark.parametrize("text, labels, matches", [
    ('severity="critical"', {"severity": "critical"}, True),
    ('severity!="critical"', {}, True),  # a missing label is the empty string
    ('severity=""', {}, True),
    ('team=~"ai|app"', {"team": "ai"}, True),
    ('team=~"ai|app"', {"team": "ai2"}, False),  # anchored at both ends
    ('team!~"a.*"', {"team": "infra"}, True),
    ("team=ai", {"team": "ai"}, True),  # unquoted value
    (r'msg="say \"hi\""', {"msg": 'say "hi"'}, True),
])
def test_matchers(text, labels, matches):
    matcher = parse(text)
    assert matcher.matches(labels) is matches
    assert parse(str(matcher)) == matcher


@pytest.mark.parametrize("text", ["severity", "9x=1", 'a=~"("'])
def test_bad_matchers_are_refused(text):
    with pytest.raises(ValueError):
        parse(text)


def test_matching_agrees_with_amtool_on_every_label_combination(tmp_path):
    """A tree with continue, nested, negative and regex matchers, and labels present or
    absent in every combination: resolve.py names the receivers amtool names."""
    amtool = require_binary("amtool")
    names = ["root", "a", "a-page", "ab", "nonprod", "orphan"]
    routing = Routing("root", [Receiver(n, [Webhook("http://x")]) for n in names], routes=[
        Route('team="a"', receiver="a", continue_=True, routes=[
            Route('severity=~"crit.*"', receiver="a-page")]),
        Route(['team=~"a|b"', 'severity!="info"'], receiver="ab"),
        Route('env!~"prod|stage"', receiver="nonprod", routes=[
            Route('team=""', receiver="orphan")]),
    ])
    config = tmp_path / "alertmanager.yml"
    config.write_bytes(serialize.to_yaml(alertmanager.config(routing)))
    values = {"team": ["a", "b", "c", None], "severity": ["critical", "crit", "info", None],
              "env": ["prod", "stage", "dev", None]}
    for combination in itertools.product(*values.values()):
        labels = {k: v for k, v in zip(values, combination, strict=True) if v is not None}
        labels["alertname"] = "X"
        result = subprocess.run([amtool, "config", "routes", "test", f"--config.file={config}",
                                 *[f"{k}={v}" for k, v in labels.items()]],
                                capture_output=True, text=True)
        assert result.stdout.strip() == ",".join(resolve.receivers(routing, labels)), labels


def test_continue_sends_to_every_matching_sibling():
    routing = Routing("default", [Receiver(n, [Webhook("http://x")]) for n in "abc"] +
                      [Receiver("default", [Webhook("http://x")])], routes=[
        Route({"team": "x"}, receiver="a", continue_=True),
        Route({"team": "x"}, receiver="b"),
        Route({"team": "x"}, receiver="c"),
    ])
    assert resolve.receivers(routing, {"team": "x"}) == ["a", "b"]
    assert resolve.receivers(routing, {"team": "y"}) == ["default"]


@pytest.mark.parametrize("when, silent", [
    ("2026-11-22T02:30:00+00:00", True),   # Sunday 02:30 in London (GMT)
    ("2026-11-22T04:00:00+00:00", False),  # the end of the range is not in it
    ("2026-06-21T01:30:00+00:00", True),   # Sunday 02:30 in London (BST)
    ("2026-06-21T03:30:00+00:00", False),
    ("2026-11-23T02:30:00+00:00", False),  # a Monday
])
def test_the_maintenance_window_mutes_infra_warnings(estate, when, silent):
    [warning] = resolve.destinations(estate.routing, {"alertname": "NodeDiskIOSaturation",
                                                      "severity": "warning"})
    [critical] = resolve.destinations(estate.routing, {
        "alertname": "NodeFilesystemAlmostOutOfSpaceCritical", "severity": "critical"})
    moment = datetime.fromisoformat(when)
    assert warning.silent_at(estate.routing, moment) is silent
    assert critical.silent_at(estate.routing, moment) is False


@pytest.mark.parametrize("period, when, inside", [
    (Period(days_of_month=["-1"]), "2026-02-28T12:00:00+00:00", True),  # the last day
    (Period(days_of_month=["-1"]), "2026-03-28T12:00:00+00:00", False),
    (Period(weekdays=["monday:friday"], times=["09:00-17:00"]), "2026-11-20T16:59:00+00:00", True),
    (Period(weekdays=["monday:friday"], times=["09:00-17:00"]), "2026-11-21T10:00:00+00:00", False),
    (Period(months=["october:december"]), "2026-01-10T00:00:00+00:00", False),
    (Period(days_of_month=["-3:-1"]), "2026-02-26T00:00:00+00:00", True),
    (Period(months=["november", "1:2"], years=["2026"]), "2026-01-10T00:00:00+00:00", True),
    (Period(times=["22:00-24:00"]), "2026-01-10T23:59:00+00:00", True),
])
def test_periods_hold_as_in_alertmanager(period, when, inside):
    assert intervals.contains(TimeInterval("x", [period]), datetime.fromisoformat(when)) is inside


def test_active_intervals_silence_a_route_outside_them():
    routing = Routing("r", [Receiver(n, [Webhook("http://x")]) for n in ("r", "day")],
                      routes=[Route({"team": "a"}, receiver="day", active=["office"])],
                      time_intervals=[TimeInterval("office", [Period(times=["09:00-17:00"])])])
    [day] = resolve.destinations(routing, {"team": "a"})
    assert not day.silent_at(routing, datetime.fromisoformat("2026-11-20T10:00:00+00:00"))
    assert day.silent_at(routing, datetime.fromisoformat("2026-11-20T20:00:00+00:00"))


# --- secrets ------------------------------------------------------------------------------

def test_secret_values_never_reach_the_build(cli, project):
    env = {"PAGERDUTY_AI_ROUTING_KEY": "pd-secret-value-1234", "SMTP_PASSWORD": "smtp-pw-5678"}
    assert cli("build", env=env).exit_code == 0
    build = project / "build"
    for path in build.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"pd-secret-value-1234" not in data and b"smtp-pw-5678" not in data, path
    config = yaml.safe_load((build / ALERTMANAGER_YML).read_text())
    ai_page = next(r for r in config["receivers"] if r["name"] == "ai-page")
    assert ai_page["pagerduty_configs"][0]["routing_key_file"] == \
        "/etc/alertmanager/secrets/pagerduty_ai_routing_key"
    assert ai_page["slack_configs"][0]["api_url_file"] == \
        "/etc/alertmanager/secrets/slack-ai-alerts"
    assert "hooks.slack" not in (build / ALERTMANAGER_YML).read_text()
    assert config["global"]["smtp_auth_password_file"] == "/etc/alertmanager/secrets/smtp_password"


def test_materialise_writes_env_secrets_private_and_all_or_nothing(tmp_path):
    key, password = secret_env("PD_KEY"), secret_env("SMTP_PASSWORD", path="/run/smtp")
    with pytest.raises(SecretError, match="SMTP_PASSWORD"):
        materialise([key, password], {"PD_KEY": "k"}, root=str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    written = materialise([key, password], {"PD_KEY": "k", "SMTP_PASSWORD": "p"},
                          root=str(tmp_path))
    assert sorted(written) == [str(tmp_path / "etc/alertmanager/secrets/pd_key"),
                               str(tmp_path / "run/smtp")]
    assert (tmp_path / "run/smtp").read_text() == "p"
    assert stat.S_IMODE(os.stat(tmp_path / "run/smtp").st_mode) == 0o600


def test_deploy_reads_a_secret_from_its_variable_or_its_file(tmp_path):
    (tmp_path / "etc/slack").parent.mkdir(parents=True)
    (tmp_path / "etc/slack").write_text("https://hooks.slack.test/x\n")
    assert secret_file("/etc/slack").value({}, root=str(tmp_path)) == "https://hooks.slack.test/x"
    with pytest.raises(SecretError, match="cannot read secret file /etc/slack"):
        secret_file("/etc/slack").value({})
    assert secret_env("KEY").value({"KEY": "secret-value"}) == "secret-value"


def _routing_with_secrets() -> Routing:
    slack = secret_env("SLACK_URL")
    return Routing("chat", [
        Receiver("chat", [Slack("#chat", api_url=slack)]),
        Receiver("page", [PagerDuty(routing_key=secret_env("PD_KEY")),
                          Slack("#chat", api_url=slack)]),
        Receiver("hook", [Webhook(secret_file("/etc/hook-url"))]),
        Receiver("mail", [Email("ops@example.com")]),
    ], smtp=Smtp("mail:25", "am@example.com", auth_password=secret_env("SMTP_PASSWORD")))


def test_every_missing_receiver_secret_is_named_at_once_with_its_receivers(tmp_path):
    with pytest.raises(SecretError) as raised:
        resolve_receivers(_routing_with_secrets(), {}, root=str(tmp_path))
    assert str(raised.value) == (
        "environment variables not set: PD_KEY (receiver 'page'), "
        "SLACK_URL (receivers 'chat', 'page'); "
        "secret files not readable: /etc/hook-url (receiver 'hook'): No such file or directory")


def test_receiver_secrets_resolve_from_the_environment_and_files(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/hook-url").write_text("https://hooks.test/h\n")
    values = resolve_receivers(_routing_with_secrets(), {"SLACK_URL": "s", "PD_KEY": "p"},
                               root=str(tmp_path))
    assert values == {secret_env("SLACK_URL"): "s", secret_env("PD_KEY"): "p",
                      secret_file("/etc/hook-url"): "https://hooks.test/h"}


# --- declaration errors -------------------------------------------------------------------

def _append(project, text: str) -> int:
    """Append to alerts/routing.py; the line number of the first appended line."""
    path = project / "alerts" / "routing.py"
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + text)
    return lines + 1


def test_route_to_an_undeclared_receiver_stops_the_build(cli, project):
    line = _append(project, 'routing.routes.append(Route({"team": "x"}, receiver="nobody"))\n')
    result = cli.subprocess("build")
    assert result.returncode == 2
    assert f"alerts/routing.py:{line}:1: error routing/receiver route sends to receiver " \
           "'nobody', which is not declared" in result.stderr
    assert not (project / "build").exists()


def test_a_slack_url_written_in_the_code_is_refused(cli, project):
    line = _append(project, 'routing.receivers.append(Receiver("leak", [Slack("#x", '
                            'api_url="https://hooks.slack.com/services/T/B/X")]))\n')
    result = cli.subprocess("build")
    assert result.returncode == 2
    assert f"alerts/routing.py:{line}:1: error routing/secret Slack api_url of receiver " \
           "'leak' must be secret_file(...) or secret_env(...)" in result.stderr


def test_a_second_routing_is_refused(cli, project):
    line = _append(project, 'second = Routing("platform-slack", routing.receivers)\n')
    result = cli.subprocess("build")
    assert result.returncode == 2
    assert f"alerts/routing.py:{line}:1: error routing/duplicate a project has one Routing" \
        in result.stderr


def test_black_holes_and_wrong_expectations_are_reported_at_the_alert(project):
    (project / "alerts" / "routing.py").write_text(
        (project / "alerts" / "routing.py").read_text()
        + 'routing.receivers.append(Receiver("null"))\n'
        + 'routing.routes.insert(0, Route(\'alertname="AICostDailyProjection"\', '
          'receiver="null"))\n')
    path = project / "alerts" / "slo.py"
    path.write_text(path.read_text().replace('expect_page_receivers=["ai-page"]',
                                             'expect_page_receivers=["app-page"]', 1))
    estate = Project(str(project)).estate
    found = {(p.rule, p.message, os.path.basename(p.source.file))
             for p in findings(estate, *ROUTED)}
    assert ("routing/black-hole", "alert AICostDailyProjection reaches only null, which notifies "
            "no one", "ai.py") in found
    assert ("routing/expected-receivers", "alert LLMAvailabilityFastBurn reaches ai-page, "
            "expected app-page", "slo.py") in found
    assert len(found) == 2


def test_report_lists_each_alert_with_its_receivers(estate):
    lines = checks.report(estate)
    assert len(lines) == len(estate.alerts())
    assert "PostgresqlDown {alertname=PostgresqlDown,severity=critical} → database-page " \
           "(group_by alertname,instance)" in lines
    assert "NodeCPUHighUsage {alertname=NodeCPUHighUsage,severity=info} → infra-email " \
           "(group_by alertname,instance; muted in maintenance)" in lines


def test_amtool_check_reports_what_alertmanager_would_refuse(estate):
    amtool = require_binary("amtool")
    assert lint_amtool.check_config(amtool, estate) == []
    broken = Routing("r", [Receiver("r", [Webhook("not a url")])])
    problems = lint_amtool.check_config(amtool, type(estate)(estate.settings, estate.catalog,
                                                             [], [], broken))
    assert [p.rule for p in problems] == ["routing/amtool"]
    assert "alertmanager.yml" in problems[0].message and "FAILED" in problems[0].message


def test_matcher_value_is_kept_literal_in_the_compiled_file():
    assert str(Matcher("alertname", "=~", 'A|B"C')) == r'alertname=~"A|B\"C"'


def test_lint_and_test_entry_points(project, monkeypatch):
    """What lint and `dashsmith test` call: structural warnings and per-alert errors together;
    amtool is optional unless DASHSMITH_REQUIRE_LIVE is set."""
    path = project / "alerts" / "routing.py"
    path.write_text(path.read_text() + 'routing.receivers.append(Receiver("spare"))\n'
                    'routing.routes.insert(0, Route(\'alertname="HighLLMCost"\', '
                    'receiver="spare"))\n'
                    'routing.receivers.append(Receiver("unused", [Webhook("http://x")]))\n')
    estate = Project(str(project)).estate
    assert sorted(p.rule for p in lint_project(Project(str(project)))
                  if p.rule.startswith("routing/")) == \
        ["routing/black-hole", "routing/unused-receiver"]
    lines = checks.summary(estate)
    assert "  HighLLMCost {alertname=HighLLMCost,severity=warning} → spare (group_by alertname)" \
        in lines
    tested = [rule.id for rule in registry.ALL if "test" in rule.commands()]
    assert [p.rule for p in findings(estate, *tested)] == ["routing/black-hole"]
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("DASHSMITH_REQUIRE_LIVE", "1")
    with pytest.raises(lint_amtool.AmtoolMissing):
        lint_amtool.find()


# --- through the commands -----------------------------------------------------------------

def test_dashsmith_test_routes_every_alert_and_fails_on_a_wrong_expectation(cli, project):
    require_binary("promtool")
    result = cli("test", "-v")  # -v lists each alert's receivers
    assert result.exit_code == 0, result.output
    assert "routing: 34 alerts through 11 receivers" in result.output
    assert "  LLMAvailabilityFastBurn {alertname=LLMAvailabilityFastBurn,severity=critical} → " \
           "ai-page (group_by alertname)" in result.output
    path = project / "alerts" / "slo.py"
    text = path.read_text()
    path.write_text(text.replace('expect_ticket_receivers=["tickets"]',
                                 'expect_ticket_receivers=["ai-slack"]', 1))
    line = text[:text.index("llm_availability = SLO(")].count("\n") + 1
    # The routing is what fails: it goes over every alert whatever --run chooses, so promtool
    # runs one group (it passes) rather than all 73 again.
    result = cli.subprocess("test", "--run", "^5% of analyses fail - silent$")
    assert "alerts/tests/tradingagents.test.yml: ok (1 group)" in result.stdout
    assert result.returncode == 1
    assert f"alerts/slo.py:{line}:1: error routing/expected-receivers alert " \
           "LLMAvailabilitySlowBurn reaches tickets, expected ai-slack" in result.stderr


def test_lint_reports_an_alert_that_reaches_no_one_at_its_line(cli, project):
    path = project / "alerts" / "routing.py"
    path.write_text(path.read_text() + 'routing.receivers.append(Receiver("null"))\n'
                    'routing.routes.insert(0, Route(\'alertname="SlowAnalysis"\', '
                    'receiver="null"))\n')
    result = cli.subprocess("lint", "--no-tools")
    assert result.returncode == 1
    line = next(n for n, text in enumerate((project / "alerts/tradingagents.py").read_text()
                                           .splitlines(), 1) if '"SlowAnalysis",' in text) - 1
    assert f"alerts/tradingagents.py:{line}:1: error routing/black-hole alert SlowAnalysis " \
           "reaches only null, which notifies no one" in result.stdout
