"""PromQL analysis, one layer for every command (lint and verify define none of their own).

  tree       parse(text) → Expression: plain nodes that know their parent (selectors, calls,
             aggregations, binary operations), Grafana variables replaced by stand-ins and
             restored in messages
  labels     the labels a result can carry, and which aggregation or matching removed one
  position   where in the text a syntax error is (the parser reports none)
  parts      the parser's own nodes, which print back as PromQL: the parts of an expression
             that can be evaluated on their own (selectors, inputs, an alert's conditions)
  operators  the operators and functions the analysis treats apart
  names      what Prometheus accepts as a label or metric name

The names below are the tree and the label flow, as the lint rules use them.
"""

from dashsmith.promql.labels import available_labels, dropped_by, output_labels
from dashsmith.promql.operators import AGGREGATIONS, COMPARISONS, SET_OPERATORS
from dashsmith.promql.tree import (
           Aggregate,
           Binary,
           Call,
           Expression,
           Matcher,
           Node,
           Number,
           ParseError,
           Selector,
           String,
           Subquery,
           Unary,
           is_scalar,
           parse,
)

__all__ = ["AGGREGATIONS", "COMPARISONS", "SET_OPERATORS", "Aggregate", "Binary", "Call",
           "Expression", "Matcher", "Node", "Number", "ParseError", "Selector", "String",
           "Subquery", "Unary", "available_labels", "dropped_by", "is_scalar",
           "output_labels", "parse"]
