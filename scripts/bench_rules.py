#!/usr/bin/env python3
"""Benchmark delivering rule groups to a ruler (issue 16): 500 rule groups to the ruler emulator
(tests/ruler_emulator, Mimir's API), a first deploy and a no-op redeploy, against a naive
per-group loop measured in the same run.

deploy plans from one list of the tenant's groups (GET /prometheus/config/v1/rules), writes
only what differs with --concurrency writes in flight, then reads /prometheus/api/v1/rules once
to see them evaluated. The naive loop is what a script around the same API does group by
group, one at a time: GET the group, POST it if it differs.

Every request waits --latency-ms (default 5: a ruler on the same network, including its write
to object storage), as none answers in the microseconds the emulator does. Targets: the no-op
makes zero writes and one list; the first deploy is faster than the loop by about the writes in
flight. A missed target is printed, not an error.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

from dashsmith.commands.deploy import ruler_groups, rules_delivery  # noqa: E402
from dashsmith.commands.deploy.config import DEFAULT_CONCURRENCY  # noqa: E402
from dashsmith.ruler.client import Ruler, RulerConnection  # noqa: E402
from ruler_emulator import CONFIG, RulerEmulator  # noqa: E402

PROJECT = "bench"
TENANT = "bench"


def rule_files(groups: int, per_file: int = 10) -> dict[str, dict]:
    """`groups` rule groups, `per_file` to a file: a recording rule and an alert each."""
    files: dict[str, dict] = {}
    for index in range(groups):
        name = f"module{index // per_file:03d}"
        files.setdefault(name, {"groups": []})["groups"].append({
            "name": f"group{index:04d}",
            "rules": [
                {"record": f"job:requests{index}:rate5m",
                 "expr": f"sum by (job) (rate(requests_total{{shard=\"{index}\"}}[5m]))"},
                {"alert": f"Requests{index}Low", "expr": f"job:requests{index}:rate5m < 1",
                 "for": "10m", "labels": {"severity": "warning"},
                 "annotations": {"summary": f"shard {index} receives few requests"}},
            ]})
    return files


def deploy(url: str, files: dict[str, dict], concurrency: int) -> tuple[float, int, bool]:
    """(seconds, changes written, ok) of plan + deliver, as `dashsmith deploy` runs them."""
    to = rules_delivery.Delivery("ruler", PROJECT, tempfile.gettempdir(), True,
                                 ruler=RulerConnection(url, tenant=TENANT),
                                 concurrency=concurrency, ruler_load_timeout=30)
    start = time.perf_counter()
    changes = rules_delivery.plan(to, files)
    delivered = rules_delivery.deliver(to, changes, files)
    return time.perf_counter() - start, sum(1 for c in changes if c.writes), delivered.ok


def naive(url: str, files: dict[str, dict]) -> tuple[float, int]:
    """(seconds, writes): each group read, and set if it differs, one at a time."""
    ruler = Ruler(RulerConnection(url, tenant=TENANT))
    writes = 0
    start = time.perf_counter()
    for name, data in files.items():
        namespace = ruler_groups.namespace(PROJECT, name)
        for group in data["groups"]:
            body = ruler_groups.marked(group, PROJECT)
            if ruler.group(namespace, group["name"]) != body:
                ruler.set_group(namespace, body)
                writes += 1
    return time.perf_counter() - start, writes


def counted(emulator: RulerEmulator) -> str:
    lists = sum(1 for m, p in emulator.requests if m == "GET" and p == CONFIG)
    reads = sum(1 for m, p in emulator.requests if m == "GET")
    return (f"{len(emulator.requests)} requests: {len(emulator.writes())} writes, {lists} "
            f"list(s), {reads - lists} other reads")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args()
    files = rule_files(args.groups)
    latency = args.latency_ms / 1000
    print(f"{args.groups} rule groups in {len(files)} namespaces; every request waits "
          f"{args.latency_ms:g} ms; deploy --concurrency {args.concurrency}")
    ok = True
    with RulerEmulator(latency=latency) as emulator:
        first, written, delivered = deploy(emulator.url, files, args.concurrency)
        ok &= delivered
        print(f"deploy, first:    {first:7.2f} s  {written} groups written; {counted(emulator)}")
        emulator.requests.clear()
        noop, written, delivered = deploy(emulator.url, files, args.concurrency)
        ok &= delivered
        noop_requests = counted(emulator)
        noop_writes = len(emulator.writes())
        noop_lists = sum(1 for m, p in emulator.requests if m == "GET" and p == CONFIG)
        print(f"deploy, no-op:    {noop:7.2f} s  {written} groups written; {noop_requests}")
    with RulerEmulator(latency=latency) as emulator:
        loop_first, _ = naive(emulator.url, files)
        print(f"naive loop, first: {loop_first:6.2f} s  {counted(emulator)}")
        emulator.requests.clear()
        loop_noop, _ = naive(emulator.url, files)
        print(f"naive loop, no-op: {loop_noop:6.2f} s  {counted(emulator)}")
    print(f"first deploy {loop_first / first:.1f}x faster than the loop; no-op "
          f"{loop_noop / noop:.1f}x faster")
    if noop_writes or noop_lists != 1:
        print(f"target missed: the no-op made {noop_writes} writes and {noop_lists} lists "
              "(want 0 and 1)")
    if loop_first / first < 0.85 * args.concurrency:
        print(f"target missed: the first deploy is under 0.85 x {args.concurrency} faster")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
