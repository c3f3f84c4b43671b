"""What a rule is: an id, a severity, a docstring that explains it (first line: what it
catches; then why, an `Anti-pattern:` and a `Best practice:`), and the checks it makes.

A rule overrides the hooks for what it looks at; the runners call only those:
  declared(estate, context)   the Python declarations as a whole (metrics, dashboards as
                              declared, the routing, the generated metrics module); build
                              runs the structural rules' too, lint every rule's
  rule_file(doc, context)     a Prometheus rule file: a module under alerts/ as build compiles
                              it, or a file read from a path (subjects.RuleFileDoc)
  dashboard(doc, context)     a Grafana dashboard (JSON, with the lines behind it)
  rule(rule, context)         one alerting or recording rule
  query(site, context)        one PromQL expression that parsed (a panel target, a variable
                              query, a rule expression: `sites` says which it looks at);
                              `query_errors` rules also see those that did not parse
  alert_tests(suite, context) the promtool unit tests next to the alerts (declared estate)
Each hook yields Problems, made with `self.problem(message, source)`.

A structural rule is one build refuses: validate runs its `declared` and `rule_file` hooks on
the declarations (for build and lint alike); its `dashboard` hook sees dashboards read from
files only, since declared ones were checked as declared. Such a rule cannot be turned off.

A rule with no hook is reported by code of its own (verify, deploy, the routing, the
renderer, the SLO expansion); its entry documents it so that `dashsmith lint --explain` and
suppressions know every id a user can see. `reported_by` names the commands that report it.
"""

from __future__ import annotations

import inspect

from dashsmith.model.problems import Problem, Severity
from dashsmith.model.source import Source

HOOKS = ("declared", "rule_file", "dashboard", "rule", "query", "alert_tests")


class Rule:
    id: str = ""
    # Ids the rule had before a rename: suppressions still accept them, and `--explain` says
    # they are deprecated.
    former_ids: tuple[str, ...] = ()
    severity: Severity = Severity.ERROR
    structural: bool = False  # build refuses it, so it cannot be turned off
    reported_by: tuple[str, ...] = ()  # the commands reporting it; see commands()
    query_errors: bool = False  # also sees expressions that did not parse
    sites: tuple[str, ...] = ("panel", "variable", "rule")  # the queries `query` looks at
    # Its findings compare what it checks with other things of the run (context.seen: an
    # earlier rule or dashboard; another group of the file): when files are checked by
    # several processes (linter/runner.py), it sees every subject, whole, in one of them. A
    # rule that does not compare may see a rule file in parts of whole groups there.
    compares: bool = False
    # Its findings come from the metric catalog alone (context.series, context.histogram):
    # without a catalog it has nothing to say, and the runner does not ask it.
    needs_catalog: bool = False

    def declared(self, estate, context):
        return ()

    def rule_file(self, doc, context):
        return ()

    def dashboard(self, doc, context):
        return ()

    def rule(self, rule, context):
        return ()

    def query(self, site, context):
        return ()

    def alert_tests(self, suite, context):
        return ()

    def problem(self, message: str, source: Source, severity: Severity | None = None) -> Problem:
        return Problem(self.id, severity or self.severity, message, source)

    def hooks(self) -> list[str]:
        return [name for name in HOOKS
                if getattr(type(self), name) is not getattr(Rule, name)]

    @classmethod
    def commands(cls) -> tuple[str, ...]:
        """The dashsmith commands whose output can hold this rule's findings."""
        if cls.reported_by:
            return cls.reported_by
        return ("build", "lint") if cls.structural else ("lint",)

    @classmethod
    def summary(cls) -> str:
        """What the rule catches: the docstring's first paragraph, on one line."""
        return " ".join(cls.explanation().split("\n\n", 1)[0].split())

    @classmethod
    def explanation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")
