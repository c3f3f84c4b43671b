"""The generated routing in a real Alertmanager (Debian's prometheus-alertmanager): alerts
posted to it arrive at a webhook run by the test through the platform's tree, grouped as
declared and with inhibited alerts held back. Only the integrations are swapped for the
webhook and the waits shortened (alertmanager.config's webhook= and max_wait=)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import require_binary
from dashsmith import serialize
from dashsmith.project import Project
from dashsmith.routing import alertmanager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.live


class Webhook:
    """An HTTP server on 127.0.0.1 that keeps every notification posted to it."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def running_alertmanager(tmp_path):
    binary = require_binary("prometheus-alertmanager")
    routing = Project(REPO).estate.routing
    with Webhook() as webhook:
        config = tmp_path / "alertmanager.yml"
        config.write_bytes(serialize.to_yaml(
            alertmanager.config(routing, webhook=webhook.url, max_wait="1s")))
        port = _free_port()
        process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
             "--log.level=warn"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url, process)
            yield url, webhook
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"alertmanager exited: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("alertmanager did not become ready")


def _post_alerts(url: str, alerts: list[dict]) -> None:
    body = json.dumps([{"labels": labels, "annotations": {"summary": labels["alertname"]}}
                       for labels in alerts]).encode()
    request = urllib.request.Request(f"{url}/api/v2/alerts", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def _wait_for(webhook: Webhook, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(webhook.received) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_alerts_reach_their_receivers_grouped_and_inhibited(running_alertmanager):
    url, webhook = running_alertmanager
    _post_alerts(url, [
        {"alertname": "AIErrorRatioCritical", "severity": "critical", "provider": "anthropic"},
        {"alertname": "AIErrorRatioCritical", "severity": "critical", "provider": "openai"},
        # Inhibited by the critical one of its provider; the other provider's is not.
        {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "anthropic"},
        {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "google"},
        {"alertname": "PostgresqlDown", "severity": "critical", "instance": "db1:9187"},
        {"alertname": "PostgresqlDown", "severity": "critical", "instance": "db2:9187"},
    ])
    _wait_for(webhook, 4)
    time.sleep(2)  # anything inhibited or misrouted would have arrived by now
    got = sorted((n["receiver"], json.dumps(n["groupLabels"], sort_keys=True),
                  sorted(a["labels"].get("provider") or a["labels"]["instance"]
                         for a in n["alerts"]))
                 for n in webhook.received)
    assert got == [
        ("ai-page", '{"alertname": "AIErrorRatioCritical"}', ["anthropic", "openai"]),
        ("ai-slack", '{"alertname": "AIErrorRatioHigh"}', ["google"]),
        ("database-page", '{"alertname": "PostgresqlDown", "instance": "db1:9187"}', ["db1:9187"]),
        ("database-page", '{"alertname": "PostgresqlDown", "instance": "db2:9187"}', ["db2:9187"]),
    ]
