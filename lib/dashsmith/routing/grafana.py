"""The routing declaration as Grafana's alerting provisioning API takes it (deploy
--grafana-alerts): contact points, the notification policy tree and mute timings.

Secrets are read here, at deploy time, from the environment or their files: Grafana cannot read
files. Grafana's policies have no inhibition rules; `unsupported` names what is left out."""

from __future__ import annotations

import hashlib
import re
from typing import Mapping

from .alertmanager import route_options, time_interval
from .secrets import resolve_receivers
from .tree import Route, Routing

UID_PREFIX = "dashsmith-"  # contact points deploy owns, and deletes with --prune when undeclared


class GrafanaRoutingError(Exception):
    pass


def contact_points(routing: Routing, environ: Mapping[str, str], root: str = "/") -> list[dict]:
    """One contact point per integration, named after its receiver (Grafana groups the
    integrations of a contact point by name), each with a stable uid."""
    value = resolve_receivers(routing, environ, root).__getitem__
    points = []
    for receiver in routing.receivers:
        if receiver.black_hole:
            raise GrafanaRoutingError(f"{receiver.source}: receiver '{receiver.name}' has no "
                                      "integrations; Grafana has no contact point without one")
        for index, integration in enumerate(receiver.integrations):
            points.append({
                "uid": contact_point_uid(receiver.name, integration.kind, index),
                "name": receiver.name,
                "type": integration.kind,
                "settings": integration.grafana(value),
                "disableResolveMessage": not getattr(integration, "send_resolved", True),
            })
    return points


def contact_point_uid(receiver: str, kind: str, index: int) -> str:
    """A Grafana uid (at most 40 of [A-Za-z0-9_-]) that stays the same across deploys."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{receiver}-{kind}-{index}").strip("-")
    uid = UID_PREFIX + slug
    if len(uid) <= 40:
        return uid
    digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
    return f"{uid[:31]}-{digest}"


def policy_tree(routing: Routing) -> dict:
    """The notification policy tree (PUT /api/v1/provisioning/policies)."""
    return _policy(routing.root)


def _policy(route: Route) -> dict:
    data: dict = {}
    if route.receiver:
        data["receiver"] = route.receiver
    if route.matchers:
        data["object_matchers"] = [[m.name, m.op, m.value] for m in route.matchers]
    data.update(route_options(route))
    if route.routes:
        data["routes"] = [_policy(child) for child in route.routes]
    return data


def mute_timings(routing: Routing) -> list[dict]:
    """The time intervals (POST/PUT /api/v1/provisioning/mute-timings), in the same shape as
    alertmanager.yml's time_intervals."""
    return [time_interval(interval) for interval in routing.time_intervals]


def unsupported(routing: Routing) -> list[str]:
    """What the Grafana translation leaves out, for deploy to report."""
    notes = []
    if routing.inhibit:
        notes.append(f"{len(routing.inhibit)} inhibition rule(s): Grafana's notification "
                     "policies have none; they apply only in Alertmanager")
    return notes


def stale_contact_points(api, routing: Routing) -> list[str]:
    """The uids of contact points dashsmith deployed (UID_PREFIX) that `routing` no longer
    declares: deploy --prune deletes them."""
    declared = {contact_point_uid(receiver.name, integration.kind, index)
                for receiver in routing.receivers
                for index, integration in enumerate(receiver.integrations)}
    live = {p["uid"] for p in api.alertingprovisioning.get_contactpoints() if p.get("uid")}
    return sorted(uid for uid in live - declared if uid.startswith(UID_PREFIX))


def apply(api, routing: Routing, environ: Mapping[str, str], root: str = "/", *,
          delete: list[str] = (), disable_provenance: bool = False) -> dict:
    """Make Grafana's notification setup match the declaration through a grafana_client
    GrafanaApi: mute timings, then contact points, then the policy tree, then the deletion of
    the contact points in `delete`. With `disable_provenance` they stay editable in Grafana's
    UI. Every secret is read before the first request, so a missing one changes nothing.
    Returns the counts of what it did."""
    points = contact_points(routing, environ, root)
    tree = policy_tree(routing)
    provisioning = api.alertingprovisioning
    done = {"mute_timings": 0, "created": 0, "updated": 0, "deleted": 0}
    timings = mute_timings(routing)
    if timings:
        _put_mute_timings(api, timings, disable_provenance)
        done["mute_timings"] = len(timings)
    live = {p["uid"] for p in provisioning.get_contactpoints() if p.get("uid")}
    for point in points:
        if point["uid"] in live:
            provisioning.update_contactpoint(point["uid"], point, disable_provenance)
            done["updated"] += 1
        else:
            provisioning.create_contactpoint(point, disable_provenance)
            done["created"] += 1
    provisioning.set_notification_policy_tree(tree, disable_provenance)
    for uid in delete:
        provisioning.delete_contactpoint(uid)
        done["deleted"] += 1
    return done


def _put_mute_timings(api, timings: list[dict], disable_provenance: bool) -> None:
    path = "/v1/provisioning/mute-timings"
    headers = {"X-Disable-Provenance": "true"} if disable_provenance else {}
    existing = {t.get("name") for t in api.client.GET(path) or []}
    for timing in timings:
        if timing["name"] in existing:
            api.client.PUT(f"{path}/{timing['name']}", json=timing, headers=headers)
        else:
            api.client.POST(path, json=timing, headers=headers)
