from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloName(Rule):
    """An SLO's name is not 1-36 characters of a-z, 0-9 and '-'.

    The name labels the SLO's rules (slo="<name>") and makes its dashboard's uid
    (slo-<name>), which Grafana limits to 40 characters. (Checked as the SLO is expanded into
    rules, by dashsmith.slo.)

    Anti-pattern:
        SLO(name="LLM Availability", ...)

    Best practice:
        SLO(name="llm-availability", ...)
    """

    id = "slo/name"
    structural = True
