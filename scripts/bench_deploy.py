#!/usr/bin/env python3
"""Benchmark `dashsmith deploy` against the Grafana emulator: 1,000 dashboards, a first deploy
and a no-op redeploy, against a naive loop of grafana-client `update_dashboard` calls (folders
first, then one POST per dashboard, one at a time, `overwrite: true`) measured in the same run.

The emulator answers in well under a millisecond, which no Grafana does; a deploy's time is
mostly waiting. So by default every request waits as if it went to a Grafana on the same
network: --rtt-ms for the round trip, plus --read-ms for Grafana's work on a read and
--write-ms on a write (a save is a database transaction writing the dashboard, a version row,
tags and the search index). The model is printed with the results; --rtt-ms 0 --read-ms 0
--write-ms 0 measures pure CPU. The emulator runs in its own process, as Grafana would (in
this one it would compete with the client for the interpreter lock). Build and lint time is
excluded from both sides (the naive loop needs the same JSON) and printed separately.

Each Grafana release family given with --grafana-version (default: all five the emulator
imitates) is measured on its own emulator, deploy and the naive loop alike, and deploy takes
the path it takes there (ServerInfo: the legacy /api, or /apis).

Targets (issue 13): with N writes in flight and the same work per request on both sides
(Grafana has no batch save: both write every dashboard once), a first deploy cannot be more
than about N times faster than the loop, so it must reach >= 0.85 x N; the no-op redeploy makes
no write and takes <= 0.25 of the first deploy on the legacy path (a version-list read per
dashboard), <= 0.05 on the /apis path (one paged LIST of what the project deployed, metadata
only). They are judged at deploy's default
--concurrency; the other levels given with --concurrency are printed beside it. A missed
target is printed, not an error: only a deploy that fails makes the script exit non-zero.

Last measured (2-core machine shared with other work): at a load of 0.5, first deploy
3.54-3.80x the loop on the /apis families and 3.44-3.68x on the legacy ones (3.0-3.7x at a load
of 2-5: runs differ by +-0.3x); no-op 0.26-0.34 s, 11 requests (10 since the folders are
listed once), 0.041-0.050 of the first on /apis; 1.75-2.9 s, 0.27-0.37 on the legacy path,
whose floor (1,000 version-entry reads through the HTTP library, CPU-bound) is 0.19-0.25 alone.
docs/deploy.md ("Tests and the benchmark") has the table and where the time goes.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import sys
import tempfile
import textwrap
import time

import orjson
from grafana_client import GrafanaApi

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

from dashsmith.commands.deploy import existing_folders, live  # noqa: E402
from dashsmith.commands.deploy.apply import apply  # noqa: E402
from dashsmith.commands.deploy.command import READS_PER_WRITE  # noqa: E402
from dashsmith.commands.deploy.config import DEFAULT_CONCURRENCY  # noqa: E402
from dashsmith.commands.deploy.desired import desired_state, hash_dashboards  # noqa: E402
from dashsmith.commands.deploy.plan import PlanOptions, make_plan  # noqa: E402
from dashsmith.compiler.project import Project  # noqa: E402
from dashsmith.grafana.connection import connect, connection_from  # noqa: E402
from dashsmith.grafana.permissions import read_permissions  # noqa: E402
from dashsmith.grafana.server import detect  # noqa: E402
from grafana_emulator import GrafanaEmulator  # noqa: E402
from grafana_emulator.behaviour import FAMILIES  # noqa: E402

TOKEN = "glsa_bench"
DATASOURCE = {"uid": "prom", "name": "Prometheus", "type": "prometheus", "isDefault": True}
SETUP_CFG = "[dashsmith]\ndashboards = dashboards\nalerts = alerts\ncatalog = metrics\n"
# 1,000 dashboards in one module: 4 rows of 5 panels each, 10 folders under one parent.
MODULE = textwrap.dedent('''\
    from dashsmith import Dashboard, Row, label_variable, timeseries

    def service(n):
        return Dashboard(
            uid=f"bench-{n}", title=f"Service {n}", folder=f"Bench/Group {n % 10}",
            tags=["bench"], description=f"Synthetic dashboard {n}.",
            variables=[label_variable("job", "up")],
            rows=[Row(f"Row {r}", [
                timeseries(f"Panel {r}.{p}",
                           f'sum by (instance) (rate(metric_{n}_{r}_{p}_total{{job=~"$job"}}'
                           '[$__rate_interval]))',
                           legend="{{instance}}", unit="ops",
                           description=f"Synthetic panel {r}.{p}.")
                for p in range(5)]) for r in range(4)],
        )

    dashboards = [service(n) for n in range(COUNT)]
    ''')


def write_project(root: str, count: int) -> None:
    for directory in ("dashboards", "alerts", "metrics"):
        os.makedirs(os.path.join(root, directory))
    with open(os.path.join(root, "setup.cfg"), "w") as handle:
        handle.write(SETUP_CFG)
    with open(os.path.join(root, "dashboards", "services.py"), "w") as handle:
        handle.write(MODULE.replace("COUNT", str(count)))

# One release of each family the emulator imitates (tests/grafana_emulator/behaviour.py).
RELEASES = {"11.3": "11.3.0", "11.6": "11.6.0", "12.4": "12.4.0", "13.0": "13.0.0",
            "13.2": "13.2.3"}
FIRST_DEPLOY_SHARE = 0.85  # of the concurrency: the first deploy's speed-up target
NOOP_SHARE = {"legacy": 0.25, "apis": 0.05}  # the no-op redeploy's time, of the first's


class EmulatorProcess:
    """The Grafana emulator (of `version`) in a child process, driven over a pipe."""

    def __init__(self, version: str):
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, version), daemon=True)
        self._process.start()
        self.host, self.port = self._pipe.recv()
        self.url = f"http://{self.host}:{self.port}"

    def __call__(self, *command):
        self._pipe.send(command)
        return self._pipe.recv()

    def stop(self) -> None:
        self("stop")
        self._process.join(timeout=10)


def _serve(pipe, version: str) -> None:
    # The store grows into a large heap of acyclic JSON; Python's cycle collector would walk
    # it every few hundred saves and become most of the emulator's CPU time (Grafana, in Go,
    # has no such cost), so it is off in this process.
    gc.disable()
    with GrafanaEmulator(version=version, tokens={TOKEN: "Admin"},
                         datasources=[DATASOURCE]) as emu:
        pipe.send((emu.host, emu.port))
        cpu = time.process_time()
        while True:
            command, *args = pipe.recv()
            if command == "stop":
                pipe.send(None)
                return
            if command == "reset":
                emu.reset()
                add_latency(emu, *args)
                pipe.send(None)
            elif command == "requests":  # (all, writes, CPU seconds) since the last call
                counts = (len(emu.requests), len(emu.writes()), time.process_time() - cpu)
                # forgotten before answering: freeing a first deploy's recorded requests (a
                # thousand parsed dashboards) takes the emulator 0.1-0.2 s, which would
                # otherwise delay the next measured deploy's first request
                emu.clear_requests()
                pipe.send(counts)
            cpu = time.process_time()


def add_latency(emu: GrafanaEmulator, read: float, write: float) -> None:
    """Every request waits as one to a real Grafana would (outside the emulator's lock)."""
    if read:
        emu.faults.add(method="GET", times=None, delay=read)
    if write:
        for method in ("POST", "PUT", "DELETE"):
            emu.faults.add(method=method, times=None, delay=write)


def naive_loop(emu: EmulatorProcess, built, desired) -> float:
    api = GrafanaApi(auth=TOKEN, host=emu.host, port=emu.port, protocol="http", timeout=30)
    started = time.perf_counter()
    for folder in desired.folders:
        api.folder.create_folder(folder.title, uid=folder.uid, parent_uid=folder.parent_uid)
    for dashboard in built.dashboards:
        api.dashboard.update_dashboard({"dashboard": dashboard.json,
                                        "folderUid": dashboard.folder_uid, "overwrite": True})
    return time.perf_counter() - started


def dashsmith_deploy(emu: EmulatorProcess, built, concurrency: int
                     ) -> tuple[float, dict, str, str]:
    """One deploy as `dashsmith deploy` runs it after build and lint (see command._deploy):
    (seconds, the result's counts, the server's one-line description, "legacy" or "apis")."""
    started = time.perf_counter()
    hashes = hash_dashboards(built.dashboards)  # on a thread of its own, meanwhile
    connection = connection_from(emu.url, environ={"GRAFANA_TOKEN": TOKEN}, timeout=30)
    grafana = connect(connection, pool_size=READS_PER_WRITE * concurrency)
    server = detect(grafana, connection)  # also the data source pre-flight (frontend settings)
    read_permissions(grafana, connection)  # the token's pre-flight
    desired = desired_state(built.dashboards, hashes=hashes)
    desired, _, listed_folders = existing_folders.reuse(grafana, desired, server)
    current = live.read(grafana, desired, project="bench", grafana_alerts=False,
                        concurrency=READS_PER_WRITE * concurrency, server=server,
                        listed_folders=listed_folders)
    the_plan = make_plan(current, desired, PlanOptions("bench", connection.url))
    result = apply(grafana, the_plan, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    if not result.ok:
        sys.exit(f"deploy failed on {server.describe()}: {result.counts()}")
    # the path deploy took there: the legacy /api, or /apis (dashboard.grafana.app v1/v1beta1)
    path = "apis" if server.uses_apis else "legacy"
    return elapsed, result.counts(), server.describe(), path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+",
                        default=[DEFAULT_CONCURRENCY, 2 * DEFAULT_CONCURRENCY],
                        help="deploy's --concurrency levels to measure (the targets are judged "
                             f"at the default, {DEFAULT_CONCURRENCY}, or else the first)")
    parser.add_argument("--grafana-version", nargs="+", default=list(FAMILIES),
                        metavar="VERSION",
                        help="the Grafana release families to emulate, each on its own "
                             f"(a family, {', '.join(FAMILIES)}, or a version; default: all)")
    parser.add_argument("--rtt-ms", type=float, default=1.0)
    parser.add_argument("--read-ms", type=float, default=2.0)
    parser.add_argument("--write-ms", type=float, default=20.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as root:
        write_project(root, args.dashboards)
        started = time.perf_counter()
        built = Project(root).build()
        build_time = time.perf_counter() - started
    gc.freeze()  # as `dashsmith deploy` does after building: for both sides alike
    desired = desired_state(built.dashboards)
    size = sum(len(orjson.dumps(d.json)) for d in built.dashboards) / len(built.dashboards)

    print(f"estate: {len(built.dashboards)} dashboards of ~{size / 1024:.0f} KB in "
          f"{len(desired.folders)} folders (build {build_time:.1f} s, not counted)")
    print(f"latency model per request: round trip {args.rtt_ms:g} ms + Grafana's work "
          f"{args.read_ms:g} ms (read) / {args.write_ms:g} ms (write)")
    latency = ((args.rtt_ms + args.read_ms) / 1000, (args.rtt_ms + args.write_ms) / 1000)
    verdicts = [bench_version(RELEASES.get(version, version), built, desired, latency,
                              args.concurrency)
                for version in args.grafana_version]
    print("\ntargets at the default concurrency:")
    for line in verdicts:
        print(f"  {line}")


def bench_version(version: str, built, desired, latency: tuple[float, float],
                  levels: list[int]) -> str:
    """Measures one release (the naive loop, then deploy at each level) and prints its table;
    returns one line judging the targets."""
    emu = EmulatorProcess(version)
    try:
        emu("reset", *latency)
        naive = (naive_loop(emu, built, desired), *emu("requests"))
        runs = {}
        for concurrency in levels:
            emu("reset", *latency)
            first_time, first_counts, described, path = dashsmith_deploy(emu, built, concurrency)
            first = (first_time, *emu("requests"))
            noop_time, noop_counts, _, _ = dashsmith_deploy(emu, built, concurrency)
            noop = (noop_time, *emu("requests"))
            runs[concurrency] = (first, first_counts, noop, noop_counts)
    finally:
        emu.stop()

    print(f"\n{described} (deploy's path: {path})")
    print(f"{'':34}{'time':>9}{'requests':>10}{'writes':>8}{'emulator CPU/request':>22}")
    print_row("naive update loop", naive, "")
    for concurrency, (first, first_counts, noop, noop_counts) in runs.items():
        speedup = naive[0] / first[0]
        print_row(f"first deploy, concurrency {concurrency}", first,
                  f"{first_counts['created']} created, {speedup:.1f}x the loop "
                  f"(ceiling ~{concurrency}x)")
        print_row(f"no-op deploy, concurrency {concurrency}", noop,
                  f"{noop_counts['unchanged']} unchanged, {noop[0] / first[0]:.3f} of the first")

    judged = DEFAULT_CONCURRENCY if DEFAULT_CONCURRENCY in runs else levels[0]
    first, _, noop, _ = runs[judged]
    speedup, noop_ratio, noop_writes = naive[0] / first[0], noop[0] / first[0], noop[2]
    wanted_speedup, wanted_noop = FIRST_DEPLOY_SHARE * judged, NOOP_SHARE[path]
    ok = speedup >= wanted_speedup and noop_ratio <= wanted_noop and noop_writes == 0
    return (f"{version} ({path}), concurrency {judged}: first {speedup:.2f}x the loop "
            f"(>= {wanted_speedup:.2f}), no-op {noop_ratio:.3f} of the first (<= {wanted_noop}) "
            f"with {noop_writes} writes (0)  {'OK' if ok else 'MISSED'}")


def print_row(name: str, measured: tuple, note: str) -> None:
    elapsed, requests, writes, cpu = measured
    print(f"{name:34}{elapsed:8.2f}s{requests:10}{writes:8}{cpu / requests * 1000:19.1f} ms"
          f"   {note}")


if __name__ == "__main__":
    main()
