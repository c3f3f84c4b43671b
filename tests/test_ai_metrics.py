"""[dashsmith] ai_metrics: the AI / LLM dashboard, the AI alerts and the LLM SLOs read the
application's ai_* counters (app, the default) or the OpenTelemetry GenAI metrics its
instrumentation emits (otel-genai), from the same declarations (metrics/ai_source.py)."""

from __future__ import annotations

import re

import pytest

from dashsmith.compiler.project import Project
from dashsmith.model.settings import SettingsError
from support.binaries import require_binary
from support.cli import Cli
from support.project import copy_project, set_settings


@pytest.fixture
def genai_project(tmp_path):
    root = copy_project(tmp_path / "project")
    set_settings(root, "dashsmith", ai_metrics="otel-genai")
    return root


def _queries(project: Project, uid: str) -> dict[str, list[str]]:
    """Each panel's queries, by title, in the built dashboard."""
    dashboard = next(d for d in project.build().dashboards if d.uid == uid)
    return {panel["title"]: [target["expr"] for target in panel.get("targets", [])]
            for panel in dashboard.json["panels"]}


def _rules(project: Project, name: str) -> dict[str, str]:
    """Each rule's expression in a built rule file, by alert or recorded name (the last one
    of a recorded name)."""
    groups = project.build().rule_files[name]["groups"]
    return {rule.get("alert") or rule["record"]: rule["expr"]
            for group in groups for rule in group["rules"]}


def test_by_default_the_dashboard_reads_the_applications_counters():
    queries = _queries(Project.find(), "ai-llm")
    assert queries["Completions Rate"] == [
        'sum by (provider, model) (rate(ai_completions_total{job=~"$job"}[$__rate_interval])) * 60']
    assert queries["Cost $/hour"] == [
        'sum by (provider) (rate(ai_cost_usd_total{job=~"$job"}[$__rate_interval])) * 3600']
    assert "Unpriced Tokens" not in queries


def test_genai_source_reads_what_the_instrumentation_emits(genai_project):
    project = Project(str(genai_project))
    catalog = project.estate.catalog
    assert "ai_completions_total" not in catalog.metrics
    duration = catalog.metrics["gen_ai_client_operation_duration_seconds"]
    assert {"gen_ai_provider_name", "gen_ai_system", "gen_ai_response_model", "error_type"} \
        <= duration.label_names
    assert duration.buckets[:3] == (0.01, 0.02, 0.04)  # the conventions' advisory buckets
    # OpenLLMetry's token histogram, unit `token`, arrives with the unit as a suffix.
    assert "gen_ai_client_token_usage_token" in catalog.metrics

    queries = _queries(project, "ai-llm")
    completions = queries["Completions Rate"][0]
    assert 'gen_ai_client_operation_duration_seconds_count{error_type="",job=~"$job"}' \
        in completions
    assert completions.startswith("sum by (provider, model) (")
    assert '"provider", "$1", "gen_ai_provider_name", "(.+)"' in completions
    tokens = queries["Token Usage"][0]
    assert "gen_ai_client_token_usage_sum" in tokens
    assert "gen_ai_client_token_usage_token_sum" in tokens
    assert "model_type:ai_price_usd_per_million_tokens:table" in queries["Cost $/hour"][0]
    assert "unless on (priced_as, type)" in queries["Unpriced Tokens"][0]
    assert "gen_ai_client_operation_time_to_first_chunk_seconds_bucket" \
        in queries["Time to First Token P95"][0]


def test_genai_alerts_keep_their_names_and_the_app_label_vocabulary(genai_project):
    rules = _rules(Project(str(genai_project)), "ai")
    assert rules["provider:ai_errors:rate5m"].startswith("sum by (job, provider) (")
    assert 'error_type!=""' in rules["provider:ai_errors:rate5m"]
    assert 'error_type=~"RateLimitError|OverloadedError"' in rules["AIRateLimited"]
    assert '"tier", "fast", "model", "claude-haiku-.*"' \
        in rules["provider_tier:ai_latency_seconds:p95_5m"]
    assert "absent(gen_ai_client_operation_duration_seconds_count)" in rules["AINoCompletions"]


def test_genai_source_lints_clean(genai_project):
    result = Cli(genai_project)("lint")
    assert result.exit_code == 0, result.output


def test_alert_unit_tests_pass_for_either_source(genai_project, shipped_test):
    require_binary("promtool")
    # The shipped project's source (app) is the session's shared run of it.
    for result in (shipped_test(), Cli(genai_project)("test")):
        assert result.exit_code == 0, result.output
        # A line per test file (docs/lint.md, `dashsmith test`): the AI and SLO files ran, and
        # every group of them passed on this source's rules.
        for name in ("ai", "slo"):
            assert re.search(rf"^alerts/tests/{name}\.test\.yml: ok \([1-9]\d* groups\)$",
                             result.output, re.MULTILINE), result.output


def test_a_source_dashsmith_does_not_know_stops_every_command(tmp_path):
    root = copy_project(tmp_path / "project")
    set_settings(root, "dashsmith", ai_metrics="openai")
    with pytest.raises(SettingsError, match="ai_metrics = 'openai': must be one of: app, "
                                            "otel-genai"):
        Project(str(root))


def test_utf8_names_are_written_quoted(tmp_path):
    root = copy_project(tmp_path / "project")
    set_settings(root, "dashsmith", ai_metrics="otel-genai", otel_metric_names="utf8")
    rules = _rules(Project(str(root)), "ai")
    assert '{"gen_ai.client.operation.duration_seconds_count","error.type"!=""}' \
        in rules["provider:ai_errors:rate5m"]
    assert '"provider", "$1", "gen_ai.provider.name", "(.+)"' \
        in rules["provider:ai_errors:rate5m"]
