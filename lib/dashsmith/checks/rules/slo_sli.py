from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloSli(Rule):
    """An SLO's SLI cannot be computed: not Events(...) or Latency(...), Events without
    errors= or good=, an expression without [{{.window}}], or a Latency histogram the catalog
    does not declare.

    Each alert window replaces [{{.window}}] with its own range; an expression without it
    would read the same range in every window.

    Anti-pattern:
        Events(errors="sum(rate(ai_errors_total[5m]))", total="...")

    Best practice:
        Events(errors="sum(rate(ai_errors_total[{{.window}}])) or vector(0)", total="...")
    """

    id = "slo/sli"
    structural = True
