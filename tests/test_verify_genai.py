"""verify's synthetic workload with [dashsmith] ai_metrics = otel-genai: the LLM calls as the
GenAI histograms OpenTelemetry's Prometheus exporter writes (names, labels, error types), so
the AI / LLM panels have data on the stack `dashsmith demo` runs and `dashsmith verify` finds
them showing it, against the real Prometheus."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from dashsmith.commands.verify.exporter import make_server
from dashsmith.commands.verify.stack import Stack
from dashsmith.commands.verify.workload import Workload
from dashsmith.compiler.project import Project
from support import Cli
from support.project import copy_project, set_settings
from support.prometheus import api

# The panels of the AI / LLM dashboard that read the LLM calls. Not Unpriced Tokens: the
# workload's models all have a price, so it is empty by design.
AI_PANELS = ("Completions Rate", "Token Usage", "Active Requests", "Cost $/hour",
             "Model Distribution", "Latency P95", "Error Rate", "Errors by Type",
             "Time to First Token P95")


@pytest.fixture(scope="module")
def genai_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("genai") / "project")
    set_settings(project, "dashsmith", ai_metrics="otel-genai")
    return project


def scrape(catalog) -> list[str]:
    server, _ = make_server(catalog, Workload())
    import threading
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        time.sleep(0.2)
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as response:
            return response.read().decode().splitlines()
    finally:
        server.shutdown()
        server.server_close()


def test_the_exporter_serves_the_genai_histograms_as_the_otel_exporter_writes_them(
        genai_project):
    lines = scrape(Project(str(genai_project)).estate.catalog)
    names = {line.split("{")[0].split(" ")[0] for line in lines if not line.startswith("#")}
    assert "ai_completions_total" not in names and "ai_latency_seconds_bucket" not in names
    for family in ("gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage",
                   "gen_ai_client_token_usage_token",
                   "gen_ai_client_operation_time_to_first_chunk_seconds"):
        assert {f"{family}_bucket", f"{family}_count", f"{family}_sum"} <= names, family
    assert "tradingagents_analyses_total" in names  # the application's own counters stay
    succeeded = next(line for line in lines if line.startswith(
        "gen_ai_client_operation_duration_seconds_count{") and 'error_type=""' in line
        and 'gen_ai_request_model="claude-haiku-4-5"' in line)
    for label in ('gen_ai_provider_name="anthropic"', 'gen_ai_operation_name="chat"',
                  'gen_ai_response_model="claude-haiku-4-5"'):
        assert label in succeeded
    failed = {line.split('error_type="')[1].split('"')[0] for line in lines
              if line.startswith("gen_ai_client_operation_duration_seconds_count{")}
    assert failed == {"", "InternalServerError", "OverloadedError", "APITimeoutError"}
    tokens = {line.split('gen_ai_token_type="')[1].split('"')[0] for line in lines
              if line.startswith("gen_ai_client_token_usage_sum{")}
    assert tokens == {"input", "output"}


def test_openlits_cost_is_served_where_the_catalog_declares_it(tmp_path):
    project = copy_project(tmp_path / "project")
    set_settings(project, "dashsmith", ai_metrics="otel-genai", ai_cost="openlit")
    names = {line.split("{")[0] for line in scrape(Project(str(project)).estate.catalog)}
    assert "gen_ai_usage_cost_USD_sum" in names


@pytest.mark.live
def test_verify_finds_every_ai_panel_showing_the_workload(genai_project):
    with Stack(Project(str(genai_project)), components=("exporter", "prometheus")) as stack:
        time.sleep(max(0.0, stack.started + 10 - time.monotonic()))  # data for the windows
        result = Cli(genai_project)("verify", "--prometheus", stack.prometheus_url, "--range",
                                    "1m", "--scrape-interval", "1s", "--format", "json")
        per_minute = api(stack.prometheus_url, "/api/v1/query", query=(
            'sum(rate(gen_ai_client_operation_duration_seconds_count{error_type=""}[5s])) * 60'))
    problems = [p for p in json.loads(result.stdout) if p["path"] == "dashboards/ai.py"
                and any(f"panel '{title}'" in p["message"] for title in AI_PANELS)]
    assert problems == [], "\n".join(p["message"] for p in problems)
    expected = sum(m.completions_per_minute for m in Workload().models)
    assert float(per_minute[0]["value"][1]) == pytest.approx(expected, rel=0.05)


@pytest.mark.live
def test_a_missing_genai_metric_names_the_instrumentation_that_emits_it(genai_project,
                                                                        tmp_path):
    """Against a Prometheus without the application: the Time to First Token panel's finding
    says which instrumentation records the time to first chunk."""
    from support.prometheus import running_prometheus

    config = ("global: {scrape_interval: 1s}\nscrape_configs:\n"
              "  - job_name: prometheus\n    static_configs: [{targets: ['{address}']}]\n")
    with running_prometheus(tmp_path, config) as url:
        result = Cli(genai_project)("verify", "--prometheus", url, "--range", "1m",
                                    "--scrape-interval", "1s", "--format", "json")
    [first_chunk] = [p["message"] for p in json.loads(result.stdout)
                     if p["rule"] == "promql/series"
                     and "panel 'Time to First Token P95'" in p["message"]]
    assert ("there is no series named gen_ai_client_operation_time_to_first_chunk_seconds_bucket "
            "(the catalog declares it as OpenTelemetry's GenAI instrumentation emits it: Time "
            "from the request to the first chunk of a streamed response (OpenLIT records it; "
            "OpenLLMetry 0.62 does not); is the application instrumented (`dashsmith instrument` "
            "writes instrument_llm_calls()) and scraped?)") in first_chunk
