"""The routing declaration: receivers, the tree of routes, inhibition rules and time intervals.

Routes follow Alertmanager's semantics: a child route inherits its parent's receiver, grouping
and timings unless it sets its own; an alert goes down the first child that matches (and the
next ones too while a matched child has `continue_=True`); the deepest matches notify."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashsmith.model.source import Source, caller
from dashsmith.routing.matchers import Matcher, matchers
from dashsmith.routing.secrets import Secret


@dataclass
class Route:
    matchers: tuple[Matcher, ...] = ()  # dict, matcher string, Matcher, or a list of these
    receiver: str | None = None  # default: the parent's
    routes: list[Route] = field(default_factory=list)
    continue_: bool = False
    group_by: list[str] | None = None  # ["..."] groups by every label
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute: list[str] = field(default_factory=list)  # time intervals when it is muted
    active: list[str] = field(default_factory=list)  # time intervals when it is active
    source: Source = field(default_factory=caller, compare=False)

    def __post_init__(self):
        self.matchers = matchers(self.matchers)

    def walk(self):
        yield self
        for child in self.routes:
            yield from child.walk()


@dataclass
class Inhibit:
    """While an alert matching `by` fires, alerts matching `target` with the same values of
    the `equal` labels are not notified."""

    target: tuple[Matcher, ...]
    by: tuple[Matcher, ...]
    equal: list[str] = field(default_factory=list)
    source: Source = field(default_factory=caller, compare=False)

    def __post_init__(self):
        self.target = matchers(self.target)
        self.by = matchers(self.by)


@dataclass
class Period:
    """One recurring period, as in Alertmanager's time_intervals: every field given must hold.
    `times` are 'HH:MM-HH:MM' ranges; weekdays, days_of_month, months and years take
    Alertmanager's values and ranges ('monday:friday', '1:7', 'january')."""

    times: list[str] = field(default_factory=list)
    weekdays: list[str] = field(default_factory=list)
    days_of_month: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    location: str | None = None  # an IANA time zone; default UTC


@dataclass
class TimeInterval:
    name: str
    periods: list[Period]
    source: Source = field(default_factory=caller, compare=False)


@dataclass
class Smtp:
    """The mail server for Email receivers (Alertmanager's global smtp_* settings)."""

    smarthost: str  # host:port
    sender: str
    auth_username: str | None = None
    auth_password: Secret | None = None
    require_tls: bool = True


@dataclass
class Routing:
    """Who hears about which alert. The root route's fields come first; it matches every
    alert, so `receiver` is where an alert goes that no child route takes."""

    receiver: str
    receivers: list
    routes: list[Route] = field(default_factory=list)
    group_by: list[str] = field(default_factory=lambda: ["alertname"])
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"
    inhibit: list[Inhibit] = field(default_factory=list)
    time_intervals: list[TimeInterval] = field(default_factory=list)
    smtp: Smtp | None = None
    resolve_timeout: str | None = None
    source: Source = field(default_factory=caller, compare=False)

    @property
    def root(self) -> Route:
        """The root as a Route: what matching and compiling walk."""
        return Route((), self.receiver, self.routes, False, list(self.group_by), self.group_wait,
                     self.group_interval, self.repeat_interval, source=self.source)

    def receiver_named(self, name: str):
        return next((r for r in self.receivers if r.name == name), None)

    def secrets(self) -> list[Secret]:
        found = [s for r in self.receivers for i in r.integrations for s in i.secrets()]
        if self.smtp and self.smtp.auth_password:
            found.append(self.smtp.auth_password)
        return found
