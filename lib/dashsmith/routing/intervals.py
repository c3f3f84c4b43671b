"""Whether a time falls in a declared time interval, as Alertmanager decides it
(timeinterval/timeinterval.go): a period holds when every field it sets holds; times are
[start, end) in the period's location; weekday, day-of-month (negative: from the month's end),
month and year ranges are inclusive ('monday:friday', '1:7', '-1', 'january:march')."""

from __future__ import annotations

import calendar
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dashsmith.routing.tree import Period, TimeInterval

WEEKDAYS = {name.lower(): (i + 1) % 7 for i, name in enumerate(calendar.day_name)}  # sunday=0
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def contains(interval: TimeInterval, when: datetime) -> bool:
    return any(_holds(period, when) for period in interval.periods)


def _holds(period: Period, when: datetime) -> bool:
    local = when.astimezone(ZoneInfo(period.location) if period.location else timezone.utc)
    minute = local.hour * 60 + local.minute
    last_day = calendar.monthrange(local.year, local.month)[1]
    checks = [
        (period.times, lambda r: _clock(r[0]) <= minute < _clock(r[1]), _time_range),
        (period.weekdays, lambda r: r[0] <= local.isoweekday() % 7 <= r[1],
         lambda t: _range(t, WEEKDAYS)),
        (period.days_of_month, lambda r: _day(r[0], last_day) <= local.day <= _day(r[1], last_day),
         lambda t: _range(t, {})),
        (period.months, lambda r: r[0] <= local.month <= r[1], lambda t: _range(t, MONTHS)),
        (period.years, lambda r: r[0] <= local.year <= r[1], lambda t: _range(t, {})),
    ]
    return all(not texts or any(test(parse(text)) for text in texts)
               for texts, test, parse in checks)


def _time_range(text: str) -> tuple[str, str]:
    start, _, end = text.partition("-")
    return start.strip(), end.strip()


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _range(text: str, names: dict[str, int]) -> tuple[int, int]:
    first, _, last = text.partition(":")
    values = [names[p.strip().lower()] if p.strip().lower() in names else int(p)
              for p in (first, last or first)]
    return values[0], values[1]


def _day(value: int, last_day: int) -> int:
    return last_day + value + 1 if value < 0 else value
