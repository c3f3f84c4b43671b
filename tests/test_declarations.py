"""The shipped monitoring: what every dashboard, panel, alert and metric must have."""

from __future__ import annotations

import os
import re

import pytest

from dashsmith.compiler.project import Project
from dashsmith.compiler.render import expression
from dashsmith.model import catalog as catalog_module
from support import REPO

PROJECT = Project(REPO)
ESTATE = PROJECT.estate
BUILD = PROJECT.build()
DASHBOARDS = {d.uid: d for d in BUILD.dashboards}
DATA_PANEL_TYPES = {"timeseries", "stat", "gauge", "bargauge", "piechart", "table"}
# Generated from alerts/slo.py: they read the SLOs' recorded series, which carry slo and
# service labels and no job or instance, so the variable conventions below are not theirs.
SLO_DASHBOARDS = {s.dashboard_uid for s in ESTATE.slos}


def data_panels(dashboard):
    return [p for p in dashboard.json["panels"] if p["type"] in DATA_PANEL_TYPES]


def targets():
    for dashboard in BUILD.dashboards:
        for panel in data_panels(dashboard):
            for target in panel["targets"]:
                yield dashboard, panel, target


def test_the_planned_dashboards_exist():
    titles = {d.title for d in BUILD.dashboards}
    assert titles == {"AI / LLM", "System Overview", "Application", "Agent Performance",
                      "Database", "Business", "SLO: LLM availability",
                      "SLO: LLM fast-tier latency"}


def test_the_six_ai_panels_and_active_requests():
    panels = {p["title"]: p for p in DASHBOARDS["ai-llm"].json["panels"]}
    expected = {"Completions Rate": "reqpm", "Token Usage": "suffix: tok/s",
                "Cost $/hour": "currencyUSD", "Latency P95": "s", "Error Rate": "percentunit"}
    for title, unit in expected.items():
        assert panels[title]["fieldConfig"]["defaults"]["unit"] == unit
    assert panels["Model Distribution"]["type"] == "piechart"
    assert "ai_active_requests" in panels["Active Requests"]["targets"][0]["expr"]
    assert "* 60" in panels["Completions Rate"]["targets"][0]["expr"]
    assert "* 3600" in panels["Cost $/hour"]["targets"][0]["expr"]


@pytest.mark.parametrize("uid", sorted(DASHBOARDS))
def test_every_dashboard_has_uid_tags_folder_rows_and_a_datasource_variable(uid):
    dashboard = DASHBOARDS[uid]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid)
    assert dashboard.json["tags"]
    assert dashboard.folder
    assert any(p["type"] == "row" for p in dashboard.json["panels"])
    variables = {v["name"]: v for v in dashboard.json["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    assert {"instance", "job"} & variables.keys() or uid in SLO_DASHBOARDS


@pytest.mark.parametrize("uid", sorted(DASHBOARDS))
def test_every_panel_has_title_description_unit_and_legend(uid):
    for panel in data_panels(DASHBOARDS[uid]):
        assert panel["title"]
        assert panel["description"], panel["title"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        unit = panel["fieldConfig"]["defaults"].get("unit") or panel.get("format")
        assert unit, panel["title"]
        for target in panel["targets"]:
            assert target["legendFormat"] not in ("", "__auto"), panel["title"]
            assert target["datasource"]["uid"] == "${datasource}"


def test_range_selectors_use_the_rate_interval_or_the_range():
    for dashboard, panel, target in targets():
        for window in re.findall(r"\[([^\]]+)\]", target["expr"]):
            allowed = {"$__range"} if target["instant"] else {"$__rate_interval"}
            if dashboard.uid == "tradingagents-business" and panel["title"] == "Analyses per Day":
                allowed = {"1d"}  # one bar a day, by design
            assert window in allowed, f"{dashboard.uid} / {panel['title']}: [{window}]"


def test_queries_filter_by_the_dashboards_own_variables():
    for dashboard, panel, target in targets():
        if dashboard.uid in SLO_DASHBOARDS:
            continue
        variables = {v["name"] for v in dashboard.json["templating"]["list"]} - {"datasource"}
        used = set(re.findall(r"\$(\w+)", target["expr"])) - {"__rate_interval", "__range"}
        assert used <= variables, f"{panel['title']} uses undeclared {used - variables}"
        assert used, f"{dashboard.uid} / {panel['title']} ignores the dashboard's variables"


def test_sources_point_at_the_declaring_lines():
    ai = DASHBOARDS["ai-llm"]
    with open(os.path.join(REPO, "dashboards/ai.py")) as handle:
        module_lines = handle.read().splitlines()
    for panel in data_panels(ai):
        source = ai.panel_sources[panel["id"]]
        assert source.file.endswith("dashboards/ai.py")
        declared = module_lines[source.line - 1] + module_lines[source.line]
        assert panel["title"] in declared, (panel["title"], source)
        assert ai.target_sources[(panel["id"], "A")].line == source.line
    assert ai.source.line == next(number for number, line in enumerate(module_lines, 1)
                                if "Dashboard(" in line)


def test_multi_query_panels_point_each_target_at_its_own_line():
    system = DASHBOARDS["system-overview"]
    panel = next(p for p in system.json["panels"] if p["title"] == "Disk Throughput")
    lines = {system.target_sources[(panel["id"], ref)].line for ref in ("A", "B")}
    assert len(lines) == 2


ALERTS = {a.name: a for a in ESTATE.alerts()}
with open(os.path.join(REPO, "docs/runbook.md")) as _runbook:
    RUNBOOK = _runbook.read()
RUNBOOK_ANCHORS = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
                   for h in re.findall(r"^#+ (.+)$", RUNBOOK, re.M)}


def test_the_planned_alerts_exist_and_are_corrected():
    for name in ("HighErrorRate", "SlowAnalysis", "HighLLMCost", "AIErrorRatioHigh",
                 "AIRateLimited", "AILatencyP95High", "AICostOverHourlyBudget", "AINoCompletions",
                 "AppTargetDown", "PostgresqlDown", "NodeFilesystemAlmostOutOfSpace"):
        assert name in ALERTS
    assert "_bucket" in judged(ALERTS["SlowAnalysis"])
    assert "tradingagents_llm_cost_usd_total" in ALERTS["HighLLMCost"].expr
    assert "increase(" in ALERTS["HighLLMCost"].expr
    assert "/ sum by (job) (rate(tradingagents_analyses_total[5m]))" in \
        judged(ALERTS["HighErrorRate"])


def judged(alert) -> str:
    """The alert's expression and those of the recorded series it reads, on one line each."""
    texts = [alert.expr] + [r.expr for r in ESTATE.records() if r.record in alert.expr]
    return "\n".join(" ".join(expression(text).split()) for text in texts)


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_every_alert_has_for_severity_annotations_and_a_runbook_section(name):
    alert = ALERTS[name]
    assert re.fullmatch(r"(?:[A-Z][a-z0-9]*|[A-Z0-9]+(?=[A-Z]|$))+", name), name
    assert alert.for_
    assert alert.severity in {"critical", "warning", "info"}
    assert alert.summary and alert.summary.endswith(".")
    assert "{{" in alert.description
    assert alert.runbook_anchor in RUNBOOK_ANCHORS, \
        f"no '## ...' section for #{alert.runbook_anchor}"


def test_runbook_urls_point_into_the_runbook_document():
    for rule_file in BUILD.rule_files.values():
        for group in rule_file["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    url = rule["annotations"]["runbook_url"]
                    assert url.startswith(PROJECT.settings.runbook_url + "#")


def test_recording_rules_carry_the_shared_subexpressions():
    records = {r.record for r in ESTATE.records()}
    assert "provider:ai_error_ratio:rate5m" in records
    users = [a for a in ESTATE.alerts() if "provider:ai_error_ratio:rate5m" in a.expr]
    assert len(users) >= 2


# A panel that draws an alert's threshold reads the series the alert judges, so that its line
# and the alert agree: (dashboard, panel) → the recorded series both read.
THRESHOLD_PANELS = {
    ("ai-llm", "Error Rate"): "provider:ai_error_ratio:rate5m",
    ("tradingagents-application", "Error Rate"): "job:tradingagents_analysis_error_ratio:rate5m",
    ("tradingagents-application", "Analysis Duration"):
        "job:tradingagents_analysis_duration_seconds:p95_10m",
    ("system-overview", "CPU Busy"): "instance:node_cpu_utilisation:rate2m",
    ("system-overview", "Load per Core"): "instance:node_load1_per_cpu:ratio",
    ("system-overview", "Memory Used"): "instance:node_memory_utilisation:ratio",
    ("postgresql", "Connections vs Max"): "instance:pg_connection_utilisation:ratio",
    ("postgresql", "Cache Hit Ratio"): "instance_datname:pg_cache_hit_ratio:rate5m",
}


@pytest.mark.parametrize("uid, title", sorted(THRESHOLD_PANELS))
def test_a_panel_drawing_an_alerts_threshold_reads_the_alerts_recorded_series(uid, title):
    record = THRESHOLD_PANELS[(uid, title)]
    assert record in {r.record for r in ESTATE.records()}
    assert any(record in alert.expr for alert in ESTATE.alerts())
    panel = next(p for p in DASHBOARDS[uid].json["panels"] if p["title"] == title)
    assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"][1:], title
    assert any(record in target["expr"] for target in panel["targets"]), title


CATALOG = ESTATE.catalog


def test_catalog_covers_what_the_panels_need():
    for name in ("ai_completions_total", "ai_errors_total", "ai_tokens_total", "ai_cost_usd_total",
                 "ai_latency_seconds", "ai_time_to_first_token_seconds", "ai_active_requests",
                 "tradingagents_llm_cost_usd_total", "tradingagents_llm_tokens_total",
                 "tradingagents_analysis_queue_length", "node_cpu_seconds_total", "pg_up"):
        assert name in CATALOG.metrics
    cost = CATALOG.metrics["tradingagents_llm_cost_usd_total"]
    assert cost.type is catalog_module.MetricType.COUNTER
    assert "tradingagents_llm_cost_usd" not in CATALOG.metrics
    assert CATALOG.metrics["ai_latency_seconds"].label("tier").values == ("fast", "medium")
    analyses = CATALOG.metrics["tradingagents_analyses_total"]
    assert analyses.label("status").values == ("success", "error")
    assert max(CATALOG.metrics["ai_latency_seconds"].buckets) >= 120
    assert max(CATALOG.metrics["tradingagents_analysis_duration_seconds"].buckets) > 300


def test_the_agent_label_has_one_name():
    for metric in CATALOG:
        assert "agent" not in {label.name for label in metric.labels}, metric.name
    for _, _, target in targets():
        assert not re.search(r"\bagent\b(?!_)", target["expr"]), target["expr"]


def test_every_metric_says_type_unit_help_and_exporter():
    for metric in CATALOG:
        assert metric.help and metric.exporter and metric.source, metric.name
        if metric.type is catalog_module.MetricType.COUNTER:
            assert metric.name.endswith("_total") or metric.exporter == "postgres", metric.name
