"""`dashsmith instrument` with [dashsmith] ai_metrics = otel-genai: the module holds the
application's own metrics and instrument_llm_calls(), which sets up OpenTelemetry's GenAI
instrumentation of the anthropic SDK. Checked as an application uses it: the module imported in
a fresh Python, the instrumentation set up (OpenLLMetry, then OpenLIT), one call of the official
SDK to the Messages API emulator, and the module's own /metrics serving the GenAI histograms
with the conventions' buckets beside the application's metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from anthropic_emulator import AnthropicEmulator
from anthropic_emulator.workload import ANSWERED, HAIKU, REPLIES
from dashsmith.commands.verify.stack import free_port
from dashsmith.compiler.project import Project
from dashsmith.instrument.config import instrument_settings
from support.project import TESTS, set_settings

pytest.importorskip("anthropic")
pytest.importorskip("opentelemetry.exporter.prometheus")

# Imports the generated module, sets up the instrumentation, makes one call, prints /metrics.
APPLICATION = """\
import importlib.util, json, sys, urllib.request
spec = importlib.util.spec_from_file_location("prometheus_metrics", sys.argv[1])
metrics = importlib.util.module_from_spec(spec)
spec.loader.exec_module(metrics)
instrumentation, api, port, options = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
metrics.instrument_llm_calls(instrumentation, **json.loads(options))
metrics.start_metrics_server(port, "127.0.0.1")
import anthropic
from anthropic_emulator.server import REPLY_HEADER
client = anthropic.Anthropic(api_key="emulated", base_url=api, max_retries=0)
client.messages.create(model=sys.argv[6], max_tokens=64, extra_headers={REPLY_HEADER: "unpriced"},
                       messages=[{"role": "user", "content": "Summarise AAPL's quarter."}])
with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
    print(response.read().decode())
"""


@pytest.fixture
def genai_module(cli, project) -> str:
    set_settings(project, "dashsmith", ai_metrics="otel-genai")
    result = cli("instrument")
    assert result.exit_code == 0, result.output
    assert ("the LLM calls: OpenTelemetry's GenAI instrumentation, which the module's "
            "instrument_llm_calls() sets up") in result.output
    return instrument_settings(Project(str(project)).settings).output


def run_application(module: str, instrumentation: str, options: dict) -> list[str]:
    with AnthropicEmulator(REPLIES, ANSWERED) as emulator:
        ran = subprocess.run(
            [sys.executable, "-c", APPLICATION, module, instrumentation, emulator.url,
             str(free_port()), json.dumps(options), HAIKU],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": TESTS})
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.splitlines()


def test_the_module_sets_up_openllmetry_beside_the_applications_metrics(genai_module):
    pytest.importorskip("opentelemetry.instrumentation.anthropic")
    lines = run_application(genai_module, "openllmetry", {})
    duration = [line for line in lines
                if line.startswith("gen_ai_client_operation_duration_seconds_bucket{")]
    # the conventions' buckets, from the catalog, through the View
    assert {line.split('le="')[1].split('"')[0] for line in duration} >= {"0.01", "81.92"}
    assert any(f'gen_ai_response_model="{ANSWERED[HAIKU]}"' in line for line in duration)
    assert any(line.startswith("gen_ai_client_token_usage_token_sum{") for line in lines)
    assert any(line.startswith("tradingagents_active_analyses ") for line in lines)
    assert not any(line.startswith("ai_completions_total") for line in lines)


def test_the_module_sets_up_openlit(genai_module, tmp_path):
    pytest.importorskip("openlit")
    pricing = tmp_path / "pricing.json"
    pricing.write_text('{"chat": {}}')  # a file: OpenLIT fetches its list from the network else
    lines = run_application(genai_module, "openlit", {
        "disable_batch": True, "disable_events": True, "capture_message_content": False,
        "pricing_json": str(pricing)})
    assert any(line.startswith("gen_ai_client_operation_duration_seconds_count{")
               and f'gen_ai_request_model="{HAIKU}"' in line for line in lines)
    assert any(line.startswith("gen_ai_client_token_usage_sum{") for line in lines)
    assert any(line.startswith("tradingagents_active_analyses ") for line in lines)


def test_with_the_app_source_the_module_has_no_genai_setup(cli, project):
    assert cli("instrument").exit_code == 0
    with open(instrument_settings(Project(str(project)).settings).output) as handle:
        assert "instrument_llm_calls" not in handle.read()
