"""Where an alert goes: the routing tree walked as Alertmanager walks it (dispatch/route.go),
which is what `amtool config routes test` prints, and inhibition as Alertmanager applies it
(inhibit/inhibit.go)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dashsmith.routing import intervals
from dashsmith.routing.matchers import all_match
from dashsmith.routing.tree import Route, Routing

GROUP_BY_ALL = "..."


@dataclass(frozen=True)
class Destination:
    """A matched route with the options it inherited: one notification pipeline."""

    receiver: str
    group_by: tuple[str, ...]  # ("...",) groups by all labels
    group_wait: str
    group_interval: str
    repeat_interval: str
    mute: tuple[str, ...]
    active: tuple[str, ...]
    route: Route

    def silent_at(self, routing: Routing, when: datetime) -> bool:
        """Whether this route holds its notifications at `when`: in one of its mute intervals,
        or outside all of its active intervals."""
        named = {t.name: t for t in routing.time_intervals}
        if any(intervals.contains(named[name], when) for name in self.mute if name in named):
            return True
        return bool(self.active) and not any(intervals.contains(named[name], when)
                                             for name in self.active if name in named)

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        """The labels this alert's notification group is keyed by."""
        if GROUP_BY_ALL in self.group_by:
            return dict(labels)
        return {name: labels[name] for name in self.group_by if labels.get(name)}


def destinations(routing: Routing, labels: Mapping[str, str]) -> list[Destination]:
    """Every route an alert with these labels is notified through, in tree order."""
    root = routing.root
    return _match(root, _options(root, None), labels) or []


def receivers(routing: Routing, labels: Mapping[str, str]) -> list[str]:
    return [d.receiver for d in destinations(routing, labels)]


def _options(route: Route, parent: Destination | None) -> Destination:
    def pick(name):
        own = getattr(route, name)
        return own if own is not None else getattr(parent, name)

    return Destination(
        receiver=route.receiver or _parent(parent).receiver,
        group_by=tuple(route.group_by) if route.group_by is not None else _parent(parent).group_by,
        group_wait=pick("group_wait"),
        group_interval=pick("group_interval"),
        repeat_interval=pick("repeat_interval"),
        # Alertmanager does not pass time intervals down to child routes.
        mute=tuple(route.mute),
        active=tuple(route.active),
        route=route,
    )


def _parent(parent: Destination | None) -> Destination:
    """The parent's options; only the root has none, and it sets receiver and group_by."""
    if parent is None:
        raise ValueError("the root route must set receiver and group_by")
    return parent


def _match(route: Route, options: Destination, labels) -> list[Destination] | None:
    if not all_match(route.matchers, labels):
        return None
    found: list[Destination] = []
    for child in route.routes:
        matched = _match(child, _options(child, options), labels)
        if matched is not None:
            found.extend(matched)
            if not child.continue_:
                break
    return found or [options]


def inhibited(routing: Routing, firing: Sequence[Mapping[str, str]]) -> list[bool]:
    """For each firing alert, whether another firing alert inhibits it. An alert that matches
    both sides of a rule is not inhibited by alerts that do too (as in Alertmanager)."""
    result = []
    for labels in firing:
        result.append(any(_inhibits(rule, labels, firing) for rule in routing.inhibit))
    return result


def _inhibits(rule, labels, firing) -> bool:
    if not all_match(rule.target, labels):
        return False
    two_sided = all_match(rule.by, labels)
    for other in firing:
        if other is labels or not all_match(rule.by, other):
            continue
        if any(other.get(name, "") != labels.get(name, "") for name in rule.equal):
            continue
        if two_sided and all_match(rule.target, other):
            continue
        return True
    return False
