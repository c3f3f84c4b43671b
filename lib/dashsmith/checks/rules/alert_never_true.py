from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertNeverTrue(Rule):
    """A condition of an alert returned no series at all over the range (verify).

    Each branch of `or` and both sides of `and` are checked: the compared operand, or for a
    comparison of two vectors the `bool` comparison, whose two sides never match. Such an
    alert can never fire, whatever the values.

    Anti-pattern:
        max by (instance) (pg_settings_max_connections)
          - max by (job) (pg_stat_activity_count) < 10

    Best practice:
        max by (instance) (pg_settings_max_connections)
          - max by (instance) (pg_stat_activity_count) < 10
    """

    id = "alert/never-true"
    former_ids = ("alerts/never-true",)  # its namespace was the one plural one
    severity = Severity.WARNING
    reported_by = ("verify",)
