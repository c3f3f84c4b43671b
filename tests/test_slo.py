"""SLOs: one declaration → recording rules for every window, page and ticket burn-rate alerts,
error-budget rules and a dashboard; proven by promtool and refused when it cannot be right."""

from __future__ import annotations

import json
import os
import re

import pytest
import yaml

from dashsmith.compiler.project import Project
from dashsmith.slo import SLO, Events, rule_group
from dashsmith.slo.declaration import number
from dashsmith.slo.rules import PAGE, TICKET
from support import REPO, edit, require_binary


@pytest.fixture(scope="module")
def estate():
    return Project(REPO).estate


@pytest.fixture
def built(cli, project):
    result = cli("build")
    assert result.exit_code == 0, result.output
    return project / "build"


def _rules(built) -> dict:
    return yaml.safe_load((built / "rules/slo.yml").read_text())


def test_each_slo_is_one_rule_group_with_every_window_and_two_alerts(built):
    groups = {g["name"]: g["rules"] for g in _rules(built)["groups"]}
    assert sorted(groups) == ["slo-llm-availability", "slo-llm-latency"]
    for name, rules in groups.items():
        records = [r["record"] for r in rules if "record" in r]
        assert records == [
            "slo:sli_error_events:rate5m", "slo:sli_events:rate5m",
            *[f"slo:sli_error:ratio_rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d",
                                                       "30d")],
            "slo:objective:ratio", "slo:error_budget:ratio",
            "slo:period_error_budget_remaining:ratio",
        ]
        assert all(r["labels"]["slo"] == name.removeprefix("slo-") for r in rules if "record" in r)
        alerts = [r for r in rules if "alert" in r]
        stem = {"slo-llm-availability": "LLMAvailability", "slo-llm-latency": "LLMLatency"}[name]
        assert [(a["alert"], a["labels"]["severity"], a["for"]) for a in alerts] == \
            [(f"{stem}FastBurn", "critical", "2m"), (f"{stem}SlowBurn", "info", "15m")]


def test_burn_factors_follow_the_30_day_windows(built):
    rules = {g["name"]: g["rules"] for g in _rules(built)["groups"]}["slo-llm-availability"]
    page, ticket = [r["expr"] for r in rules if "alert" in r]
    assert re.findall(r"ratio_rate(\w+)\{[^}]*\} / 0.005 > ([\d.]+)", page) == \
        [("1h", "14.4"), ("5m", "14.4"), ("6h", "6"), ("30m", "6")]
    assert re.findall(r"ratio_rate(\w+)\{[^}]*\} / 0.005 > ([\d.]+)", ticket) == \
        [("1d", "3"), ("2h", "3"), ("3d", "1"), ("6h", "1")]


def test_factors_scale_with_the_period():
    slo = SLO("x", "s", 99.9, Events(total="t[{{.window}}]", errors="e[{{.window}}]"), "X",
              period="28d")
    assert [number(w.factor(slo)) for w in PAGE + TICKET] == ["13.44", "5.6", "2.8", "0.933333"]
    assert "> 13.44" in rule_group(slo).rules[-2].expr


def test_latency_counts_the_bucket_at_the_threshold_in_both_spellings(built):
    rules = {g["name"]: g["rules"] for g in _rules(built)["groups"]}["slo-llm-latency"]
    errors = rules[0]["expr"]
    assert errors == ('sum(rate(ai_latency_seconds_count{tier="fast"}[5m])) - '
                      'sum(rate(ai_latency_seconds_bucket{tier="fast",le=~"5|5\\\\.0"}[5m]))')


def test_promtool_proves_fast_burn_pages_and_slow_burn_tickets(shipped_test):
    """alerts/tests/slo.test.yml against the compiled rules: promtool, run by `dashsmith test`
    (the session's one run of it on the project as shipped), passes every group of it."""
    require_binary("promtool")
    result = shipped_test()
    assert result.exit_code == 0, result.output
    with open(os.path.join(REPO, "alerts/tests/slo.test.yml"), encoding="utf-8") as handle:
        groups = len(yaml.safe_load(handle)["tests"])
    assert f"alerts/tests/slo.test.yml: ok ({groups} groups)" in result.output.splitlines()


def test_the_slo_dashboard_charts_budget_burn_and_sli_from_recorded_series(built):
    path = built / "dashboards/trading-platform-slos/slo-llm-availability.json"
    dashboard = json.loads(path.read_text())
    assert dashboard["title"] == "SLO: LLM availability"
    titles = [p["title"] for p in dashboard["panels"]]
    for title in ("Error budget remaining", "Burn rate by window", "SLI", "SLI over 30d"):
        assert title in titles
    recorded = {r["record"] for g in _rules(built)["groups"] for r in g["rules"] if "record" in r}
    read = {name for p in dashboard["panels"] for t in p.get("targets", [])
            for name in re.findall(r"slo:[a-z_:0-9]+", t["expr"])}
    assert read and read <= recorded
    burn = next(p for p in dashboard["panels"] if p["title"] == "Burn rate by window")
    steps = [s["value"] for s in burn["fieldConfig"]["defaults"]["thresholds"]["steps"]]
    assert steps == [None, 1.0, 6.0, 14.4]


def test_generated_rules_and_panels_point_at_the_slo_declaration(estate):
    slo = next(s for s in estate.slos if s.name == "llm-latency")
    assert os.path.basename(slo.source.file) == "slo.py"
    [group] = [g for g in estate.groups() if g.name == "slo-llm-latency"]
    assert {r.source for r in group.rules} == {slo.source}
    [dashboard] = [d for d in estate.dashboards if d.uid == "slo-llm-latency"]
    assert {p.source for p in dashboard.panels()} == {slo.source}
    assert {q.source for p in dashboard.panels() for q in p.queries} == {slo.source}


def _edit_slo(project, old: str, new: str) -> int:
    text = edit(project / "alerts" / "slo.py", old, new)
    declaration = text[: text.index(old)].rindex("= SLO(")
    return text[:declaration].count("\n") + 1


@pytest.mark.parametrize("old, new, message", [
    ("below=5)", "below=6)", "error slo/bucket 6 s is not a bucket boundary of ai_latency_seconds "
                             "(buckets: 0.25, 0.5, 1, 2, 3, 5, 7.5, 10"),
    ("objective=99.5,", "objective=100,", "error slo/objective objective 100 is not a percentage"),
    ('errors=f"sum({AI.errors(window=WINDOW)}) or vector(0)"',
     'errors=f"sum({AI.errors(window=\'5m\')}) or vector(0)"', "error slo/sli SLI expression"),
    ('period="30d",\n    # A', 'period="2d",\n    # A',
     "error slo/period period 2d must be longer"),
])
def test_an_slo_that_cannot_be_right_stops_the_build(cli, project, old, new, message):
    line = _edit_slo(project, old, new)
    result = cli.subprocess("build")
    assert result.returncode == 2
    assert f"alerts/slo.py:{line}:1: {message}" in result.stderr
    assert not (project / "build").exists()
