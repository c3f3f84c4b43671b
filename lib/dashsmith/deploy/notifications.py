"""Notification routing in Grafana (deploy --grafana-alerts, when the estate declares a Routing):
its contact points, notification policy tree and mute timings, through dashsmith.routing.grafana.

Unlike folders, dashboards and rule groups, these are not planned item by item: Grafana holds one
policy tree, which is replaced as a whole after the rule groups, and dashsmith's contact points
(uid prefix "dashsmith-") are updated in place; undeclared ones are listed, and deleted with
--prune (counted against --max-deletes). Every secret is read in the pre-flight, so a missing
one stops the deploy before its first write.
"""

from __future__ import annotations

import os

from ..grafana.connection import explain
from ..routing import grafana as routing_grafana
from ..routing.secrets import SecretError


class RoutingUnavailable(Exception):
    pass


def check(routing, root: str = "/") -> list[str]:
    """What would be applied, one line each; RoutingUnavailable if a secret is missing."""
    try:
        points = routing_grafana.contact_points(routing, os.environ, root)
    except (SecretError, routing_grafana.GrafanaRoutingError) as error:
        raise RoutingUnavailable(f"notification routing: {error}") from None
    lines = [f"notification routing: {len(points)} contact point(s), the policy tree and "
             f"{len(routing.time_intervals)} mute timing(s), applied as a whole"]
    lines += [f"    not in Grafana: {note}" for note in routing_grafana.unsupported(routing)]
    return lines


def stale(grafana, routing) -> list[str]:
    """dashsmith's contact points the routing no longer declares (read from Grafana)."""
    return routing_grafana.stale_contact_points(grafana, routing)


def stale_lines(uids: list[str], prune: bool) -> list[str]:
    if not uids:
        return []
    if prune:
        return [f"- delete    contact point {uid}: no longer in code" for uid in uids]
    return [f"contact points dashsmith deployed that the code no longer declares "
            f"(deploy --prune deletes them): {', '.join(uids)}"]


def apply(grafana, routing, *, delete: list[str], disable_provenance: bool,
          root: str = "/") -> tuple[bool, str, dict]:
    """(ok, one line for the report, counts)."""
    try:
        done = routing_grafana.apply(grafana, routing, os.environ, root, delete=delete,
                                     disable_provenance=disable_provenance)
    except Exception as error:  # noqa: BLE001 - reported as a failure of this step
        return False, f"notification routing failed — not applied: {explain(error)}", {}
    return True, (f"notification routing: {done['created']} contact point(s) created, "
                  f"{done['updated']} updated, {done['deleted']} deleted; policy tree set; "
                  f"{done['mute_timings']} mute timing(s)"), done
