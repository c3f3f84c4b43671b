"""The operators and functions of PromQL that its analysis treats apart."""

from __future__ import annotations

AGGREGATIONS = frozenset({"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk",
                          "bottomk", "quantile", "count_values", "limitk", "limit_ratio"})
SET_OPERATORS = frozenset({"and", "or", "unless"})
COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
# Functions that return a series exactly when their argument has none.
ABSENCE = frozenset({"absent", "absent_over_time"})
# Aggregations that keep the input series (and so their labels) rather than summarising them.
SELECTING_AGGREGATIONS = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})
