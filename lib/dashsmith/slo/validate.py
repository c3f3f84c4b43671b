"""Problems that keep an SLO from generating its rules: build refuses on them."""

from __future__ import annotations

import re

from dashsmith.model import durations
from dashsmith.model.catalog import Catalog
from dashsmith.model.problems import Problem, Severity
from dashsmith.model.source import Source
from dashsmith.slo.declaration import SLO, WINDOW, Events, Latency
from dashsmith.slo.rules import LONGEST_WINDOW

NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,34}[a-z0-9])?$")


def problems(slos: list[SLO], catalog: Catalog) -> list[Problem]:
    found: list[Problem] = []
    seen: dict[str, Source] = {}
    for slo in slos:
        if slo.name in seen:
            found.append(_error("slo/duplicate", f"SLO '{slo.name}' is also declared at "
                                f"{seen[slo.name]}", slo))
        seen.setdefault(slo.name, slo.source)
        found += _slo_problems(slo, catalog)
    return found


def _error(rule: str, message: str, slo: SLO) -> Problem:
    return Problem(rule, Severity.ERROR, message, slo.source)


def _slo_problems(slo: SLO, catalog: Catalog) -> list[Problem]:
    found = []
    if not NAME.match(slo.name or ""):
        found.append(_error("slo/name", f"SLO name '{slo.name}' must be 1-36 characters of "
                            "a-z 0-9 and '-' (it names the rules and the dashboard uid)", slo))
    if not 0 < float(slo.objective) < 100:
        found.append(_error("slo/objective", f"objective {slo.objective} is not a percentage "
                            "between 0 and 100 (write 99.5 for 99.5%)", slo))
    found += _period_problems(slo)
    if isinstance(slo.sli, Events):
        found += _events_problems(slo, slo.sli)
    elif isinstance(slo.sli, Latency):
        found += _latency_problems(slo, slo.sli, catalog)
    else:
        found.append(_error("slo/sli", f"sli is a {type(slo.sli).__name__}; use "
                            "Events(...) or Latency(...)", slo))
    return found


def _period_problems(slo: SLO) -> list[Problem]:
    try:
        seconds = durations.parse(slo.period)
    except ValueError as error:
        return [_error("slo/period", str(error), slo)]
    if seconds <= durations.parse(LONGEST_WINDOW):
        return [_error("slo/period", f"period {slo.period} must be longer than the longest "
                       f"alert window ({LONGEST_WINDOW})", slo)]
    return []


def _events_problems(slo: SLO, sli: Events) -> list[Problem]:
    if (sli.errors is None) == (sli.good is None):
        return [_error("slo/sli", "Events needs either errors= or good= (with total=)", slo)]
    return [_error("slo/sli", f"SLI expression '{expr.strip()}' has no [{WINDOW}]: every "
                   "window would read the same range", slo)
            for expr in sli.expressions() if WINDOW not in expr]


def _latency_problems(slo: SLO, sli: Latency, catalog: Catalog) -> list[Problem]:
    metric = catalog.metrics.get(sli.histogram)
    if metric is None or metric.type != "histogram":
        return [_error("slo/sli", f"'{sli.histogram}' is not a histogram in the metric "
                       "catalog", slo)]
    buckets = [float(b) for b in metric.buckets or ()]
    if float(sli.below) not in buckets:
        listed = ", ".join(f"{b:g}" for b in buckets)
        return [_error("slo/bucket", f"{sli.below:g} s is not a bucket boundary of "
                       f"{sli.histogram} (buckets: {listed}); the SLI would count the wrong "
                       "events", slo)]
    return []
