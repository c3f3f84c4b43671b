"""`dashsmith bridge` against the Langfuse and LangSmith emulators (tests/langfuse_emulator,
tests/langsmith_emulator; LangSmith's driven through the official langsmith SDK, as the bridge
does): what /metrics shows is what the store holds, a restart shows the same totals, a store
that is down, slow, failing or rate limiting sets llm_bridge_up to 0 and costs nothing, and no
key ever reaches the output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.credentials import CredentialError, Secret, secret
from dashsmith.bridge.exporter import Bridge
from dashsmith.bridge.families import ALL, Kind
from dashsmith.bridge.langfuse import Langfuse
from dashsmith.bridge.langsmith import LangSmith
from dashsmith.commands.verify.stack import free_port
from dashsmith.compiler.project import Project
from dashsmith.model.catalog import MetricType
from langfuse_emulator import LangfuseEmulator
from langsmith_emulator import LangSmithEmulator
from support import REPO

NOON = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
DELAY = 60  # seconds


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- the two stores, filled with the same day ------------------------------------------------

def fill(emulator, store: str, start: datetime) -> None:
    """Three traces (one failing), two models, three scores: the numbers the tests expect."""
    if store == "langfuse":
        emulator.add_trace("analyze", start, 2.0,
                           generations=(("claude-haiku-4-5", 1200, 300, 0.001, 1.5),))
        emulator.add_trace("analyze", start + timedelta(minutes=1), 4.0, level="ERROR",
                           generations=(("claude-sonnet-4-5", 3000, 800, 0.006, 3.0),))
        emulator.add_trace("summarize", start + timedelta(minutes=2), 1.0,
                           generations=(("claude-haiku-4-5", 1200, 300, 0.001, 0.5),))
        emulator.add_score("correctness", 0.9, start + timedelta(minutes=3))
        emulator.add_score("correctness", 0.5, start + timedelta(minutes=3))
        emulator.add_score("helpful", 1, start + timedelta(minutes=4), data_type="BOOLEAN")
        emulator.add_score("tone", 0, start + timedelta(minutes=4), data_type="CATEGORICAL")
    else:
        first = emulator.add_trace("analyze", start, 2.0,
                                   generations=(("claude-haiku-4-5", 1200, 300, 0.001, 1.5),))
        emulator.add_trace("analyze", start + timedelta(minutes=1), 4.0, error=True,
                           generations=(("claude-sonnet-4-5", 3000, 800, 0.006, 3.0),))
        emulator.add_trace("summarize", start + timedelta(minutes=2), 1.0,
                           generations=(("claude-haiku-4-5", 1200, 300, 0.001, 0.5),))
        emulator.add_feedback(first, "correctness", 0.9, start + timedelta(minutes=3))
        emulator.add_feedback(first, "correctness", 0.5, start + timedelta(minutes=3))
        emulator.add_feedback(first, "helpful", True, start + timedelta(minutes=4))
        emulator.add_feedback(first, "tone", None, start + timedelta(minutes=4), value="dry")


def expected(store: str) -> dict:
    """What fill() puts in, as the bridge must show it."""
    def s(*labels):
        return (store, *labels)
    return {
        ("llm_traces_total", s("analyze")): 2, ("llm_traces_total", s("summarize")): 1,
        ("llm_trace_errors_total", s("analyze")): 1,
        ("llm_trace_errors_total", s("summarize")): 0,
        ("llm_trace_cost_usd_total", s("analyze")): 0.007,
        ("llm_trace_cost_usd_total", s("summarize")): 0.001,
        ("llm_trace_duration_seconds_total", s("analyze")): 6.0,
        ("llm_trace_duration_seconds_total", s("summarize")): 1.0,
        ("llm_generations_total", s("claude-haiku-4-5")): 2,
        ("llm_generations_total", s("claude-sonnet-4-5")): 1,
        ("llm_generation_tokens_total", s("claude-haiku-4-5", "input")): 2400,
        ("llm_generation_tokens_total", s("claude-haiku-4-5", "output")): 600,
        ("llm_generation_tokens_total", s("claude-sonnet-4-5", "input")): 3000,
        ("llm_generation_tokens_total", s("claude-sonnet-4-5", "output")): 800,
        ("llm_generation_cost_usd_total", s("claude-haiku-4-5")): 0.002,
        ("llm_generation_cost_usd_total", s("claude-sonnet-4-5")): 0.006,
        ("llm_generation_duration_seconds_total", s("claude-haiku-4-5")): 2.0,
        ("llm_generation_duration_seconds_total", s("claude-sonnet-4-5")): 3.0,
        ("llm_score_count", s("correctness")): 2, ("llm_score_sum", s("correctness")): 1.4,
        ("llm_score_count", s("helpful")): 1, ("llm_score_sum", s("helpful")): 1,
    }


@pytest.fixture(params=["langfuse", "langsmith"])
def store(request):
    emulator = LangfuseEmulator() if request.param == "langfuse" else LangSmithEmulator()
    with emulator:
        yield request.param, emulator


def client(store: str, emulator, *, key: str | None = None, timeout: float = 5.0,
           per_hour: int = 1000):
    budget = RequestBudget(per_hour)
    if store == "langfuse":
        return Langfuse(emulator.url, Secret(emulator.public_key, "test"),
                        Secret(key or emulator.secret_key, "test"), budget, timeout=timeout)
    return LangSmith(emulator.url, Secret(key or emulator.api_key, "test"),
                     "trading-platform-prod", budget, timeout=timeout)


def bridge(store: str, emulator, clock: Clock, **options) -> Bridge:
    return Bridge(client(store, emulator, **options), interval=1, delay=DELAY, clock=clock)


def scrape(exporter: Bridge) -> dict:
    """/metrics as Prometheus reads it: {(sample, label values without `reason`...): value}."""
    port = exporter.serve("127.0.0.1", 0)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = s.labels
            key = (labels.pop("store"), *labels.values())
            found[(s.name, key)] = s.value
    return found


def counted(found: dict) -> dict:
    return {k: v for k, v in found.items() if not k[0].startswith("llm_bridge_")}


def same(found: dict, want: dict) -> bool:
    return found.keys() == want.keys() and all(abs(found[k] - v) < 1e-9 for k, v in want.items())


# --- what the store holds is what /metrics shows ---------------------------------------------

def test_metrics_equal_what_the_store_holds(store):
    name, emulator = store
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, Clock(NOON))
    assert exporter.poll() == 1
    found = scrape(exporter)
    assert same(counted(found), expected(name)), counted(found)
    assert found[("llm_bridge_up", (name,))] == 1
    assert found[("llm_bridge_counted_until_timestamp_seconds", (name,))] == \
        (NOON - timedelta(seconds=DELAY)).timestamp()


def test_the_catalog_declares_what_the_bridge_exports():
    catalog = {m.name: m for m in Project(REPO).estate.catalog if m.exporter == "llm-bridge"}
    types = {Kind.COUNTER: MetricType.COUNTER, Kind.GAUGE: MetricType.GAUGE,
             Kind.SUMMARY: MetricType.SUMMARY}
    exported = {f.name: (types[f.kind], f.labels) for f in ALL}
    declared = {name: (m.type, tuple(label.name for label in m.labels))
                for name, m in catalog.items()}
    assert declared == exported


# --- incremental and idempotent --------------------------------------------------------------

def test_each_poll_asks_only_for_what_is_new_and_adds_it(store):
    name, emulator = store
    clock = Clock(NOON)
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, clock)
    exporter.poll()
    fill(emulator, name, NOON + timedelta(minutes=1))
    clock.now = NOON + timedelta(minutes=10)
    exporter.poll()
    windows = _windows(emulator, name)
    assert windows[-1][0] == NOON - timedelta(seconds=DELAY)  # from where the first one ended
    doubled = {k: 2 * v for k, v in expected(name).items()}
    assert same(counted(scrape(exporter)), doubled)


def test_a_restarted_bridge_shows_the_same_totals_and_nothing_before_its_first_poll(store):
    name, emulator = store
    clock = Clock(NOON)
    fill(emulator, name, NOON - timedelta(hours=2))
    before = bridge(name, emulator, clock)
    before.poll()
    clock.now = NOON + timedelta(minutes=5)
    before.poll()
    shown_before = counted(scrape(before))

    restarted = bridge(name, emulator, clock)
    # Not 0: Prometheus would read a drop to 0 as a reset and count the whole day again.
    assert counted(scrape(restarted)) == {}
    restarted.poll()
    assert same(counted(scrape(restarted)), shown_before)


def test_a_trace_name_new_today_shows_0_for_one_poll_then_its_total(store):
    name, emulator = store
    clock = Clock(NOON)
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, clock)
    exporter.poll()
    new = NOON + timedelta(minutes=1)
    emulator.add_trace("rebalance", new, 3.0)
    clock.now = NOON + timedelta(minutes=5)
    exporter.poll()
    assert scrape(exporter)[("llm_traces_total", (name, "rebalance"))] == 0
    clock.now = NOON + timedelta(minutes=6)
    exporter.poll()
    assert scrape(exporter)[("llm_traces_total", (name, "rebalance"))] == 1


def test_the_totals_start_again_at_midnight_utc(store):
    name, emulator = store
    clock = Clock(NOON)
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, clock)
    exporter.poll()
    tomorrow = NOON + timedelta(hours=12)
    fill(emulator, name, tomorrow + timedelta(minutes=1))
    clock.now = tomorrow + timedelta(minutes=30)
    exporter.poll()  # the rest of today, to midnight
    assert same(counted(scrape(exporter)), expected(name))
    exporter.poll()  # tomorrow so far: new series show 0 first, all of them
    assert all(v == 0 for v in counted(scrape(exporter)).values())
    clock.now += timedelta(minutes=1)
    exporter.poll()
    assert same(counted(scrape(exporter)), expected(name))


# --- a store that is down, failing, slow or refusing -----------------------------------------

def test_a_store_down_sets_up_to_0_keeps_the_totals_and_recovers(store):
    name, emulator = store
    clock = Clock(NOON)
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, clock)
    exporter.poll()
    emulator.down()
    fill(emulator, name, NOON + timedelta(minutes=1))
    clock.now = NOON + timedelta(minutes=10)
    assert exporter.poll() == 1  # the first retry: after one interval
    assert exporter.poll() == 2  # then doubling
    found = scrape(exporter)
    assert found[("llm_bridge_up", (name,))] == 0
    assert found[("llm_bridge_poll_errors_total", (name, "unreachable"))] == 2
    assert same(counted(found), expected(name))

    emulator.restart()
    assert exporter.poll() == 1
    found = scrape(exporter)
    assert found[("llm_bridge_up", (name,))] == 1
    assert same(counted(found), {k: 2 * v for k, v in expected(name).items()})


@pytest.mark.parametrize("status, reason", [(500, "server_error"), (503, "server_error")])
def test_a_server_error_is_counted_and_the_window_asked_again(store, status, reason):
    name, emulator = store
    fill(emulator, name, NOON - timedelta(hours=2))
    exporter = bridge(name, emulator, Clock(NOON))
    emulator.fail(status)
    exporter.poll()
    found = scrape(exporter)
    assert found[("llm_bridge_up", (name,))] == 0
    assert found[("llm_bridge_poll_errors_total", (name, reason))] == 1
    assert counted(found) == {}
    exporter.poll()
    assert same(counted(scrape(exporter)), expected(name))


def test_a_slow_store_times_out(store):
    name, emulator = store
    exporter = Bridge(client(name, emulator, timeout=0.2), interval=1, delay=DELAY,
                      clock=Clock(NOON))
    emulator.slow(1.0)
    exporter.poll()
    assert exporter.up == 0 and exporter.errors["timeout"] == 1


def test_refused_keys_are_unauthorized(store):
    name, emulator = store
    exporter = Bridge(client(name, emulator, key="wrong-key"), interval=1, delay=DELAY,
                      clock=Clock(NOON))
    exporter.poll()
    assert exporter.up == 0 and exporter.errors["unauthorized"] == 1


def test_langfuse_rate_limiting_waits_as_long_as_it_asks():
    with LangfuseEmulator() as emulator:
        emulator.rate_limit(0)
        exporter = bridge("langfuse", emulator, Clock(NOON))
        wait = exporter.poll()
        assert exporter.errors["rate_limited"] == 1 and wait >= 1


def test_the_request_budget_caps_requests_an_hour():
    now = [0.0]
    budget = RequestBudget(3, clock=lambda: now[0])
    for _ in range(3):
        budget.acquire()
    assert budget.wait_time() == 3600
    now[0] = 3600.0
    assert budget.wait_time() == 0


def test_langfuse_windows_never_share_a_record():
    """fromTimestamp and toTimestamp are inclusive; the `<` filter on start_time makes the
    window half-open, so an observation exactly at a window's end is counted once."""
    with LangfuseEmulator() as emulator:
        clock = Clock(NOON)
        boundary = NOON - timedelta(seconds=DELAY)
        emulator.add_trace("analyze", boundary, 1.0)
        exporter = bridge("langfuse", emulator, clock)
        exporter.poll()
        clock.now += timedelta(minutes=1)
        exporter.poll()
        clock.now += timedelta(minutes=1)
        exporter.poll()
        assert exporter.day.totals[("llm_traces_total", ("langfuse", "analyze"))] == 1


# --- credentials -------------------------------------------------------------------------

def test_secrets_come_from_the_environment_or_a_file_and_never_show(tmp_path):
    path = tmp_path / "key"
    path.write_text("sk-from-file\n")
    from_file = secret("KEY", {"KEY_FILE": str(path)})
    assert from_file.reveal() == "sk-from-file"
    assert "sk-from-file" not in f"{from_file} {from_file!r} {[from_file]}"
    assert secret("KEY", {"KEY": "sk-env"}).reveal() == "sk-env"
    with pytest.raises(CredentialError, match="KEY is not set"):
        secret("KEY", {})


@pytest.mark.parametrize("name", ["langfuse", "langsmith"])
def test_the_command_never_prints_a_key(name, tmp_path):
    """`dashsmith bridge` against a store that refuses its keys, then is gone: its output and
    its /metrics name the variables, never the keys."""
    emulator = LangfuseEmulator() if name == "langfuse" else LangSmithEmulator()
    emulator.start()
    keys = {"langfuse": {"LANGFUSE_HOST": emulator.url,
                         "LANGFUSE_PUBLIC_KEY": "pk-lf-secret-public-4242",
                         "LANGFUSE_SECRET_KEY": "sk-lf-secret-value-4242"},
            "langsmith": {"LANGSMITH_ENDPOINT": emulator.url,
                          "LANGSMITH_API_KEY": "lsv2_pt_secretvalue4242_abcdef"}}[name]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dashsmith", "bridge", name, "--host", "127.0.0.1",
         "--port", str(port), "--interval", "0.2", "--delay", "0"],
        env={**os.environ, **keys}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = _wait_for_metrics(port, f'reason="unauthorized",store="{name}"}} 1.0')
        emulator.down()  # now unreachable: the SDK's connection errors quote key fragments
        page += _wait_for_metrics(port, f'reason="unreachable",store="{name}"}} 1.0')
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
        emulator.down()
    assert process.returncode == 0, output
    assert "unauthorized" in output and "unreachable" in output, output
    for value in keys.values():
        if value != emulator.url:
            for fragment in (value, value[:5] + "*", value[-6:]):
                assert fragment not in output and fragment not in page, fragment


def _wait_for_metrics(port: int, containing: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
                text = answer.read().decode()
            if containing in text:
                return text
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the bridge never showed {containing}")
        time.sleep(0.1)


def _windows(emulator, store: str) -> list[tuple[datetime, datetime]]:
    def parse(text):
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if store == "langfuse":
        return [(parse(q["fromTimestamp"]), parse(q["toTimestamp"])) for q in emulator.queries]
    found = []
    for body in emulator.bodies:
        low, high = (parse(v) for v in re.findall(r'"([^"]+)"', body["filter"]))
        found.append((low, high))
    return found
