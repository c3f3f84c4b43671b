"""Notification routing in Grafana (deploy --grafana-alerts, when the estate declares a Routing):
what it should hold — contact points, the notification policy tree, mute timings — as the
translation in dashsmith.routing.grafana makes them. The plan plans them like every other item
(plan.py); apply writes them (apply.py).

Secrets never enter the plan. Every secret is read in the pre-flight, so a missing one stops
the deploy before its first write; in the contact points the plan holds, each secret value is
a placeholder naming where it comes from (`${secret:env:NAME}`, `${secret:file:/path}`), and
apply puts the values back as it sends them. So neither the printed plan nor a plan file
(--plan-out) holds a secret, and `deploy --plan FILE` reads them again from the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dashsmith.routing import grafana as routing_grafana
from dashsmith.routing.secrets import Secret, SecretError, missing_secrets, resolve_receivers

_PLACEHOLDER = re.compile(r"^\$\{secret:(env|file):(.+)\}$")


class RoutingUnavailable(Exception):
    pass


@dataclass(frozen=True)
class DesiredRouting:
    contact_points: tuple[dict, ...]  # each secret a placeholder
    policy_tree: dict
    mute_timings: tuple[dict, ...]
    notes: tuple[str, ...]  # what the declaration holds and Grafana cannot


def desired_routing(routing, environ: Mapping[str, str] = os.environ,
                    root: str = "/") -> tuple[DesiredRouting, dict[str, str]]:
    """What Grafana should hold, and the secret behind each placeholder in it; every secret is
    read now (RoutingUnavailable names every one that is missing)."""
    try:
        points = routing_grafana.contact_points(routing, environ, root)
        values = resolve_receivers(routing, environ, root)
    except (SecretError, routing_grafana.GrafanaRoutingError) as error:
        raise RoutingUnavailable(f"notification routing: {error}") from None
    secrets = {placeholder(secret): value for secret, value in values.items()}
    placeholders = {value: name for name, value in secrets.items() if value}
    sealed = tuple({**point, "settings": _replaced(point["settings"], placeholders)}
                   for point in points)
    desired = DesiredRouting(sealed, routing_grafana.policy_tree(routing),
                             tuple(routing_grafana.mute_timings(routing)),
                             tuple(routing_grafana.unsupported(routing)))
    return desired, secrets


def placeholder(secret: Secret) -> str:
    return f"${{secret:env:{secret.env}}}" if secret.env else f"${{secret:file:{secret.path}}}"


def revealed(contact_point: dict, secrets: Mapping[str, str]) -> dict:
    """The contact point as Grafana gets it: each placeholder replaced by its secret."""
    return {**contact_point, "settings": _replaced(contact_point.get("settings") or {}, secrets)}


def _replaced(settings: dict, replacements: Mapping[str, str]) -> dict:
    # A secret is always a whole setting (a webhook URL, a routing key), never part of one.
    return {key: replacements.get(value, value) if isinstance(value, str) else value
            for key, value in settings.items()}


def secret_values(contact_points: Iterable[dict], environ: Mapping[str, str] = os.environ,
                  root: str = "/") -> dict[str, str]:
    """The secret behind each placeholder in `contact_points` (a saved plan's), read now;
    RoutingUnavailable names every one that is missing."""
    values, missing, unreadable = {}, [], []
    for point in contact_points:
        for value in (point.get("settings") or {}).values():
            found = _PLACEHOLDER.match(value) if isinstance(value, str) else None
            if not found or value in values:
                continue
            source, name = found.groups()
            if source == "env":
                if name in environ:
                    values[value] = environ[name]
                elif name not in missing:
                    missing.append(name)
                continue
            try:
                values[value] = Secret(name).read_file(root)
            except OSError as error:
                unreadable.append(f"{name}: {error.strerror}")
    problems = missing_secrets(missing, unreadable)
    if problems:
        raise RoutingUnavailable("notification routing: " + problems)
    return values
