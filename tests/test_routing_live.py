"""The generated routing in a real Alertmanager (Debian's prometheus-alertmanager, started by
verify's Stack with only that component): alerts posted to it arrive at the stack's webhook
sink through the platform's tree, grouped as declared and with inhibited alerts held back.
Only the integrations are swapped for the webhook and the waits shortened."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from dashsmith.commands.verify.stack import Stack
from dashsmith.compiler.project import Project
from support import REPO, require_binary

pytestmark = pytest.mark.live


@pytest.fixture
def stack():
    require_binary("prometheus-alertmanager")
    with Stack(Project(REPO), components=("alertmanager",)) as running:
        yield running


def _post_alerts(url: str, alerts: list[dict]) -> None:
    body = json.dumps([{"labels": labels, "annotations": {"summary": labels["alertname"]}}
                       for labels in alerts]).encode()
    request = urllib.request.Request(f"{url}/api/v2/alerts", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def _wait_for(received: list, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_alerts_reach_their_receivers_grouped_and_inhibited(stack):
    _post_alerts(stack.alertmanager_url, [
        {"alertname": "AIErrorRatioCritical", "severity": "critical", "provider": "anthropic"},
        {"alertname": "AIErrorRatioCritical", "severity": "critical", "provider": "openai"},
        # Inhibited by the critical one of its provider; the other provider's is not.
        {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "anthropic"},
        {"alertname": "AIErrorRatioHigh", "severity": "warning", "provider": "google"},
        {"alertname": "PostgresqlDown", "severity": "critical", "instance": "db1:9187"},
        {"alertname": "PostgresqlDown", "severity": "critical", "instance": "db2:9187"},
        # An SLO's page holds back its ticket.
        {"alertname": "LLMLatencyFastBurn", "severity": "critical", "slo": "llm-latency"},
        {"alertname": "LLMLatencySlowBurn", "severity": "info", "slo": "llm-latency"},
    ])
    _wait_for(stack.sink.received, 5)
    time.sleep(2)  # anything inhibited or misrouted would have arrived by now
    got = sorted((n["receiver"], json.dumps(n["groupLabels"], sort_keys=True),
                  sorted(a["labels"].get("provider") or a["labels"].get("instance") or
                         a["labels"]["slo"] for a in n["alerts"]))
                 for n in stack.sink.received)
    assert got == [
        ("ai-page", '{"alertname": "AIErrorRatioCritical"}', ["anthropic", "openai"]),
        ("ai-page", '{"alertname": "LLMLatencyFastBurn"}', ["llm-latency"]),
        ("ai-slack", '{"alertname": "AIErrorRatioHigh"}', ["google"]),
        ("database-page", '{"alertname": "PostgresqlDown", "instance": "db1:9187"}', ["db1:9187"]),
        ("database-page", '{"alertname": "PostgresqlDown", "instance": "db2:9187"}', ["db2:9187"]),
    ]
