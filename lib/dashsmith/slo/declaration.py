"""A service level objective: what fraction of events must be good over a period.

The SLI is given as PromQL with `{{.window}}` where the range goes (Sloth's convention), so
that one declaration yields the error ratio over every window the burn-rate alerts read."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from dashsmith.model import durations
from dashsmith.model.source import Source, caller

WINDOW = "{{.window}}"


@dataclass
class Events:
    """Error ratio from event counts: `errors` / `total`, or 1 - `good` / `total`. Each is a
    PromQL expression over `[{{.window}}]`, e.g. 'sum(rate(x_total[{{.window}}]))'. Make them
    return 0, not nothing, when there were no such events (`... or vector(0)`)."""

    total: str
    errors: str | None = None
    good: str | None = None

    def error_events(self, window: str) -> str:
        if self.errors is not None:
            return _at(self.errors, window)
        if self.good is None:  # slo/sli: validation refuses an Events with neither
            raise ValueError("Events needs either errors= or good= (with total=)")
        return f"({_at(self.total, window)}) - ({_at(self.good, window)})"

    def all_events(self, window: str) -> str:
        return _at(self.total, window)

    def expressions(self) -> list[str]:
        return [e for e in (self.total, self.errors, self.good) if e is not None]


@dataclass
class Latency:
    """Good events are those faster than `below` seconds: the histogram's bucket at that bound
    out of its count. `below` must be one of the histogram's bucket boundaries."""

    histogram: str  # the metric name without _bucket, e.g. 'ai_latency_seconds'
    below: float
    selector: str = ""  # label matchers, e.g. 'tier="fast"'

    def error_events(self, window: str) -> str:
        return f"{self.all_events(window)} - {self._good(window)}"

    def all_events(self, window: str) -> str:
        return f"sum(rate({self.histogram}_count{_braces(self.selector)}[{window}]))"

    def _good(self, window: str) -> str:
        le = f'le=~"{bucket_regex(self.below)}"'
        matchers = f"{self.selector},{le}" if self.selector else le
        return f"sum(rate({self.histogram}_bucket{{{matchers}}}[{window}]))"

    def expressions(self) -> list[str]:
        return []


def bucket_regex(bound: float) -> str:
    """A PromQL regex string for a bucket's `le`, which Go clients write as '5' and Python's
    prometheus_client as '5.0'."""
    spellings = sorted({repr(float(bound)), repr(float(bound)).removesuffix(".0")})
    return "|".join(re.escape(s) for s in spellings).replace("\\", "\\\\")


def _at(expression: str, window: str) -> str:
    """The expression over `window`, without the indentation of its triple-quoted string."""
    return textwrap.dedent(expression).strip().replace(WINDOW, window)


def _braces(selector: str) -> str:
    return f"{{{selector}}}" if selector else ""


@dataclass
class SLO:
    """`objective` is a percentage (99.5) of good events over `period`."""

    name: str  # e.g. 'llm-availability'; labels the rules as slo="<name>"
    service: str
    objective: float
    sli: Events | Latency
    title: str  # for people: 'LLM availability'
    description: str = ""  # what counts as good, shown on the dashboard
    period: str = "30d"
    alert: str | None = None  # the alerts' stem, default the name in CamelCase: <stem>FastBurn
    page_severity: str = "critical"
    ticket_severity: str = "warning"
    # How long a burn must last: enough to ignore one odd evaluation, short next to the
    # windows (Pyrra waits 2m on its fastest pair).
    page_for: str = "2m"
    ticket_for: str = "15m"
    labels: dict[str, str] = field(default_factory=dict)
    runbook: str | None = None
    folder: str = "SLOs"
    expect_page_receivers: list[str] | None = None
    expect_ticket_receivers: list[str] | None = None
    source: Source = field(default_factory=caller, compare=False)

    @property
    def alert_stem(self) -> str:
        return self.alert or "".join(p.capitalize() for p in re.split(r"[-_ ]+", self.name))

    @property
    def page_alert(self) -> str:
        return f"{self.alert_stem}FastBurn"

    @property
    def ticket_alert(self) -> str:
        return f"{self.alert_stem}SlowBurn"

    @property
    def error_budget(self) -> Decimal:
        """The fraction of events that may be bad: 0.005 for 99.5%."""
        return (Decimal(100) - Decimal(str(self.objective))) / Decimal(100)

    @property
    def period_seconds(self) -> float:
        return durations.parse(self.period)

    @property
    def dashboard_uid(self) -> str:
        return f"slo-{self.name}"

    @property
    def selector(self) -> str:
        return f'{{slo="{self.name}"}}'


def number(value: Decimal | float) -> str:
    """A number as PromQL and people read it: 14.4, 6, 0.005."""
    return format(Decimal(str(value)).normalize(), "f")
