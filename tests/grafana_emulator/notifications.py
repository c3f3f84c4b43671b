"""/api/v1/provisioning contact-points, policies and mute-timings, with simple storage.

Statuses are ProvisioningSrv's (pkg/services/ngalert/api/api_provisioning.go): contact points
POST/PUT/DELETE 202, policies PUT 202; mute timings list 200, POST 201, PUT 202 (every version
since 9.x: RoutePutMuteTiming answers http.StatusAccepted), DELETE 204. A mute timing carries
the provenance of the request that wrote it (determineProvenance; "provenance" is omitempty);
its "version" (an optimistic-lock hash in 11.x) is not modelled. The error bodies of unknown
names and uids are guesses.

Routing writes (contact points, policies, mute timings) save the whole Alertmanager
configuration under an optimistic lock; a concurrent change answers 409
provisioning.ErrVersionConflict (errutil.Conflict("alerting.notifications.conflict"), no public
message, so "Conflict"; pkg/services/ngalert/provisioning/errors.go). terraform-provider-grafana
PR #2946 retries these 409s. The lock exists in every emulated release, so the test hook
emu.routing_conflicts(n) works in every mode: the next n routing writes answer that 409 and
change nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .alert_rules import request_provenance
from .errors import plain_error, structured_error
from .http_types import Request, Response, json_response
from .store import Store, default_policy_tree
from .values import generate_short_uid


def _concurrent_config_change(store: Store) -> None:
    if store.routing_conflicts > 0:
        store.routing_conflicts -= 1
        raise structured_error(409, "alerting.notifications.conflict", "Conflict")


# --- contact points ------------------------------------------------------------

def list_contact_points(store: Store, request: Request) -> Response:
    name = request.arg("name")
    points = [_contact_point_json(store, p) for p in store.contact_points.values()
              if not name or p["name"] == name]
    return json_response(200, points)


def _contact_point_json(store: Store, point: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(point)
    provenance = store.contact_point_provenance.get(point["uid"], "")
    if provenance:
        body["provenance"] = provenance
    return body


def post_contact_point(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    point = _parse_contact_point(request.json_object())
    point["uid"] = point.get("uid") or generate_short_uid()
    if point["uid"] in store.contact_points:
        raise plain_error(400, f"contact point with uid '{point['uid']}' already exists",
                          traced=True)
    store.contact_points[point["uid"]] = point
    store.contact_point_provenance[point["uid"]] = request_provenance(request)
    return json_response(202, _contact_point_json(store, point))


def _parse_contact_point(body: dict[str, Any]) -> dict[str, Any]:
    for required in ("name", "type"):
        if not isinstance(body.get(required), str) or not body[required]:
            raise plain_error(400, f"invalid object specification: {required} is required",
                              traced=True)
    settings = body.get("settings", {})
    return {
        "uid": body.get("uid") or "",
        "name": body["name"],
        "type": body["type"],
        "settings": copy.deepcopy(settings) if isinstance(settings, dict) else {},
        "disableResolveMessage": bool(body.get("disableResolveMessage", False)),
    }


def put_contact_point(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    uid = request.params["uid"]
    if uid not in store.contact_points:
        raise plain_error(404, "contact point not found", traced=True)
    point = _parse_contact_point(request.json_object())
    point["uid"] = uid
    store.contact_points[uid] = point
    store.contact_point_provenance[uid] = request_provenance(request)
    return json_response(202, {"message": "contactpoint updated"})


def delete_contact_point(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    uid = request.params["uid"]
    store.contact_points.pop(uid, None)
    store.contact_point_provenance.pop(uid, None)
    return json_response(202, {"message": "contactpoint deleted"})


# --- notification policies ------------------------------------------------------

def get_policies(store: Store, request: Request) -> Response:
    tree = copy.deepcopy(store.policy_tree)
    if store.policy_provenance:
        tree["provenance"] = store.policy_provenance
    return json_response(200, tree)


def put_policies(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    tree = request.json_object()
    tree.pop("provenance", None)
    known = {p["name"] for p in store.contact_points.values()}
    missing = sorted({r for r in _receivers(tree) if r not in known})
    if not tree.get("receiver") or missing:
        reason = (f"receiver '{missing[0]}' does not exist" if missing
                  else "root route must specify a receiver")
        raise plain_error(400, f"invalid object specification: {reason}", traced=True)
    unknown = sorted({name for name in _time_intervals(tree) if name not in store.mute_timings})
    if unknown:
        raise plain_error(400, f"invalid object specification: mute time interval "
                               f"'{unknown[0]}' does not exist", traced=True)
    store.policy_tree = copy.deepcopy(tree)
    store.policy_provenance = request_provenance(request)
    return json_response(202, {"message": "policies updated"})


def _receivers(route: dict[str, Any]) -> Iterator[str]:
    if isinstance(route.get("receiver"), str) and route["receiver"]:
        yield route["receiver"]
    for child in route.get("routes") or []:
        if isinstance(child, dict):
            yield from _receivers(child)


def _time_intervals(route: dict[str, Any]) -> Iterator[str]:
    """The mute and active time intervals a route and its children name."""
    for key in ("mute_time_intervals", "active_time_intervals"):
        yield from (name for name in route.get(key) or [] if isinstance(name, str))
    for child in route.get("routes") or []:
        if isinstance(child, dict):
            yield from _time_intervals(child)


def delete_policies(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    store.policy_tree = default_policy_tree()
    store.policy_provenance = ""
    return json_response(202, {"message": "policies resetted"})


# --- mute timings ---------------------------------------------------------------

def list_mute_timings(store: Store, request: Request) -> Response:
    return json_response(200, [copy.deepcopy(t) for t in store.mute_timings.values()])


def get_mute_timing(store: Store, request: Request) -> Response:
    return json_response(200, copy.deepcopy(_mute_timing_or_404(store, request.params["name"])))


def post_mute_timing(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    timing = _parse_mute_timing(request.json_object())
    if timing["name"] in store.mute_timings:
        raise plain_error(409, f"mute timing '{timing['name']}' already exists", traced=True)
    _set_provenance(timing, request)
    store.mute_timings[timing["name"]] = timing
    return json_response(201, copy.deepcopy(timing))


def put_mute_timing(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    name = request.params["name"]
    _mute_timing_or_404(store, name)
    timing = _parse_mute_timing({**request.json_object(), "name": name})
    _set_provenance(timing, request)
    store.mute_timings[name] = timing
    return json_response(202, copy.deepcopy(timing))


def _set_provenance(timing: dict[str, Any], request: Request) -> None:
    provenance = request_provenance(request)
    if provenance:
        timing["provenance"] = provenance


def delete_mute_timing(store: Store, request: Request) -> Response:
    _concurrent_config_change(store)
    store.mute_timings.pop(request.params["name"], None)
    return Response(204, has_body=False)


def _mute_timing_or_404(store: Store, name: str) -> dict[str, Any]:
    timing = store.mute_timings.get(name)
    if timing is None:
        raise plain_error(404, "mute timing not found", traced=True)
    return timing


def _parse_mute_timing(body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise plain_error(400, "invalid object specification: name is required", traced=True)
    intervals = body.get("time_intervals") or []
    if not isinstance(intervals, list):
        raise plain_error(400, "invalid object specification: time_intervals must be a list",
                          traced=True)
    return {"name": body["name"], "time_intervals": copy.deepcopy(intervals)}
