"""dashsmith: Grafana dashboards and Prometheus alert rules, declared in Python.

The names below are what declaration modules use; see README.md for how they fit together.
"""

from . import durations
from .catalog import Counter, Gauge, Histogram, Label, Summary
from .dashboard import (
    DATASOURCE,
    Dashboard,
    Row,
    Variable,
    custom_variable,
    datasource_variable,
    label_variable,
)
from .panels import Query, barchart, bargauge, gauge, panel, piechart, stat, table, text, timeseries
from .routing import (
    Email,
    Inhibit,
    PagerDuty,
    Period,
    Receiver,
    Route,
    Routing,
    Slack,
    Smtp,
    TimeInterval,
    Webhook,
    alerts_of,
    secret_env,
    secret_file,
)
from .rules import Alert, Record, RuleGroup
from .selectors import Selector
from .slo import SLO, Events, Latency
from .verbatim import library_panel, plugin_panel

__all__ = [
    "DATASOURCE", "Selector", "Variable", "durations", "library_panel", "plugin_panel",
    "Alert", "Counter", "Dashboard", "Email", "Events", "Gauge", "Histogram", "Inhibit", "Label",
    "Latency", "PagerDuty", "Period", "Query", "Receiver", "Record", "Route", "Routing", "Row",
    "RuleGroup", "SLO", "Slack", "Smtp", "Summary", "TimeInterval", "Webhook", "alerts_of",
    "barchart", "bargauge", "custom_variable", "datasource_variable", "gauge", "label_variable",
    "panel", "piechart", "secret_env", "secret_file", "stat", "table", "text", "timeseries",
]
