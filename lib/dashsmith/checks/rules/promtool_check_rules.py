from __future__ import annotations

from dashsmith.checks.rule import Rule


class PromtoolCheckRules(Rule):
    """`promtool check rules` rejects a compiled rule file.

    lint runs Prometheus's own checker on the rule files it compiles (and on rule files
    given as paths) when promtool is installed (it must be where DASHSMITH_REQUIRE_LIVE is
    set, as in CI). Its findings, in promtool's words, are mapped back to the rule, or to the
    file. Findings lint already reported as errors at the same place are not repeated.

    Anti-pattern:
        two rules recording one series with the same labels in one group

    Best practice:
        what promtool says; `promtool check rules build/rules/*.yml` shows it too
    """

    id = "promtool/check-rules"
