"""A real Prometheus (Debian's package) for a test: 127.0.0.1, a free port, its data in a
directory of the test's, stopped when the block ends; and reading its HTTP API."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from dashsmith.commands.verify.stack import free_port

from .binaries import require_binary


@contextlib.contextmanager
def running_prometheus(directory, config: str, *, lifecycle: bool = False):
    """Yields the base URL once Prometheus is ready. `config` is prometheus.yml; `{address}`
    in it stands for Prometheus's own host:port (to scrape itself)."""
    binary = require_binary("prometheus")
    port = free_port()
    path = directory / "prometheus.yml"
    path.write_text(config.replace("{address}", f"127.0.0.1:{port}"))
    args = [binary, f"--config.file={path}", f"--storage.tsdb.path={directory / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}"]
    if lifecycle:
        args.append("--web.enable-lifecycle")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


SELF_SCRAPE = ("global: {scrape_interval: 1s}\nscrape_configs:\n"
               "  - job_name: prometheus\n    static_configs: [{targets: ['{address}']}]\n")


@contextlib.contextmanager
def self_scraping_prometheus(directory, timeout: float = 30):
    """running_prometheus scraping itself every second (job "prometheus"), yielded once it holds
    a few seconds of samples, not one: verify aligns its range to the query step (as Grafana
    does), and an aligned range can end before a lone first sample."""
    with running_prometheus(directory, SELF_SCRAPE) as url:
        deadline = time.monotonic() + timeout
        while not api(url, "/api/v1/query",
                      query='count_over_time(up{job="prometheus"}[1m]) >= 5'):
            assert time.monotonic() < deadline, "Prometheus did not scrape itself"
            time.sleep(0.2)
        yield url


def api(url: str, path: str, **parameters: str):
    """GET `path` of Prometheus's HTTP API (e.g. /api/v1/query, query=...): the answer's
    `data`, or its `data.result` where it has one; the test fails unless the status is success."""
    query = urllib.parse.urlencode(parameters)
    with urllib.request.urlopen(f"{url}{path}?{query}", timeout=5) as answer:
        body = json.load(answer)
    assert body["status"] == "success", body
    data = body["data"]
    return data["result"] if isinstance(data, dict) and "result" in data else data


def _wait_until_ready(url: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail("Prometheus did not start")
        time.sleep(0.1)
