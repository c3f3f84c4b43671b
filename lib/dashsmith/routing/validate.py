"""Structural problems of a routing declaration: what would make Alertmanager refuse the
compiled file, or send an alert nowhere by mistake. Build refuses on the errors."""

from __future__ import annotations

import re

from .. import durations
from ..problems import Problem, Severity
from .matchers import LABEL_NAME
from .receivers import INTEGRATIONS
from .secrets import Secret
from .tree import Routing

_CLOCK = re.compile(r"^\s*([01]\d|2[0-3]):[0-5]\d\s*-\s*(([01]\d|2[0-3]):[0-5]\d|24:00)\s*$")
_SECRET_FIELDS = {"Slack": "api_url", "PagerDuty": "routing_key"}


def problems(routing: Routing | None) -> list[Problem]:
    if routing is None:
        return []
    found = _receiver_problems(routing)
    found += _route_problems(routing)
    found += _inhibit_problems(routing)
    found += _interval_problems(routing)
    return found


def _error(rule: str, message: str, source) -> Problem:
    return Problem(rule, Severity.ERROR, message, source)


def _receiver_problems(routing: Routing) -> list[Problem]:
    found, seen = [], {}
    for receiver in routing.receivers:
        if receiver.name in seen:
            found.append(_error("routing/duplicate", f"receiver '{receiver.name}' is declared "
                                f"twice (first at {seen[receiver.name]})", receiver.source))
        seen.setdefault(receiver.name, receiver.source)
        for integration in receiver.integrations:
            found += _integration_problems(receiver, integration)
    used = {route.receiver for route in routing.root.walk()}
    for receiver in routing.receivers:
        if receiver.name not in used:
            found.append(Problem("routing/unused-receiver", Severity.WARNING,
                                 f"no route sends to receiver '{receiver.name}'", receiver.source))
    return found


def _integration_problems(receiver, integration) -> list[Problem]:
    if not isinstance(integration, INTEGRATIONS):
        return [_error("routing/receiver", f"receiver '{receiver.name}' has a "
                       f"{type(integration).__name__}; use Slack, Email, Webhook or PagerDuty",
                       receiver.source)]
    field = _SECRET_FIELDS.get(type(integration).__name__)
    if field and not isinstance(getattr(integration, field), Secret):
        return [_error("routing/secret", f"{type(integration).__name__} {field} of receiver "
                       f"'{receiver.name}' must be secret_file(...) or secret_env(...), so that "
                       "it is never written into the build", integration.source)]
    return []


def _route_problems(routing: Routing) -> list[Problem]:
    found = []
    receivers = {r.name for r in routing.receivers}
    intervals = {t.name for t in routing.time_intervals}
    for route in routing.root.walk():
        if route.receiver is not None and route.receiver not in receivers:
            found.append(_error("routing/receiver", f"route sends to receiver '{route.receiver}', "
                                "which is not declared", route.source))
        for name in [*route.mute, *route.active]:
            if name not in intervals:
                found.append(_error("routing/time-interval", f"route names time interval "
                                    f"'{name}', which is not declared", route.source))
        for name in ("group_wait", "group_interval", "repeat_interval"):
            found += _duration_problems(getattr(route, name), name, route.source)
        for label in route.group_by or []:
            if label != "..." and not LABEL_NAME.match(label):
                found.append(_error("routing/group-by", f"group_by has '{label}', which is not "
                                    "a label name", route.source))
    return found


def _duration_problems(value, name, source) -> list[Problem]:
    if value is None:
        return []
    try:
        seconds = durations.parse(value)
    except ValueError as error:
        return [_error("routing/duration", f"{name}: {error}", source)]
    if seconds <= 0 and name != "group_wait":
        return [_error("routing/duration", f"{name} must be longer than 0s", source)]
    return []


def _inhibit_problems(routing: Routing) -> list[Problem]:
    found = []
    for rule in routing.inhibit:
        if not rule.target or not rule.by:
            found.append(_error("routing/inhibit", "an inhibition needs matchers on both sides "
                                "(target and by); without, it matches every alert", rule.source))
        for label in rule.equal:
            if not LABEL_NAME.match(label):
                found.append(_error("routing/inhibit", f"equal has '{label}', which is not a "
                                    "label name", rule.source))
    return found


def _interval_problems(routing: Routing) -> list[Problem]:
    found, seen = [], set()
    for interval in routing.time_intervals:
        if interval.name in seen:
            found.append(_error("routing/duplicate", f"time interval '{interval.name}' is "
                                "declared twice", interval.source))
        seen.add(interval.name)
        for period in interval.periods:
            for text in period.times:
                if not _CLOCK.match(text):
                    found.append(_error("routing/time-interval", f"time range '{text}' of "
                                        f"'{interval.name}' is not HH:MM-HH:MM", interval.source))
    return found
