"""Lint of content from elsewhere, as its users keep it: Kubernetes PrometheusRule manifests
(prometheus-operator) linted as the rule files their specs are, positions included, and
vendored files marked in setup.cfg (`disable-in`), JSON dashboards among them, which have no
comments to carry a suppression."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from dashsmith.cli import main
from dashsmith.linter.inputs import from_paths
from support import require_binary

MANIFESTS = '''\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: gen-ai
  labels:
    release: prometheus
spec:
  groups:
    - name: gen-ai.rules
      rules:
        - alert: TokenBurn
          expr: sum by (service) (rate(gen_ai_tokens_total[5m])) > 100
          for: 5 minutes
          labels:
            severity: warning
          annotations:
            summary: '{{ $labels.service }} burns tokens'
            description: 'Service {{ $labels.service }} uses {{ $value }} tokens/s.'
            runbook_url: https://example.com/runbook.md#tokenburn
        - record: service:gen_ai_tokens:rate5m
          expr: sum by (service) (rate(gen_ai_tokens_total[5m]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: other
spec:
  groups:
    - name: other.rules
      rules:
        - record: job:up:sum
          expr: sum by (job) (up)
      colour: red
'''


@pytest.fixture
def lint(tmp_path, monkeypatch):
    """`dashsmith lint ARGS` in tmp_path: (exit code, output lines)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        result = CliRunner().invoke(main, ["lint", *args], catch_exceptions=False)
        return result.exit_code, result.output.splitlines()

    return run


def test_a_prometheusrule_manifest_is_linted_as_its_spec_at_its_lines(lint, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "gen-ai.yaml").write_text(MANIFESTS)
    code, lines = lint("--no-tools", "k8s")  # found in a directory too
    assert code == 1
    assert lines[:-1] == [
        "k8s/gen-ai.yaml:11:1: error rule/format alert 'TokenBurn': for '5 minutes' is not a "
        "Prometheus duration (e.g. 30s, 5m, 1h30m: units y w d h m s ms, largest first)",
        "k8s/gen-ai.yaml:21:39: error rule/expr cannot parse: unclosed left parenthesis "
        "near `(gen_ai_tokens_total[5m]`",
    ]


def test_promtool_reads_a_manifest_spec_and_its_findings_keep_the_manifest_lines(lint, tmp_path):
    require_binary("promtool")
    (tmp_path / "gen-ai.yaml").write_text(MANIFESTS)
    code, lines = lint("gen-ai.yaml")
    assert code == 1
    assert "gen-ai.yaml:33:1: error promtool/check-rules yaml: field colour not found in type " \
           "rulefmt.RuleGroup" in lines, lines
    # what lint reports itself is not repeated
    assert [line for line in lines if "promtool" in line and ":11:" in line] == [], lines


COMMENTED_MANIFEST = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: example
spec:
  groups:
# recording rules, written at column 0 (left of the spec's indentation)
  - name: example

    rules:
    - record: job:up:sum
      expr: sum by (job) (up)
"""


def test_a_comment_left_of_a_manifest_spec_is_no_content_of_the_rule_file_promtool_reads(
        tmp_path):
    """The spec cut out for promtool keeps the comment's line empty: valid YAML whose lines
    are still the manifest's (the group at line 8)."""
    (tmp_path / "rule.yaml").write_text(COMMENTED_MANIFEST)
    rule_file, = from_paths([str(tmp_path / "rule.yaml")]).rule_files
    text = rule_file.promtool_text
    assert yaml.safe_load(text) == {"groups": [{"name": "example", "rules": [
        {"record": "job:up:sum", "expr": "sum by (job) (up)"}]}]}
    assert text.splitlines()[7] == "- name: example"


def test_promtool_accepts_a_manifest_with_a_comment_left_of_its_spec(lint, tmp_path):
    require_binary("promtool")
    (tmp_path / "rule.yaml").write_text(COMMENTED_MANIFEST)
    assert lint("rule.yaml") == (0, ["no problems"])
    # and a finding of promtool's after such a comment is at its line of the manifest
    (tmp_path / "rule.yaml").write_text(COMMENTED_MANIFEST.replace(
        "  - name: example\n", "  - name: example\n    colour: red\n"))
    code, lines = lint("rule.yaml")
    assert code == 1
    assert lines[:-1] == ["rule.yaml:9:1: error promtool/check-rules yaml: field colour not "
                          "found in type rulefmt.RuleGroup"], lines


def test_several_documents_that_are_no_manifests_are_refused(lint, tmp_path):
    (tmp_path / "two.yml").write_text("groups: []\n---\ngroups: []\n")
    code, lines = lint("--no-tools", "two.yml")
    assert code == 1
    assert lines[0] == "two.yml:3:1: error file/parse invalid YAML: expected one document, " \
                       "found more", lines


def _dashboard(path, uid: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "uid": uid, "title": uid,
        "templating": {"list": [{"name": "datasource", "type": "datasource",
                                 "query": "prometheus"}]},
        "panels": [{"id": 1, "type": "timeseries", "title": "Requests",
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                    "fieldConfig": {"defaults": {"unit": "reqps"}},
                    "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[5m]))"}]}],
    }, indent=2))


def test_a_json_dashboard_is_marked_by_its_path_in_setup_cfg(lint, tmp_path):
    _dashboard(tmp_path / "vendor" / "grafana" / "requests.json", "vendored")
    _dashboard(tmp_path / "ours" / "requests.json", "ours")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "setup.cfg").write_text(textwrap.dedent("""\
        [dashsmith]
        [dashsmith.lint]
        disable-in =
            vendor/**: panel/description, dashboard/rate-interval, catalog/* -- as written
        """))
    code, lines = lint("--no-tools", "vendor", "ours")
    assert code == 1
    found = sorted({(line.split(":", 1)[0], line.split()[2]) for line in lines[:-1]})
    assert found == [("ours/requests.json", "catalog/unknown-metric"),
                     ("ours/requests.json", "dashboard/rate-interval"),
                     ("ours/requests.json", "panel/description")], lines


def test_an_alert_on_an_info_series_selected_by_its_state_has_a_condition(lint, tmp_path):
    """Exporters name series that carry labels `_info` or `_metadata`: selected by a label's
    value, the series exists only in that state (the alert stops when it changes)."""
    (tmp_path / "info.yml").write_text(textwrap.dedent('''\
        groups:
          - name: g
            rules:
              - alert: OpenSecurity
                expr: ceph_nvmeof_subsystem_metadata{allow_any_host="yes"}
                for: 5m
                labels: {severity: warning}
                annotations: {summary: S., description: D., runbook_url: "https://x.test/r#a"}
              - alert: AlwaysFiring
                expr: ceph_nvmeof_subsystem_metadata
                for: 5m
                labels: {severity: warning}
                annotations: {summary: S., description: D., runbook_url: "https://x.test/r#b"}
        '''))
    code, lines = lint("--no-tools", "info.yml")
    assert [line.split()[2] + " " + line.split()[4] for line in lines[:-1]] == [
        "alert/comparison 'AlwaysFiring'"], lines


def test_a_legend_label_an_aggregation_removed_is_named_without_a_catalog(lint, tmp_path):
    """Outside a project nothing says which labels a metric has, but a label its selector
    asks for by value is there: the aggregation that drops it is named."""
    _dashboard(tmp_path / "d.json", "d")
    data = json.loads((tmp_path / "d.json").read_text())
    data["panels"][0]["description"] = "Requests."
    data["panels"][0]["targets"][0].update(
        expr='sum(rate(http_requests_total{instance=~"$instance"}[$__rate_interval]))',
        legendFormat="{{instance}}")
    (tmp_path / "d.json").write_text(json.dumps(data, indent=2))
    code, lines = lint("--no-tools", "d.json")
    assert [line.split(" ", 3)[3] for line in lines[:-1]] == [
        "the legend '{{instance}}': label 'instance' is not in the result: `sum` removes it; "
        "keep it with `by (instance, ...)`"], lines


def test_other_kubernetes_manifests_are_left_alone(lint, tmp_path):
    """A directory of manifests: the PrometheusRule among a file's other kinds is linted,
    files of other kinds only are no rule files."""
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(textwrap.dedent('''\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app}
        '''))
    (tmp_path / "k8s" / "monitoring.yaml").write_text(textwrap.dedent('''\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: app}
        spec:
          groups:
            - name: app
              rules:
                - record: job:up:sum
                  expr: sum by (job) (up
        '''))
    code, lines = lint("--no-tools", "k8s")
    assert code == 1
    assert lines[:-1] == ["k8s/monitoring.yaml:13:30: error rule/expr cannot parse: unclosed "
                          "left parenthesis near `(up`"], lines


KUBECTL_LIST = '''\
apiVersion: v1
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata:
    name: api
    namespace: monitoring
  spec:
    groups:
    - name: api.rules
      rules:
      - alert: ApiDown
        expr: up{job="api"} == 0
        for: 5 minutes
        labels:
          severity: critical
        annotations:
          summary: The API is down.
          description: '{{ $labels.instance }} has not answered a scrape.'
          runbook_url: https://example.com/runbook.md#apidown
      - record: job:up:sum
        expr: sum by (job) (up
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata:
    name: db
  spec:
    groups:
    - name: db.rules
      rules:
      - record: job:pg_up:sum
        expr: sum by (job) (pg_up)
      colour: red
kind: List
metadata:
  resourceVersion: ""
'''


def test_a_kubectl_list_of_prometheusrules_is_linted_as_its_manifests_at_their_lines(
        lint, tmp_path):
    """`kubectl get prometheusrules -o yaml` writes one `kind: List` whose items are the
    manifests: each item's spec is linted as a rule file, at the list's lines, in a directory
    too."""
    (tmp_path / "exported").mkdir()
    (tmp_path / "exported" / "rules.yaml").write_text(KUBECTL_LIST)
    code, lines = lint("--no-tools", "exported")
    assert code == 1
    assert lines[:-1] == [
        "exported/rules.yaml:12:1: error rule/format alert 'ApiDown': for '5 minutes' is not a "
        "Prometheus duration (e.g. 30s, 5m, 1h30m: units y w d h m s ms, largest first)",
        "exported/rules.yaml:22:28: error rule/expr cannot parse: unclosed left parenthesis "
        "near `(up`",
    ], lines


def test_promtool_reads_each_spec_of_a_kubectl_list_at_the_list_lines(lint, tmp_path):
    require_binary("promtool")
    (tmp_path / "rules.yaml").write_text(KUBECTL_LIST)
    code, lines = lint("rules.yaml")
    assert code == 1
    assert "rules.yaml:33:1: error promtool/check-rules yaml: field colour not found in type " \
           "rulefmt.RuleGroup" in lines, lines
    # what lint reports itself is not repeated
    assert len([line for line in lines if ":12:" in line or ":22:" in line]) == 2, lines


def test_a_list_of_other_kinds_is_no_rule_file(lint, tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pods.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"
        "  metadata: {name: p}\n")
    assert lint("--no-tools", "k8s") == (0, ["no problems"])
    code, lines = lint("--no-tools", "k8s/pods.yaml")
    assert code == 1 and "rule/format" in lines[0], lines


def test_an_alert_on_the_presence_of_series_is_judged_by_what_the_series_are(lint, tmp_path):
    """ALERTS exist only while an alert is pending or firing: a condition. A series narrowed
    by another label may exist only in the bad state (an index left by a failed REINDEX):
    lint cannot tell, a warning, which does not fail the run. A counter's rate is there
    whatever its matchers: an error."""
    alert = textwrap.dedent('''\
          - alert: {name}
            expr: '{expr}'
            for: 5m
            labels: {{severity: warning}}
            annotations: {{summary: S., description: D., runbook_url: "https://x.test/r#a"}}
        ''')
    rules = [("CriticalFiring", 'ALERTS{alertstate="firing", severity="critical"}'),
             ("LeftoverIndex", 'pg_index_size_bytes{index=~".*_ccnew"}')]
    text = "groups:\n  - name: g\n    rules:\n" + "".join(
        textwrap.indent(alert.format(name=name, expr=expr), "      ") for name, expr in rules)
    (tmp_path / "presence.yml").write_text(text)
    code, lines = lint("--no-tools", "presence.yml")
    assert code == 0, lines
    assert lines[:-1] == [
        "presence.yml:9:1: warning alert/comparison alert 'LeftoverIndex' has no comparison: "
        'it fires whenever a series `pg_index_size_bytes{index=~".*_ccnew"}` exists: a '
        "condition only if such series exist just in the bad state (then suppress this with "
        "that reason); if they are there all the time, compare the value (e.g. `> 0`)"], lines
    (tmp_path / "presence.yml").write_text(text.replace(
        'pg_index_size_bytes{index=~".*_ccnew"}', 'rate(pg_errors_total{kind="fatal"}[5m])'))
    code, lines = lint("--no-tools", "presence.yml")
    assert code == 1
    assert [line.split()[1:3] for line in lines[:-1]] == [["error", "alert/comparison"]], lines


def test_a_dashboard_file_without_a_uid_is_a_warning_and_a_uid_grafana_refuses_an_error(
        lint, tmp_path):
    """Grafana accepts a dashboard without a uid (it makes one up on import): lint warns
    and does not fail; a uid Grafana refuses fails it. Neither message shows Python's None."""
    _dashboard(tmp_path / "nouid.json", "x")
    data = json.loads((tmp_path / "nouid.json").read_text())
    del data["uid"]
    data["panels"][0].update(description="Requests.")
    data["panels"][0]["targets"][0]["expr"] = \
        "sum(rate(http_requests_total[$__rate_interval]))"
    (tmp_path / "nouid.json").write_text(json.dumps(data, indent=2))
    code, lines = lint("--no-tools", "nouid.json")
    assert code == 0, lines
    assert lines[:-1] == [
        "nouid.json:1:1: warning dashboard/uid dashboard has no uid: Grafana makes up a random "
        "one wherever it is imported or provisioned, so its URL and the links to it change "
        "from one Grafana to the next; give it a stable one of 1-40 characters of A-Z a-z 0-9 "
        "_ -"], lines
    data["uid"] = "x" * 41
    (tmp_path / "nouid.json").write_text(json.dumps(data, indent=2))
    code, lines = lint("--no-tools", "nouid.json")
    assert code == 1 and "error dashboard/uid dashboard uid 'xxxx" in lines[0], lines
    assert not any("None" in line for line in lines), lines


def test_a_query_on_an_untyped_reference_is_of_the_type_the_dashboard_gives_its_uid(lint,
                                                                                   tmp_path):
    """Grafana resolves a data source reference by its uid alone, so `{"uid": "L1"}` written
    without a type (Grafana 8, hand edits) is the Loki the dashboard types as L1 elsewhere: its
    LogQL is no PromQL to parse. A uid typed Prometheus, or typed nowhere, is still PromQL."""
    def panel(number: int, datasource: dict, expr: str) -> dict:
        return {"id": number, "type": "timeseries", "title": f"Panel {number}",
                "datasource": datasource, "gridPos": {"x": 0, "y": 8 * number, "w": 12, "h": 8},
                "targets": [{"refId": "A", "expr": expr}]}
    (tmp_path / "logs.json").write_text(json.dumps({"uid": "logs", "title": "Logs", "panels": [
        panel(1, {"type": "loki", "uid": "L1"}, '{job="api"}'),
        panel(2, {"uid": "L1"}, 'sum(count_over_time({job="api"} |= "error" [5m]))'),
        panel(3, {"type": "prometheus", "uid": "P1"}, "sum(up)"),
        panel(4, {"uid": "P1"}, "sum(up"),
        panel(5, {"uid": "X1"}, "sum(up"),
        # Grafana's mixed data source is written {"type": "datasource", ...}: PromQL still
        panel(6, {"type": "datasource", "uid": "-- Mixed --"}, "sum(up)"),
        panel(7, {"uid": "-- Mixed --"}, "sum(up"),
        # a blank query on a MySQL uid is no blank PromQL query (panel/no-targets)
        panel(8, {"type": "mysql", "uid": "M1"}, "SELECT 1"),
        panel(9, {"uid": "M1"}, ""),
    ]}, indent=2))
    code, lines = lint("--no-tools", "logs.json")
    assert code == 1
    syntax = [line.split(":")[1] for line in lines if " promql/syntax " in line]
    panel_lines = [i for i, line in enumerate(
        (tmp_path / "logs.json").read_text().splitlines(), 1) if '"sum(up"' in line]
    assert len(panel_lines) == 3  # panels 4, 5 and 7, not panel 2
    assert syntax == [str(n) for n in panel_lines], lines
    assert not [line for line in lines if " panel/no-targets " in line], lines
