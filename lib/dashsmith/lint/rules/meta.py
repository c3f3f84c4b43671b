"""Rules about lint itself and the tools it runs: suppressions, and promtool's own findings."""

from __future__ import annotations

from ...problems import Severity
from ..rule import Rule


class LintConfig(Rule):
    """A suppression is malformed: no reason, an unknown rule, or a rule that cannot be off.

    Suppressions are written in setup.cfg for the whole project, one per line with a
    reason, or as a comment on (or just above) the declaring line. Structural rules (those
    build refuses) cannot be disabled.

    Anti-pattern:
        [dashsmith.lint]
        disable = promql/regexp

    Best practice:
        [dashsmith.lint]
        disable =
            promql/regexp: exporters name jobs by pattern; equality would need one per host

        timeseries(  # dashsmith: disable=panel/description -- the title says it all
    """

    id = "lint/config"


class UnusedSuppression(Rule):
    """A suppression suppresses nothing.

    The rule it turns off finds nothing there (any more): the suppression would only hide
    the next, unrelated mistake. Remove it.

    Anti-pattern:
        # dashsmith: disable=alert/for -- fires on the first scrape by design
        Alert("AppTargetMissing", ..., for_="5m")

    Best practice:
        Alert("AppTargetMissing", ..., for_="5m")
    """

    id = "lint/unused-suppression"
    severity = Severity.WARNING


class PromtoolCheckRules(Rule):
    """`promtool check rules` rejects a compiled rule file.

    lint runs Prometheus's own checker on the rule files it compiles (and on rule files
    given as paths) when promtool is installed (it must be where DASHSMITH_REQUIRE_LIVE is
    set, as in CI). Its findings are mapped back to the rule, or to the file. Findings lint
    already reported as errors at the same place are not repeated.

    Anti-pattern:
        two rules recording one series with the same labels in one group

    Best practice:
        what promtool says; `promtool check rules build/rules/*.yml` shows it too
    """

    id = "promtool/check-rules"
