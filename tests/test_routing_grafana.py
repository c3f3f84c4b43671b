"""Grafana as the alert router: the routing declaration applied as contact points and a
notification policy tree through the provisioning API (the Grafana emulator)."""

from __future__ import annotations

import dataclasses
import os

import pytest
from grafana_client import GrafanaApi

from dashsmith.compiler.project import Project
from dashsmith.routing import grafana, resolve
from dashsmith.routing.secrets import SecretError
from grafana_emulator.fixtures import emulator_fixtures

ADMIN = "glsa_admin"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLACK_CHANNELS = ("platform-alerts", "ai-alerts", "trading-alerts", "infra-alerts",
                  "database-alerts")
ENV = {f"PAGERDUTY_{team}_ROUTING_KEY": f"pd-{team.lower()}"
       for team in ("AI", "APP", "INFRA", "DATABASE")} | {"SMTP_PASSWORD": "pw"} | {
    f"SLACK_{c.upper().replace('-', '_')}_WEBHOOK_URL": f"https://hooks.slack.test/{c}"
    for c in SLACK_CHANNELS}


running, emu = emulator_fixtures(tokens={ADMIN: "Admin"})


@pytest.fixture
def api(emu):
    return GrafanaApi(auth=ADMIN, host=emu.host, port=emu.port, protocol="http")


@pytest.fixture(scope="module")
def routing():
    return Project(REPO).estate.routing


def _ours(api):
    return [p for p in api.alertingprovisioning.get_contactpoints()
            if p["uid"].startswith(grafana.UID_PREFIX)]


def test_apply_creates_a_contact_point_per_integration_and_the_policy_tree(api, routing):
    done = grafana.apply(api, routing, ENV)
    points = _ours(api)
    assert done == {"mute_timings": 1, "created": len(points), "updated": 0, "deleted": 0}
    by_name = {}
    for point in points:
        by_name.setdefault(point["name"], []).append(point)
    assert sorted(by_name) == sorted(r.name for r in routing.receivers)
    page = {p["type"]: p["settings"] for p in by_name["ai-page"]}
    assert page["pagerduty"]["integrationKey"] == "pd-ai"
    assert page["slack"]["url"] == "https://hooks.slack.test/ai-alerts"
    assert page["slack"]["recipient"] == "#ai-alerts"
    [tickets] = by_name["tickets"]
    assert tickets["type"] == "webhook" and tickets["settings"]["httpMethod"] == "POST"
    [email] = by_name["infra-email"]
    assert email["settings"]["addresses"] == "infra-oncall@trading.example"
    tree = api.alertingprovisioning.get_notification_policy_tree()
    tree.pop("provenance", None)
    assert tree == grafana.policy_tree(routing)
    stored = api.client.GET("/v1/provisioning/mute-timings")
    # Grafana adds the provenance of the write (RouteGetMuteTimings answers MuteTimeInterval
    # with `provenance`); the rest is what dashsmith sent
    assert [timing.pop("provenance", None) for timing in stored] == ["api"]
    assert stored == grafana.mute_timings(routing)


def test_the_policy_tree_routes_like_the_alertmanager_config(routing):
    """Each Grafana policy is the Alertmanager route at the same place in the tree."""
    tree = grafana.policy_tree(routing)
    for item in (("AIErrorRatioCritical", "critical", "ai-page"),
                 ("NodeCPUHighUsage", "info", "infra-email")):
        alertname, severity, receiver = item
        labels = {"alertname": alertname, "severity": severity}
        assert resolve.receivers(routing, labels) == [receiver]
        assert _grafana_receiver(tree, labels) == receiver


def _grafana_receiver(policy: dict, labels: dict, inherited: str | None = None) -> str:
    from dashsmith.routing.matchers import Matcher
    receiver = policy.get("receiver", inherited)
    for child in policy.get("routes", []):
        if all(Matcher(*m).matches(labels) for m in child.get("object_matchers", [])):
            return _grafana_receiver(child, labels, receiver)
    return receiver


def test_apply_again_updates_in_place_and_removes_only_undeclared_dashsmith_points(
        api, emu, routing):
    grafana.apply(api, routing, ENV)
    count = len(_ours(api))
    again = grafana.apply(api, routing, ENV)
    assert again == {"mute_timings": 1, "created": 0, "updated": count, "deleted": 0}
    assert len(api.client.GET("/v1/provisioning/mute-timings")) == 1
    assert grafana.stale_contact_points(api, routing) == []
    fewer = dataclasses.replace(routing, receivers=[r for r in routing.receivers
                                                    if r.name != "infra-email"])
    stale = grafana.stale_contact_points(api, fewer)
    assert stale == [grafana.contact_point_uid("infra-email", "email", 0)]
    done = grafana.apply(api, fewer, ENV, delete=stale)
    assert done["deleted"] == 1
    names = {p["name"] for p in api.alertingprovisioning.get_contactpoints()}
    assert "infra-email" not in names and "grafana-default-email" in names


def test_a_missing_secret_changes_nothing(api, emu, routing):
    emu.clear_requests()
    every_missing = r"not set: .*SLACK_PLATFORM_ALERTS_WEBHOOK_URL \(receiver .platform-slack.\)"
    with pytest.raises(SecretError, match=every_missing):
        grafana.apply(api, routing, {})
    assert emu.writes() == []


def test_mute_timings_and_what_grafana_cannot_hold(routing):
    assert grafana.mute_timings(routing) == [{"name": "maintenance", "time_intervals": [{
        "times": [{"start_time": "02:00", "end_time": "04:00"}], "weekdays": ["sunday"],
        "location": "Europe/London"}]}]
    assert grafana.unsupported(routing) == [
        "7 inhibition rule(s): Grafana's notification policies have none; they apply only in "
        "Alertmanager"]


def test_contact_point_uids_are_stable_and_valid():
    uid = grafana.contact_point_uid("a-very-long-receiver-name-for-the-database-team", "slack", 0)
    assert len(uid) <= 40 and uid.startswith(grafana.UID_PREFIX)
    assert uid == grafana.contact_point_uid("a-very-long-receiver-name-for-the-database-team",
                                            "slack", 0)
