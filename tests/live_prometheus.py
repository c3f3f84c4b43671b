"""A real Prometheus (Debian's package) for a test: 127.0.0.1, a free port, its data in a
directory of the test's, stopped when the block ends."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.request

import pytest

from conftest import require_binary
from dashsmith.verify.stack import free_port


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
