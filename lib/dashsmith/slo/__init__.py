"""Service level objectives: one declaration → recording rules, burn-rate alerts and a
dashboard. Discovery expands each SLO into an ordinary rule group and dashboard, so that every
command (lint, verify, deploy, diff) handles them like any other."""

from __future__ import annotations

from .dashboard import slo_dashboard
from .declaration import SLO, Events, Latency
from .rules import rule_group
from .validate import problems

__all__ = ["SLO", "Events", "Latency", "problems", "rule_group", "slo_dashboard"]

