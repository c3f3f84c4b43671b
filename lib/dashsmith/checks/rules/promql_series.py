from __future__ import annotations

from dashsmith.checks.rule import Rule


class PromqlSeries(Rule):
    """A selector matched no series over the range (verify).

    The message says which part is to blame: no series has that name ("did you mean ..."
    from the live names, or a note that the catalog or a recording rule makes it), no
    series has one of the matchers (with the values the label does have), or none has all
    of them together. Selectors inside absent() are skipped. An error for panels, a warning
    for rules.

    Anti-pattern:
        sum(rate(ai_completion_total{job=~"$job"}[$__rate_interval]))

    Best practice:
        sum(rate(ai_completions_total{job=~"$job"}[$__rate_interval]))
    """

    id = "promql/series"
    reported_by = ("verify",)
