"""Service level objectives: one declaration → recording rules, burn-rate alerts and a
dashboard. Discovery expands each SLO into an ordinary rule group and dashboard, so that every
command (lint, verify, deploy, diff) handles them like any other."""

from __future__ import annotations

from dashsmith.slo.dashboard import slo_dashboard
from dashsmith.slo.declaration import SLO, Events, Latency
from dashsmith.slo.rules import rule_group
from dashsmith.slo.validate import problems

__all__ = ["SLO", "Events", "Latency", "problems", "rule_group", "slo_dashboard"]

