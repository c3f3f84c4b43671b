"""Lint of rule files with promtool beside it: one promtool run for every file, each of its
findings under the file and line it is about, and no problem reported twice."""

from __future__ import annotations

import textwrap

from dashsmith.linter import promtool
from support import require_binary

GOOD = '''\
groups:
  - name: good
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
'''
UNKNOWN_FIELDS = '''\
groups:
  - name: fields
    rules:
      - record: job:up:max
        expr: max by (job) (up)
    colour: red
    size: 2
'''
UNKNOWN_RULE_FIELDS = '''\
groups:
  - name: fields
    rules:
      - record: job:up:max
        expr: max by (job) (up)
        colour: red
'''
BAD_EXPRESSION = '''\
groups:
  - name: bad
    rules:
      - record: job:up:min
        expr: min by (job) (up) ==
'''


def _files(tmp_path, **texts):
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(textwrap.dedent(text))
        paths.append(str(path))
    return paths


def test_each_refused_field_is_reported_at_its_line_in_its_file(tmp_path, cli):
    require_binary("promtool")
    good, fields = _files(tmp_path, good=GOOD, fields=UNKNOWN_FIELDS)
    result = cli("lint", good, fields)
    found = [line for line in result.output.splitlines() if "promtool/check-rules" in line]
    assert found == [
        f"{fields}:6:1: error promtool/check-rules yaml: field colour not found in type "
        "rulefmt.RuleGroup",
        f"{fields}:7:1: error promtool/check-rules yaml: field size not found in type "
        "rulefmt.RuleGroup",
    ], result.output


def test_a_rule_field_lint_refuses_itself_is_reported_once(tmp_path, cli):
    require_binary("promtool")
    (fields,) = _files(tmp_path, fields=UNKNOWN_RULE_FIELDS)
    result = cli("lint", fields)
    assert result.output.splitlines()[:-1] == [
        f"{fields}:6:1: error rule/format record 'job:up:max': 'colour' is no field of a "
        "recording rule (it has record, expr, labels)"], result.output


def test_an_expression_lint_cannot_parse_is_reported_once(tmp_path, cli):
    require_binary("promtool")
    (bad,) = _files(tmp_path, bad=BAD_EXPRESSION)
    result = cli("lint", bad)
    assert "rule/expr cannot parse" in result.output
    assert "promtool/check-rules" not in result.output, result.output


def test_one_promtool_run_checks_every_file(tmp_path, monkeypatch):
    require_binary("promtool")
    paths = _files(tmp_path, good=GOOD, fields=UNKNOWN_FIELDS, bad=BAD_EXPRESSION)
    runs = []
    real_run = promtool.subprocess.run

    def counting_run(command, **kwargs):
        runs.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(promtool.subprocess, "run", counting_run)
    problems = promtool.check_rules(promtool.find(), [(path, None) for path in paths], [])
    assert len(runs) == 1
    assert {p.source.file for p in problems} == {paths[1], paths[2]}
