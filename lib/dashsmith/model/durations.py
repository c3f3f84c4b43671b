"""Prometheus durations ('1h30m', '5m', '90s', '1d') as seconds and back."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
# Prometheus's grammar: a bare "0", or units each at most once, largest first ("1h30m", not
# "30m1h", which Prometheus refuses to load).
_WHOLE = re.compile(r"^(?:0|(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$")
EXAMPLES = "e.g. 30s, 5m, 1h30m: units y w d h m s ms, largest first"


def is_duration(text: object) -> bool:
    return isinstance(text, str) and bool(_WHOLE.match(text.strip()))


def parse(text: str) -> float:
    """Seconds in a Prometheus duration; ValueError if it is not one."""
    text = str(text).strip()
    if not _WHOLE.match(text):
        raise ValueError(f"not a duration: {text!r} ({EXAMPLES})")
    return sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))


def format(seconds: float) -> str:
    """The shortest Prometheus spelling of a duration: 300 → '5m', 5400 → '1h30m'."""
    if seconds == 0:
        return "0s"
    millis = round(seconds * 1000)
    out = ""
    for unit in ("y", "w", "d", "h", "m", "s", "ms"):
        size = round(_UNITS[unit] * 1000)
        count, millis = divmod(millis, size)
        if count:
            out += f"{count}{unit}"
    return out
