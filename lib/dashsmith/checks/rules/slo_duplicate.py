from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloDuplicate(Rule):
    """Two SLOs have the same name.

    Their rules would record the same series (slo="<name>") and their dashboards share a uid.

    Anti-pattern:
        SLO(name="llm-latency", ...)   # in alerts/ai.py and again in alerts/slo.py

    Best practice:
        One SLO per name; name a second objective after what it measures ("llm-latency-p99").
    """

    id = "slo/duplicate"
    structural = True
