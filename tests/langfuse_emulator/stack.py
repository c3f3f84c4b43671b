"""`dashsmith bridge langfuse` between this emulator and a running verify Stack's Prometheus, for
the end-to-end tests (tests/test_e2e_stack.py): the emulator holds one trace a second, from ten
minutes ago to an hour ahead (each becomes visible as the bridge's windows pass its start),
priced as the synthetic workload prices its LLM calls, and one score a second; the bridge polls
every half second with no settle delay; the stack's Prometheus scrapes it as job llm-bridge.

The Stack writes its prometheus.yml and starts Prometheus itself; the job is added to that file
and Prometheus told to reload it (SIGHUP), as an operator adds a scrape target.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import yaml

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.credentials import Secret
from dashsmith.bridge.exporter import Bridge
from dashsmith.bridge.langfuse import Langfuse

from . import LangfuseEmulator

TRACE_NAME = "analyze"
MODEL = "claude-haiku-4-5"
SCORE_NAME = "correctness"
SCORE = 0.9


@dataclass
class BridgedStore:
    emulator: LangfuseEmulator
    bridge: Bridge
    port: int
    cost_per_trace: float

    def stop(self) -> None:
        self.bridge.stop.set()
        self.emulator.down()


def start(stack, usd_per_hour: float) -> BridgedStore:
    """The emulator, filled at `usd_per_hour` (one trace a second), and the bridge over it,
    scraped by the stack's Prometheus."""
    cost = usd_per_hour / 3600
    emulator = LangfuseEmulator().start()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for second in range(-600, 3600):
        start_time = now + timedelta(seconds=second)
        emulator.add_trace(TRACE_NAME, start_time, 2.0,
                           generations=((MODEL, 1200, 300, cost, 1.5),))
        emulator.add_score(SCORE_NAME, SCORE, start_time)
    store = Langfuse(emulator.url, Secret(emulator.public_key, "test"),
                     Secret(emulator.secret_key, "test"), RequestBudget(100_000))
    bridge = Bridge(store, interval=0.5, delay=0)
    port = bridge.serve("127.0.0.1", 0)
    threading.Thread(target=bridge.run, daemon=True).start()
    _scrape(stack, port)
    return BridgedStore(emulator, bridge, port, cost)


def _scrape(stack, port: int, timeout: float = 30) -> None:
    path = os.path.join(stack.root, "prometheus.yml")
    with open(path, encoding="utf-8") as file:
        config = yaml.safe_load(file)
    config["scrape_configs"].append({"job_name": "llm-bridge", "static_configs": [
        {"targets": [f"127.0.0.1:{port}"]}]})
    with open(path, "w", encoding="utf-8") as file:
        yaml.safe_dump(config, file)
    prometheus = next(p for p in stack.processes if p.name == "prometheus")
    os.kill(prometheus.popen.pid, signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while not stack.prometheus.query('up{job="llm-bridge"} == 1', time.time()):
        if time.monotonic() > deadline:
            raise RuntimeError("Prometheus never scraped the bridge")
        time.sleep(0.25)
