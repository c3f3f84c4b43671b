"""The routing declaration compiled to Alertmanager's configuration (alertmanager.yml)."""

from __future__ import annotations

from dashsmith.model import durations
from dashsmith.routing.secrets import Secret, rebased
from dashsmith.routing.tree import Inhibit, Period, Route, Routing, TimeInterval


def config(routing: Routing, *, secrets_root: str = "/", webhook: str | None = None,
           max_wait: str | None = None) -> dict:
    """alertmanager.yml as data.

    For running the real routing in a test, without touching anything else about it:
    `secrets_root` moves every secret file under a directory; `webhook` replaces each
    receiver's integrations with one webhook to that URL; `max_wait` caps group_wait and
    group_interval."""
    data: dict = {}
    settings = _global(routing, secrets_root)
    if settings:
        data["global"] = settings
    data["route"] = _route(routing.root, max_wait)
    if routing.inhibit:
        data["inhibit_rules"] = [_inhibit_rule(rule) for rule in routing.inhibit]
    data["receivers"] = [_receiver(r, secrets_root, webhook) for r in routing.receivers]
    if routing.time_intervals:
        data["time_intervals"] = [time_interval(t) for t in routing.time_intervals]
    return data


def _global(routing: Routing, secrets_root: str) -> dict:
    data: dict[str, str | bool] = {}
    if routing.resolve_timeout:
        data["resolve_timeout"] = routing.resolve_timeout
    smtp = routing.smtp
    if smtp:
        data.update(smtp_smarthost=smtp.smarthost, smtp_from=smtp.sender,
                    smtp_require_tls=smtp.require_tls)
        if smtp.auth_username:
            data["smtp_auth_username"] = smtp.auth_username
        if smtp.auth_password:
            data["smtp_auth_password_file"] = rebased(smtp.auth_password.path, secrets_root)
    return data


def _route(route: Route, max_wait: str | None) -> dict:
    data: dict = {}
    if route.receiver:
        data["receiver"] = route.receiver
    if route.matchers:
        data["matchers"] = [str(m) for m in route.matchers]

    def timing(name: str, value: str) -> str:
        return value if name == "repeat_interval" else _capped(value, max_wait)

    data.update(route_options(route, timing))
    if route.routes:
        data["routes"] = [_route(child, max_wait) for child in route.routes]
    return data


def route_options(route: Route, timing=lambda name, value: value) -> dict:
    """The options a route sets itself, named alike in alertmanager.yml and Grafana's
    notification policies; `timing` may change a duration."""
    data: dict = {}
    if route.group_by is not None:
        data["group_by"] = list(route.group_by)
    for name in ("group_wait", "group_interval", "repeat_interval"):
        value = getattr(route, name)
        if value is not None:
            data[name] = timing(name, value)
    if route.mute:
        data["mute_time_intervals"] = list(route.mute)
    if route.active:
        data["active_time_intervals"] = list(route.active)
    if route.continue_:
        data["continue"] = True
    return data


def _capped(value: str, max_wait: str | None) -> str:
    if not max_wait:
        return value
    return durations.format(min(durations.parse(value), durations.parse(max_wait)))


def _inhibit_rule(rule: Inhibit) -> dict:
    data = {"source_matchers": [str(m) for m in rule.by],
            "target_matchers": [str(m) for m in rule.target]}
    if rule.equal:
        data["equal"] = list(rule.equal)
    return data


def _receiver(receiver, secrets_root: str, webhook: str | None) -> dict:
    data = {"name": receiver.name}
    if webhook and not receiver.black_hole:
        data["webhook_configs"] = [{"url": webhook, "send_resolved": True}]
        return data

    def path(secret: Secret) -> str:
        return rebased(secret.path, secrets_root)

    for integration in receiver.integrations:
        data.setdefault(f"{integration.kind}_configs", []).append(integration.alertmanager(path))
    return data


def time_interval(interval: TimeInterval) -> dict:
    return {"name": interval.name, "time_intervals": [_period(p) for p in interval.periods]}


def _period(period: Period) -> dict:
    data: dict = {}
    if period.times:
        data["times"] = [_time_range(t) for t in period.times]
    for name in ("weekdays", "days_of_month", "months", "years"):
        if getattr(period, name):
            data[name] = list(getattr(period, name))
    if period.location:
        data["location"] = period.location
    return data


def _time_range(text: str) -> dict:
    start, _, end = text.partition("-")
    return {"start_time": start.strip(), "end_time": end.strip()}

