"""What a lint rule is: an id, a severity, a docstring that explains it (first line: what it
catches; then why, an anti-pattern and a best practice), and the checks it makes.

A rule overrides the hooks for what it looks at; the runner calls only those:
  dashboard(doc, context)   a Grafana dashboard (JSON, with the lines behind it)
  query(site, context)      one PromQL expression that parsed (a panel target, a variable
                            query, a rule expression: `sites` says which it looks at);
                            `query_errors` rules also see those that did not parse
  rule(rule, context)       one alerting or recording rule
  alert_tests(suite, context)  the promtool unit tests next to the alerts (declared estate)
Each hook yields Problems, made with `self.problem(message, source)`.
"""

from __future__ import annotations

import inspect

from ..problems import Problem, Severity
from ..source import Source

HOOKS = ("dashboard", "query", "rule", "alert_tests")


class Rule:
    id: str = ""
    severity: Severity = Severity.ERROR
    # Checked by validate.py for the declared estate (build refuses these); lint reports them
    # from there, and checks external files itself where the rule applies to them.
    structural: bool = False
    query_errors: bool = False  # also sees expressions that did not parse
    sites: tuple[str, ...] = ("panel", "variable", "rule")  # the queries `query` looks at

    def dashboard(self, doc, context):
        return ()

    def query(self, site, context):
        return ()

    def rule(self, rule, context):
        return ()

    def alert_tests(self, suite, context):
        return ()

    def problem(self, message: str, source: Source, severity: Severity | None = None) -> Problem:
        return Problem(self.id, severity or self.severity, message, source)

    def hooks(self) -> list[str]:
        return [name for name in HOOKS
                if getattr(type(self), name) is not getattr(Rule, name)]

    @classmethod
    def summary(cls) -> str:
        return cls.explanation().split("\n", 1)[0]

    @classmethod
    def explanation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")
