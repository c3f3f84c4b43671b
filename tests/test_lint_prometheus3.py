"""Lint of rules written for Prometheus 3 (the default target) and for 2 ([dashsmith.lint]
prometheus = 2): quoted UTF-8 names (OpenTelemetry's dotted ones) lint clean for 3 and are
refused for 2; Debian's promtool 2.42, which refuses them, does not turn that into an error
when the rules target 3, and says once that it is older."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from dashsmith.cli import main
from dashsmith.linter import promtool
from support import require_binary

OTEL_RULES = '''\
groups:
  - name: gen-ai
    rules:
      - record: "service:gen_ai.client.token.usage:rate5m"
        expr: sum by ("service.name") (rate({"gen_ai.client.token.usage", "service.name"=~"."}[5m]))
        labels:
          "telemetry.sdk.language": python
      - alert: TokenBurn
        expr: sum by ("service.name") (rate({"gen_ai.client.token.usage"}[5m])) > 100
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: '{{ index $labels "service.name" }} burns tokens'
          description: 'Service {{ index $labels "service.name" }} uses {{ $value }} tokens/s.'
          runbook_url: https://example.com/runbook.md#tokenburn
'''


@pytest.fixture
def lint(tmp_path, monkeypatch):
    """`dashsmith lint ARGS` in a directory of its own (no project unless a setup.cfg is
    written there): (exit code, output)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, settings: str | None = None):
        if settings is not None:
            (tmp_path / "setup.cfg").write_text("[dashsmith]\n" + textwrap.dedent(settings))
        result = CliRunner().invoke(main, ["lint", *args], catch_exceptions=False)
        return result.exit_code, result.output

    return run


@pytest.fixture
def otel(tmp_path):
    (tmp_path / "otel.yml").write_text(OTEL_RULES)
    return "otel.yml"  # lint prints paths as given


def test_quoted_utf8_names_lint_clean_for_prometheus_3(lint, otel):
    code, output = lint("--no-tools", otel)
    assert code == 0 and "no problems" in output, output


def test_an_older_promtool_refusing_utf8_names_is_no_error_and_is_said_once(lint, otel):
    require_binary("promtool")
    older = (promtool.major_version(promtool.find()) or 3) < 3
    code, output = lint(otel)
    assert code == 0, output
    notes = [line for line in output.splitlines() if "is older than the Prometheus" in line]
    assert len(notes) == (1 if older else 0), output
    if older:
        assert notes[0].startswith(f"{otel}:4:1: info promtool/check-rules promtool 2.x"), output
    assert "error" not in output, output


def test_quoted_utf8_names_are_refused_when_the_rules_target_prometheus_2(lint, otel):
    code, output = lint("--no-tools", otel, settings="[dashsmith.lint]\nprometheus = 2\n")
    assert code == 1
    lines = output.splitlines()
    # the expression's names, each where it is written, and the rule's label name
    assert f'{otel}:5:24: error promql/version the label name "service.name" is Prometheus 3 ' \
           "syntax (a quoted UTF-8 name), which Prometheus 2 refuses; [dashsmith.lint] " \
           "prometheus = 2 says the rules target 2" in lines, output
    assert any(line.startswith(f"{otel}:5:") and 'metric name "gen_ai.client.token.usage"'
               in line for line in lines), output
    assert any(line.startswith(f"{otel}:4:1: error rule/format") and "Prometheus 3 accepts it"
               in line and "'telemetry.sdk.language'" in line for line in lines), output
    assert any(line.startswith(f"{otel}:4:1: error rule/format")
               and "record 'service:gen_ai.client.token.usage:rate5m' is not a valid" in line
               for line in lines), output


def test_promtool_does_not_repeat_what_lint_refuses_for_prometheus_2(lint, otel):
    require_binary("promtool")
    code, output = lint(otel, settings="[dashsmith.lint]\nprometheus = 2\n")
    assert code == 1 and "promql/version" in output
    assert "promtool/check-rules" not in output, output


def test_a_label_with_dots_read_as_a_field_is_a_template_error(lint, tmp_path):
    (tmp_path / "dots.yml").write_text(OTEL_RULES.replace(
        '{{ index $labels "service.name" }} burns', "{{ $labels.service.name }} burns"))
    code, output = lint("--no-tools", "dots.yml")
    assert code == 1
    assert ("error alert/template alert 'TokenBurn': annotation 'summary' is not a valid "
            "template: $labels.service.name reads a field of the label 'service', a string: "
            'read a label whose name has dots with {{ index $labels "service.name" }}') \
        in output, output


def test_an_unreadable_target_is_a_setting_error(lint, otel):
    code, output = lint("--no-tools", otel, settings="[dashsmith.lint]\nprometheus = three\n")
    assert code == 1
    assert ("setup.cfg:3:1: error lint/config [dashsmith.lint] prometheus = 'three': expected "
            "a Prometheus version such as 3 or 2.53") in output, output



GROUP_FIELDS = '''\
groups:
  - name: offset-first
    query_offset: 1m
    labels:
      team: db
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: thanos
    partial_response_strategy: warn
    rules:
      - record: job:up:max
        expr: max by (job) (up)
  - name: mimir
    source_tenants: [team-a, team-b]
    evaluation_delay: 1m
    rules:
      - record: job:up:min
        expr: min by (job) (up)
'''


def test_prometheus_3_group_fields_an_older_promtool_refuses_are_set_aside(lint, tmp_path):
    """query_offset and group labels are Prometheus 3's (rulefmt.RuleGroup): an older
    promtool's refusal of them is said once, as info, even in the file's first group (before
    any rule); another ruler's fields are a warning naming the ruler."""
    require_binary("promtool")
    (tmp_path / "groups.yml").write_text(GROUP_FIELDS)
    older = (promtool.major_version(promtool.find()) or 3) < 3
    code, output = lint("groups.yml")
    assert code == 0, output
    lines = output.splitlines()
    assert not [line for line in lines if " error " in line], output
    notes = [line for line in lines if "is older than the Prometheus" in line]
    assert len(notes) == (1 if older else 0), output
    assert not [line for line in lines if "query_offset" in line or "field labels" in line]
    assert "groups.yml:10:1: warning promtool/check-rules the group field " \
           "partial_response_strategy is Thanos Ruler's, not Prometheus's: Prometheus refuses " \
           "the file" in output, output
    for line, field in ((15, "source_tenants"), (16, "evaluation_delay")):
        assert f"groups.yml:{line}:1: warning promtool/check-rules the group field {field} " \
               "is Mimir's and Cortex's ruler's" in output, output
    assert lint("--no-tools", "groups.yml")[0] == 0


def test_newer_group_fields_are_refused_when_promtool_is_as_new_as_the_target(lint, tmp_path):
    """For rules that target Prometheus 2, promtool 2's refusal of query_offset stands."""
    require_binary("promtool")
    if (promtool.major_version(promtool.find()) or 3) >= 3:
        pytest.skip("this promtool knows query_offset")
    (tmp_path / "groups.yml").write_text(GROUP_FIELDS)
    code, output = lint("groups.yml", settings="[dashsmith.lint]\nprometheus = 2\n")
    assert code == 1
    assert "groups.yml:3:1: error promtool/check-rules yaml: field query_offset not found in " \
           "type rulefmt.RuleGroup" in output, output


def test_explain_knows_the_new_rules(lint):
    for rule_id in ("promql/version", "promql/histogram-le"):
        code, output = lint("--explain", rule_id)
        assert code == 0 and output.startswith(rule_id) and "Best practice:" in output, output
