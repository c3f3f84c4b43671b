"""End to end with the real client: the official `anthropic` SDK calls the Messages API emulator
(tests/anthropic_emulator), instrumented once by OpenLLMetry's opentelemetry-instrumentation-
anthropic and once by OpenLIT, exported by opentelemetry-exporter-prometheus, scraped every
second by the real Prometheus, which evaluates the rules `dashsmith build` compiles with
[dashsmith] ai_metrics = otel-genai. Under a known workload (anthropic_emulator/workload.py)
every AI / LLM panel shows the known numbers within 5 %, and every AI alert's expression is
empty on normal load and true on its fault.

Each panel's query runs as Grafana would send it with a 60 s rate interval and range, at a time
whose 60 s window holds one whole phase of the workload: its rate × 60 is the phase's count.
The tested versions are the test extra's pins in pyproject.toml.

Time: everything is module-scoped (one build, one Prometheus and one workload process per
instrumentation, both instrumentations driven at once). The normal phase is read once its
window has closed: the window must hold the whole phase and nothing of the prime before it.
The faults are read as soon as their calls are scraped and the rules evaluated: the 60 s window
then ending holds every failed call of the faults and no other (the normal phase has none, the
prime's are more than a window earlier), and the alerts read 5-minute and longer windows.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import pytest
import yaml

from anthropic_emulator import AnthropicEmulator
from anthropic_emulator.workload import ANSWERED, HAIKU, PHASES, REPLIES, SONNET, UNPRICED
from dashsmith.commands.verify.stack import free_port
from support.cli import Cli
from support.project import TESTS, copy_project, set_settings
from support.prometheus import api, running_prometheus

pytest.importorskip("anthropic")
pytest.importorskip("opentelemetry.exporter.prometheus")
pytest.importorskip("opentelemetry.instrumentation.anthropic")
pytest.importorskip("openlit")

pytestmark = pytest.mark.live

INSTRUMENTATIONS = ("openllmetry", "openlit")
WINDOW = 60  # seconds: the panels' rate interval and range
TOLERANCE = 0.05
PRICES = {HAIKU: (1, 5), SONNET: (3, 15)}  # metrics/prices.py, USD per million: input, output
TIERS = {HAIKU: "fast", SONNET: "medium"}  # metrics/config.py AI_MODEL_TIERS

# The panels of the AI / LLM dashboard that read the AI metrics, by the phase whose window they
# are read over.
NORMAL_PANELS = ("Completions Rate", "Token Usage", "Active Requests", "Cost $/hour",
                 "Model Distribution", "Unpriced Tokens", "Latency P95", "Error Rate",
                 "Time to First Token P95")
FAULT_PANELS = ("Errors by Type", "Error Rate")
# The alerts each fault sets off, and those an instrumentation cannot: OpenLIT 1.45 records no
# metric for a call that raised (openlit/instrumentation/anthropic/anthropic.py calls
# `wrapped` outside its try, so an API error skips record_completion_metrics).
# Not here: AINoCompletions (it needs the application's tradingagents_analyses_total),
# LLMLatencyFastBurn (72 % of fast calls slow within the hour), and the trace store's alerts.
FAULT_ALERTS = {"AIErrorRatioHigh", "AIErrorRatioCritical", "AIRateLimited", "AILatencyP95High",
                "AICostOverHourlyBudget", "AICostDailyProjection", "LLMAvailabilityFastBurn",
                "LLMAvailabilitySlowBurn", "LLMLatencySlowBurn"}
NOT_EMITTED = {"openlit": {"AIErrorRatioHigh", "AIErrorRatioCritical", "AIRateLimited",
                           "LLMAvailabilityFastBurn", "LLMAvailabilitySlowBurn"}}
COST_ALERTS = {"AICostOverHourlyBudget", "AICostDailyProjection"}
# OpenLIT's price list for the workload (its pricing_json format: USD per thousand tokens, by
# the model asked for; openlit/__helpers.py get_chat_model_cost), at the table's prices; the
# unpriced model is missing, so OpenLIT counts it as $0. No cache prices: OpenLIT then bills
# Anthropic's input_tokens alone, as the token-priced spend of OpenLIT's tokens does.
OPENLIT_PRICING = {"chat": {model: {"promptPrice": inp / 1000, "completionPrice": out / 1000}
                            for model, (inp, out) in PRICES.items()}}


def _calls(phase: str, **where) -> list:
    return [calls for calls in PHASES[phase] for _ in range(calls.count)
            if all(getattr(calls, key) == value for key, value in where.items())]


def _succeeded(phase: str) -> list:
    return [calls for calls in _calls(phase) if REPLIES[calls.reply].status == 200]


def _input_tokens(reply, instrumentation: str) -> int:
    """Input tokens as the instrumentation counts them: OpenLLMetry adds the cache reads and
    writes (as the conventions' Anthropic page says), OpenLIT 1.45 reports Anthropic's
    input_tokens alone (openlit/instrumentation/anthropic/utils.py)."""
    cached = reply.cache_read_input_tokens + reply.cache_creation_input_tokens
    return reply.input_tokens + (cached if instrumentation == "openllmetry" else 0)


def expected_normal(instrumentation: str) -> dict[str, dict[tuple, float]]:
    """What each panel must show for the normal phase, by the labels of its series."""
    calls = _succeeded("normal")
    per_model: dict[str, int] = {}
    for c in calls:
        per_model[c.model] = per_model.get(c.model, 0) + 1
    tokens = {"input": 0, "output": 0}
    unpriced = {"input": 0, "output": 0}
    spend = 0.0
    for c in calls:
        reply = REPLIES[c.reply]
        used = {"input": _input_tokens(reply, instrumentation), "output": reply.output_tokens}
        for kind, count in used.items():
            tokens[kind] += count
            if c.model in PRICES:
                spend += count * PRICES[c.model][kind == "output"] / 1e6
            else:
                unpriced[kind] += count
    latency = {TIERS[c.model]: REPLIES[c.reply].latency for c in calls if c.model in TIERS}
    expected = {
        "Completions Rate": {("anthropic", ANSWERED[m]): n for m, n in per_model.items()},
        "Token Usage": {(kind,): n / WINDOW for kind, n in tokens.items()},
        # Seconds spent in calls per second: the mean number in flight.
        "Active Requests": {(): sum(REPLIES[c.reply].latency for c in calls) / WINDOW},
        "Cost $/hour": {("anthropic",): spend / WINDOW * 3600},
        "Model Distribution": {(ANSWERED[m],): n for m, n in per_model.items()},
        "Unpriced Tokens": {(ANSWERED[UNPRICED], kind): n / WINDOW
                            for kind, n in unpriced.items()},
        "Latency P95": {("anthropic", tier): seconds for tier, seconds in latency.items()},
        # No call of the normal phase fails.
        "Error Rate": {("anthropic",): 0.0},
        "Time to First Token P95": {("fast",): REPLIES["haiku-streamed"].first_token},
    }
    if instrumentation == "openllmetry":
        # OpenLLMetry 0.62 records no time to first chunk (opentelemetry/instrumentation/
        # anthropic/streaming.py records only the duration and the tokens of a stream).
        expected["Time to First Token P95"] = {}
    if instrumentation == "openlit":
        expected["Error Rate"] = {}  # no metric of failed calls (NOT_EMITTED)
    return expected


def expected_faults(instrumentation: str) -> dict[str, dict[tuple, float]]:
    failed = [c for c in _calls("faults") if REPLIES[c.reply].status != 200]
    by_type: dict[str, int] = {}
    for c in failed:
        error = {429: "RateLimitError", 529: "OverloadedError",
                 500: "InternalServerError"}[REPLIES[c.reply].status]
        by_type[error] = by_type.get(error, 0) + 1
    # The Error Rate panel reads the 5-minute ratio, which holds both phases.
    succeeded = len(_succeeded("normal")) + len(_succeeded("faults"))
    expected = {
        "Errors by Type": {(error,): n / WINDOW for error, n in by_type.items()},
        "Error Rate": {("anthropic",): len(failed) / (len(failed) + succeeded)},
    }
    if instrumentation == "openlit":
        expected = {"Errors by Type": {}, "Error Rate": {}}
    return expected


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    """Runs the workload under both instrumentations at once and reads every panel and every
    alert expression at the end of the normal phase's window and of the faults' window."""
    base = tmp_path_factory.mktemp("e2e-genai")
    project = copy_project(base / "project")
    set_settings(project, "dashsmith", ai_metrics="otel-genai")
    result = Cli(project)("build", "--out", str(base / "build"))
    assert result.exit_code == 0, result.output
    dashboard = json.loads((base / "build/dashboards/trading-platform-ai/ai-llm.json").read_text())
    alerts = [rule for name in ("ai", "slo")
              for group in yaml.safe_load((base / f"build/rules/{name}.yml").read_text())["groups"]
              for rule in group["rules"] if "alert" in rule]
    # [dashsmith] ai_cost = openlit: the same panels and alerts, the spend OpenLIT's own
    # gen_ai.usage.cost, read from OpenLIT's Prometheus beside the build above.
    cost_project = copy_project(base / "cost-project")
    set_settings(cost_project, "dashsmith", ai_metrics="otel-genai", ai_cost="openlit")
    result = Cli(cost_project)("build", "--out", str(base / "cost-build"))
    assert result.exit_code == 0, result.output
    cost_dashboard = json.loads(
        (base / "cost-build/dashboards/trading-platform-ai/ai-llm.json").read_text())
    cost_alerts = [rule for group in yaml.safe_load(
        (base / "cost-build/rules/ai.yml").read_text())["groups"] for rule in group["rules"]
        if rule.get("alert") in COST_ALERTS]
    pricing = base / "openlit-pricing.json"
    pricing.write_text(json.dumps(OPENLIT_PRICING))

    with AnthropicEmulator(REPLIES, ANSWERED) as emulator, contextlib.ExitStack() as stack:
        workloads, urls = {}, {}
        for name in INSTRUMENTATIONS:
            port = free_port()
            workloads[name] = _start_workload(name, emulator.url, port, pricing)
            stack.callback(_stop, workloads[name])
            # A Prometheus each: the alerts' expressions sum over every job.
            (base / name).mkdir()
            config = _prometheus_config(base / "build/rules", name, port)
            urls[name] = stack.enter_context(running_prometheus(base / name, config))
        _phase(workloads, "prime")
        time.sleep(4)  # the primed series scraped before the window opens
        openlit_cost = {"openlit": (cost_dashboard, ("Cost $/hour",), cost_alerts)}
        normal = _read_window(urls, workloads, "normal", dashboard, NORMAL_PANELS, alerts,
                              also=openlit_cost)
        faults = _read_window(urls, workloads, "faults", dashboard, FAULT_PANELS, alerts,
                              whole_window=False, also=openlit_cost)
    return {"normal": normal, "faults": faults}


def _start_workload(instrumentation: str, api_url: str, port: int, pricing) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": TESTS}
    process = subprocess.Popen(
        [sys.executable, "-m", "anthropic_emulator.workload", "--instrumentation",
         instrumentation, "--api", api_url, "--metrics-port", str(port),
         "--pricing-file", str(pricing)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout.readline().strip() == "ready", f"{instrumentation} did not start"
    return process


def _stop(process: subprocess.Popen) -> None:
    process.stdin.close()
    process.terminate()
    process.wait(timeout=10)


def _prometheus_config(rules, job: str, port: int) -> str:
    return (f"global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n"
            f"rule_files: ['{rules}/ai.yml', '{rules}/slo.yml']\n"
            f"scrape_configs:\n  - job_name: {job}\n"
            f"    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n")


def _phase(workloads: dict, phase: str) -> None:
    for process in workloads.values():
        process.stdin.write(phase + "\n")
        process.stdin.flush()
    for name, process in workloads.items():
        assert process.stdout.readline().strip() == f"done {phase}", f"{name} failed {phase}"


def _read_window(urls: dict, workloads: dict, phase: str, dashboard: dict, titles, alerts, *,
                 whole_window: bool = True, also: dict | None = None) -> dict:
    """Runs the phase, then reads the panels and alert expressions per instrumentation: at the
    end of a WINDOW-long window that opened 2 s before it, once that has closed (and a scrape
    and a rule evaluation later); or (not `whole_window`) 3 s after the phase (a scrape and a
    rule evaluation later), the WINDOW then ending still holding the whole phase."""
    opened = time.time() - 2
    _phase(workloads, phase)
    at = opened + WINDOW if whole_window else time.time() + 3
    assert at - opened <= WINDOW, f"the {phase} phase outlasted its {WINDOW} s window"
    time.sleep(max(0.0, at + (3 if whole_window else 1) - time.time()))
    read: dict[str, dict] = {}
    for name, url in urls.items():
        shown, firing = _read(url, name, dashboard, titles, alerts, at)
        read[name] = {"panels": shown, "firing": firing}
        if also and name in also:  # another build's panels and alerts on the same data
            shown, firing = _read(url, name, *also[name], at)
            read[name].update(also_panels=shown, also_firing=firing)
    return read


def _read(url: str, job: str, dashboard: dict, titles, alerts, at: float):
    panels = {panel["title"]: panel["targets"][0]["expr"] for panel in dashboard["panels"]
              if panel.get("targets")}
    shown = {title: _query(url, _as_grafana_sends(panels[title], job), at) for title in titles}
    firing = {rule["alert"] for rule in alerts if _query(url, rule["expr"], at)}
    return shown, firing


def _as_grafana_sends(expr: str, job: str) -> str:
    return (expr.replace("$__rate_interval", f"{WINDOW}s").replace("$__range", f"{WINDOW}s")
            .replace('"$job"', f'"{job}"'))


def _query(url: str, expr: str, at: float) -> list:
    return api(url, "/api/v1/query", query=expr, time=f"{at:.3f}")


def _by_labels(result: list, labels: tuple[str, ...]) -> dict[tuple, float]:
    return {tuple(series["metric"].get(label, "") for label in labels): float(series["value"][1])
            for series in result}


# The labels each panel's series are told apart by (its legend).
LEGENDS = {
    "Completions Rate": ("provider", "model"), "Token Usage": ("type",), "Active Requests": (),
    "Cost $/hour": ("provider",), "Model Distribution": ("model",),
    "Unpriced Tokens": ("model", "type"), "Latency P95": ("provider", "tier"),
    "Error Rate": ("provider",), "Time to First Token P95": ("tier",),
    "Errors by Type": ("error_type",),
}


def _compare(shown: list, expected: dict[tuple, float], labels: tuple[str, ...]) -> list[str]:
    got = _by_labels(shown, labels)
    if not expected:
        return [] if not got else [f"expected no data, got {got}"]
    wrong = []
    for key, value in expected.items():
        if key not in got:
            wrong.append(f"{key}: no series (got {got})")
        elif abs(got[key] - value) > TOLERANCE * abs(value) + 1e-9:
            wrong.append(f"{key}: shows {got[key]:.4g}, known {value:.4g}")
        else:  # shown with -rP, for the record
            print(f"  {key}: shows {got[key]:.4g}, known {value:.4g}")
    return wrong


@pytest.mark.parametrize("instrumentation", INSTRUMENTATIONS)
def test_every_ai_panel_shows_the_known_workload(observed, instrumentation):
    problems = []
    for phase, expected in (("normal", expected_normal(instrumentation)),
                            ("faults", expected_faults(instrumentation))):
        shown = observed[phase][instrumentation]["panels"]
        for title, values in expected.items():
            print(f"{phase} {title}")
            problems += [f"{phase} {title} {line}"
                         for line in _compare(shown[title], values, LEGENDS[title])]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("instrumentation", INSTRUMENTATIONS)
def test_ai_alerts_are_silent_on_normal_load(observed, instrumentation):
    assert observed["normal"][instrumentation]["firing"] == set()


@pytest.mark.parametrize("instrumentation", INSTRUMENTATIONS)
def test_ai_alerts_fire_on_their_faults(observed, instrumentation):
    expected = FAULT_ALERTS - NOT_EMITTED.get(instrumentation, set())
    assert observed["faults"][instrumentation]["firing"] == expected


def test_with_ai_cost_openlit_the_spend_is_openlits_own_cost(observed):
    """[dashsmith] ai_cost = openlit: Cost $/hour and the cost alerts read OpenLIT's
    gen_ai.usage.cost (gen_ai_usage_cost_USD_sum), priced from its list at the same prices."""
    normal, faults = observed["normal"]["openlit"], observed["faults"]["openlit"]
    expected = expected_normal("openlit")["Cost $/hour"]
    print("normal Cost $/hour (OpenLIT's cost)")
    assert not _compare(normal["also_panels"]["Cost $/hour"], expected, LEGENDS["Cost $/hour"])
    assert normal["also_firing"] == set()
    assert faults["also_firing"] == COST_ALERTS
