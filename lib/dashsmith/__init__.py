"""dashsmith: Grafana dashboards and Prometheus alert rules, declared in Python.

The names below are what declaration modules use; see README.md for how they fit together.
"""

from dashsmith.model import durations
from dashsmith.model.catalog import Counter, Gauge, Histogram, Label, Summary
from dashsmith.model.dashboard import (
    DATASOURCE,
    Dashboard,
    Row,
    Variable,
    custom_variable,
    datasource_variable,
    label_variable,
)
from dashsmith.model.panels import (
    Query,
    barchart,
    bargauge,
    gauge,
    panel,
    piechart,
    stat,
    table,
    text,
    timeseries,
)
from dashsmith.model.rules import Alert, Record, RuleGroup
from dashsmith.model.selectors import Selector
from dashsmith.model.verbatim import library_panel, plugin_panel
from dashsmith.routing import (
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
from dashsmith.slo import SLO, Events, Latency

__all__ = [
    "DATASOURCE", "Selector", "Variable", "durations", "library_panel", "plugin_panel",
    "Alert", "Counter", "Dashboard", "Email", "Events", "Gauge", "Histogram", "Inhibit", "Label",
    "Latency", "PagerDuty", "Period", "Query", "Receiver", "Record", "Route", "Routing", "Row",
    "RuleGroup", "SLO", "Slack", "Smtp", "Summary", "TimeInterval", "Webhook", "alerts_of",
    "barchart", "bargauge", "custom_variable", "datasource_variable", "gauge", "label_variable",
    "panel", "piechart", "secret_env", "secret_file", "stat", "table", "text", "timeseries",
]
