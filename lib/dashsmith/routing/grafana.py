"""The routing declaration as Grafana's alerting provisioning API takes it (deploy
--grafana-alerts): contact points, the notification policy tree and mute timings.

Secrets are read here, at deploy time, from the environment or their files: Grafana cannot read
files. Grafana's policies have no inhibition rules; `unsupported` names what is left out.

Every request is retried (grafana/retry.py); the writes also when Grafana answers 409 because the
Alertmanager configuration changed under them (retry.ROUTING_WRITE), as Terraform does."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dashsmith.grafana import retry
from dashsmith.routing.alertmanager import route_options, time_interval
from dashsmith.routing.secrets import resolve_receivers
from dashsmith.routing.tree import Route, Routing

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
    live = _contact_point_uids(api)
    return sorted(uid for uid in live - declared if uid.startswith(UID_PREFIX))


def apply(api, routing: Routing, environ: Mapping[str, str], root: str = "/", *,
          delete: Sequence[str] = (), disable_provenance: bool = False) -> dict:
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
    live = _contact_point_uids(api)
    for point in points:
        if point["uid"] in live:
            _write(functools.partial(_update_contact_point, api, point, disable_provenance))
            done["updated"] += 1
        else:
            _write(functools.partial(_create_contact_point, api, point, disable_provenance))
            done["created"] += 1
    _write(lambda attempt: provisioning.set_notification_policy_tree(tree, disable_provenance))
    for uid in delete:
        _write(functools.partial(_delete_contact_point, api, uid))
        done["deleted"] += 1
    return done


def _write(fn: Callable[[int], Any]) -> Any:
    return retry.call(fn, retry.ROUTING_WRITE)


def _contact_point_uids(api) -> set[str]:
    points = retry.call(lambda attempt: api.alertingprovisioning.get_contactpoints())
    return {p["uid"] for p in points if p.get("uid")}


def _update_contact_point(api, point: dict, disable_provenance: bool, attempt: int) -> Any:
    return api.alertingprovisioning.update_contactpoint(point["uid"], point, disable_provenance)


def _create_contact_point(api, point: dict, disable_provenance: bool, attempt: int) -> Any:
    # A retried create whose first attempt landed (its answer lost) would be refused as a
    # duplicate uid: the point is there, so it is updated instead.
    if attempt > 1 and point["uid"] in _contact_point_uids(api):
        return _update_contact_point(api, point, disable_provenance, attempt)
    return api.alertingprovisioning.create_contactpoint(point, disable_provenance)


def _delete_contact_point(api, uid: str, attempt: int) -> None:
    # Likewise a retried delete: gone is what it was for.
    if attempt > 1 and uid not in _contact_point_uids(api):
        return
    api.alertingprovisioning.delete_contactpoint(uid)


def _put_mute_timings(api, timings: list[dict], disable_provenance: bool) -> None:
    path = "/v1/provisioning/mute-timings"
    headers = {"X-Disable-Provenance": "true"} if disable_provenance else {}

    def existing() -> set[str]:
        return {t.get("name") for t in retry.call(lambda attempt: api.client.GET(path)) or []}

    names = existing()
    for timing in timings:
        def put(attempt: int, timing: dict = timing) -> Any:
            # a retried POST whose first attempt landed finds the name taken: PUT it instead
            if timing["name"] in names or (attempt > 1 and timing["name"] in existing()):
                return api.client.PUT(f"{path}/{timing['name']}", json=timing, headers=headers)
            return api.client.POST(path, json=timing, headers=headers)
        _write(put)
