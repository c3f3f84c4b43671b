"""dashsmith: Grafana dashboards and Prometheus alert rules, declared in Python.

The names below are what declaration modules use; see README.md for how they fit together.
"""

from .catalog import Counter, Gauge, Histogram, Label, Summary
from .dashboard import Dashboard, Row, custom_variable, datasource_variable, label_variable
from .panels import (Query, bargauge, barchart, gauge, panel, piechart, stat, table, text,
                     timeseries)
from .rules import Alert, Record, RuleGroup

__all__ = [
    "Alert", "Counter", "Dashboard", "Gauge", "Histogram", "Label", "Query", "Record", "Row",
    "RuleGroup", "Summary", "barchart", "bargauge", "custom_variable", "datasource_variable",
    "gauge", "label_variable", "panel", "piechart", "stat", "table", "text", "timeseries",
]
