"""The step of a panel's query and its `$__interval` / `$__rate_interval`, as Grafana computes
them for Prometheus, so that `verify` and `preview` ask Prometheus what Grafana would.

Grafana's frontend (packages/grafana-data/src/datetime/rangeutil.ts, calculateInterval) takes
range / max data points, rounds it to a "nice" duration (roundInterval, the table below) and
keeps it at or above the lower limit: the panel's min interval ("interval"), else the data
source's scrape interval. Max data points is the panel's setting, else its width in pixels.
The backend (pkg/promlib/models/query.go, calculatePrometheusInterval) never asks for more than
11,000 points (safeResolution), multiplies by the target's intervalFactor, and aligns the range
to the step (AlignTimeRange: start and end rounded down to a multiple of the step).
calculateRateInterval gives `$__rate_interval` = max(interval + scrape, 4 × scrape), where
"scrape" is the query's min step if it has one, else the data source's scrape interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dashsmith.model import durations

SCREEN_PIXELS = 1920  # the screen Grafana is assumed to be on, for a panel's width in pixels
GRID_COLUMNS = 24
SAFE_RESOLUTION = 11000  # Grafana never asks for more points than this

# Grafana's "nice" intervals (roundInterval): (at most this many ms, becomes this many ms).
_ROUNDING = [
    (10, 1), (15, 10), (35, 20), (75, 50), (150, 100), (350, 200), (750, 500), (1500, 1000),
    (3500, 2000), (7500, 5000), (12500, 10000), (17500, 15000), (25000, 20000),
    (45000, 30000), (90000, 60000), (210000, 120000), (450000, 300000), (750000, 600000),
    (1050000, 900000), (1500000, 1200000), (2700000, 1800000), (5400000, 3600000),
    (9000000, 7200000), (16200000, 10800000), (32400000, 21600000), (86400000, 43200000),
    (172800000, 86400000), (604800000, 86400000), (1814400000, 604800000),
    (3628800000, 2592000000),
]


def round_interval(seconds: float) -> float:
    millis = seconds * 1000
    for limit, rounded in _ROUNDING:
        if millis <= limit:
            return rounded / 1000
    return 31536000.0


def grafana_interval(range_seconds: float, min_interval: float, max_data_points: int) -> float:
    calculated = range_seconds / max_data_points
    interval = min_interval if calculated < min_interval else round_interval(calculated)
    return max(interval, round_interval(range_seconds / SAFE_RESOLUTION))


def rate_interval(interval: float, scrape_interval: float) -> float:
    return max(interval + scrape_interval, 4 * scrape_interval)


@dataclass(frozen=True)
class QueryInterval:
    """How Grafana runs one panel query over a range: every `step` seconds, with these values
    for `$__interval` (the step) and `$__rate_interval`."""

    interval: float  # before the target's intervalFactor
    step: float
    rate_interval: float

    def aligned(self, end: float, range_seconds: float) -> tuple[float, float]:
        """(start, end) of the range, both rounded down to a multiple of the step."""
        return aligned(end, range_seconds, self.step)


def aligned(end: float, range_seconds: float, step: float) -> tuple[float, float]:
    """Grafana's AlignTimeRange: (start, end) of a range ending at `end`, both rounded down to
    a multiple of `step`."""
    return (math.floor((end - range_seconds) / step) * step, math.floor(end / step) * step)


def max_data_points(panel: dict[str, Any]) -> int:
    """The panel's max data points: its setting, else its width in pixels on the screen."""
    width = (panel.get("gridPos") or {}).get("w") or GRID_COLUMNS
    return int(panel.get("maxDataPoints") or max(1, round(width * SCREEN_PIXELS / GRID_COLUMNS)))


def of_query(panel: dict[str, Any], target: dict[str, Any], range_seconds: float,
             scrape_interval: float) -> QueryInterval:
    """The interval of `target` in `panel` over a range, with the data source scraped every
    `scrape_interval` seconds."""
    min_interval_text = target.get("interval") or panel.get("interval") or ""
    min_interval = _duration(min_interval_text, scrape_interval)
    interval = grafana_interval(range_seconds, min_interval, max_data_points(panel))
    step = interval * (target.get("intervalFactor") or 1)
    return QueryInterval(interval, step, rate_interval(interval, min_interval))


def _duration(text: str, default: float) -> float:
    """A min interval's seconds; a variable ($__interval) or nothing means `default`. Grafana
    reads ">10s" and "<10s" as 10s too."""
    text = str(text).strip().strip("<>")
    if not text or text.startswith("$"):
        return default
    try:
        return durations.parse(text)
    except ValueError:
        return default
