"""Lint never crashes: arbitrary strings as PromQL and templates, arbitrary JSON as a dashboard,
arbitrary YAML as a rule file. It reports what it cannot read instead."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from dashsmith import promql
from dashsmith.checks import gotemplate
from dashsmith.linter.engine import lint_paths
from dashsmith.model.problems import Problem

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text that looks like PromQL often enough to reach past the parser.
PROMQL_PIECES = st.sampled_from([
    "sum", "rate", "by", "(", ")", "{", "}", "[", "]", "5m", "$__rate_interval", "${job}",
    "[[job]]", "$job", '"', "=~", "!=", "=", ",", " ", "ai_errors_total", "le", "on", "group_left",
    "histogram_quantile", "0.95", ">", "and", "offset", ":", "@", "1e9", "bool", "without",
    "label_replace", "x_bucket", "'", "\\", "\n", "unless", "count_values", "topk",
])
PROMQL = st.one_of(st.text(max_size=80), st.lists(PROMQL_PIECES, max_size=30).map("".join))
# Values Grafana gives meaning to, so the fuzz reaches the rules behind them.
MEANINGFUL = st.sampled_from(["datasource", "query", "prometheus", "timeseries", "stat", "row",
                              "text", "-- Mixed --", "${datasource}", "$datasource",
                              "label_values(up, job)", "sum(rate(x[5m]))", "1d", "A"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | MEANINGFUL,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.sampled_from(["panels", "targets", "expr", "type", "datasource", "uid",
                                       "title", "templating", "list", "query", "gridPos", "x",
                                       "y", "w", "h", "id", "refId", "legendFormat",
                                       "fieldConfig", "defaults", "unit", "interval",
                                       "collapsed", "rows", "name", "instant",
                                       "range", "libraryPanel", "description"])
                      | st.text(max_size=8),
                      children, max_size=6),
    max_leaves=40)
RULE_KEYS = st.sampled_from(["groups", "name", "rules", "alert", "record", "expr", "for",
                             "labels", "annotations", "severity", "summary", "keep_firing_for",
                             "interval"])
RULE_DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | PROMQL,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(RULE_KEYS | st.text(max_size=6), children, max_size=6),
    max_leaves=30)


def _lint(tmp_path_factory, name: str, text: str) -> list[Problem]:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_text(text)
    problems = lint_paths([str(path)])
    assert all(isinstance(p, Problem) and p.rule and p.message for p in problems)
    return problems


@FUZZ
@given(PROMQL)
def test_any_text_parses_or_reports_a_position(text):
    for grafana in (True, False):
        expression = promql.parse(text, grafana)
        if expression.error is not None:
            assert 0 <= expression.error.offset <= len(text)
            assert "__var_" not in expression.error.message


@FUZZ
@given(st.text(max_size=80) | st.lists(st.sampled_from(
    ["{{", "}}", "$labels.x", "$value", " | ", "humanize", "if", "end", "else", '"', "(", ")",
     "range", "$x :=", "-", "/*", "*/", "."]), max_size=20).map("".join))
def test_any_template_parses_or_reports(text):
    template = gotemplate.parse(text)
    assert all(0 <= offset <= len(text) for _, offset in template.errors)


@FUZZ
@given(PROMQL, st.sampled_from(["timeseries", "stat", "table", "row", "text"]), PROMQL)
def test_any_query_in_a_dashboard(tmp_path_factory, expr, panel_type, legend):
    dashboard = {"uid": "fuzz", "title": "Fuzz", "panels": [
        {"id": 1, "type": panel_type, "title": "P", "targets": [
            {"refId": "A", "expr": expr, "legendFormat": legend}]}],
        "templating": {"list": [{"name": "v", "type": "query", "query": expr}]}}
    _lint(tmp_path_factory, "d.json", json.dumps(dashboard))


@FUZZ
@given(JSON)
def test_any_json_as_a_dashboard(tmp_path_factory, data):
    _lint(tmp_path_factory, "d.json", json.dumps(data))


@FUZZ
@given(st.text(max_size=200))
def test_any_text_as_json_or_yaml(tmp_path_factory, text):
    _lint(tmp_path_factory, "d.json", text)
    _lint(tmp_path_factory, "r.yml", text)


@FUZZ
@given(RULE_DATA)
def test_any_yaml_as_a_rule_file(tmp_path_factory, data):
    _lint(tmp_path_factory, "r.yml", yaml.safe_dump({"groups": data} if not isinstance(data, dict)
                                                    else data))


@FUZZ
@given(PROMQL, PROMQL, st.text(max_size=10))
def test_any_alert(tmp_path_factory, expr, description, duration):
    data = {"groups": [{"name": "g", "rules": [
        {"alert": "A", "expr": expr, "for": duration, "labels": {"severity": description},
         "annotations": {"description": description, "summary": expr}}]}]}
    _lint(tmp_path_factory, "r.yml", yaml.safe_dump(data))
