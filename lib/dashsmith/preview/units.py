"""Values as a Grafana panel shows them, for the common units: '12.5%', '350 ms', '$3.20'."""

from __future__ import annotations

import math

_RATES = {"reqps": "req/s", "rps": "req/s", "reqpm": "req/min", "ops": "ops/s", "opm": "ops/min",
          "wps": "wr/s", "rpm": "req/min", "iops": "io/s", "pps": "p/s", "cps": "c/s"}
_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_DECIMAL_BYTES = ("B", "kB", "MB", "GB", "TB", "PB")


def format_value(value: float, unit: str | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    unit = unit or ""
    if unit == "percentunit":
        return f"{_significant(value * 100)}%"
    if unit == "percent":
        return f"{_significant(value)}%"
    if unit in ("s", "ms", "µs", "ns"):
        return _duration(value * {"s": 1, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}[unit])
    if unit in ("Bps", "binBps"):
        return _scaled(value, 1000 if unit == "Bps" else 1024,
                       _DECIMAL_BYTES if unit == "Bps" else _BINARY) + "/s"
    if unit in ("bytes", "decbytes"):
        return _scaled(value, 1024 if unit == "bytes" else 1000,
                       _BINARY if unit == "bytes" else _DECIMAL_BYTES)
    if unit.startswith("currency"):
        symbol = {"currencyUSD": "$", "currencyEUR": "€", "currencyGBP": "£"}.get(unit, "")
        return f"{symbol}{value:,.2f}"
    if unit.startswith("suffix:"):
        return f"{compact(value)}{unit[len('suffix:'):]}"
    if unit in _RATES:
        return f"{compact(value)} {_RATES[unit]}"
    if unit in ("", "none", "short"):
        return compact(value)
    return f"{compact(value)} {unit}"


# A time axis's tick steps, in seconds, as a clock reads them (not 1.33 min).
_DURATION_STEPS = [m * 10.0 ** e for e in range(-6, 0) for m in (1, 2, 5)] + \
    [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
     172800, 604800]


def duration_tick_step(span: float, unit: str, most: int) -> float | None:
    """For an axis in a time unit: the tick step (in the unit) that puts at most `most` ticks
    on `span`; None for other units, whose decimal steps read well."""
    scale = {"s": 1, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}.get(unit)
    if scale is None or span <= 0:
        return None
    seconds = span * scale
    for step in _DURATION_STEPS:
        if seconds / step <= most:
            return step / scale
    return None


def compact(value: float) -> str:
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{_significant(value / size)}{suffix}"
    return _significant(value)


def _significant(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return str(0 if value == 0 else value)
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    text = f"{value:.{min(digits, 6)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _duration(seconds: float) -> str:
    if seconds == 0:
        return "0 s"
    if abs(seconds) < 1e-3:
        return f"{_significant(seconds * 1e6)} µs"
    if abs(seconds) < 1:
        return f"{_significant(seconds * 1e3)} ms"
    for size, name in ((86400, "day"), (3600, "hour"), (60, "min")):
        if abs(seconds) >= size:
            return f"{_significant(seconds / size)} {name}"
    return f"{_significant(seconds)} s"


def _scaled(value: float, base: int, names: tuple[str, ...]) -> str:
    index = 0
    while abs(value) >= base and index < len(names) - 1:
        value /= base
        index += 1
    return f"{_significant(value)} {names[index]}"
