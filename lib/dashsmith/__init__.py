"""dashsmith: Grafana dashboards and Prometheus alert rules, declared in Python.

The names below are what declaration modules use; see README.md for how they fit together.
Each is imported on first use (PEP 562): `import dashsmith`, which every command pays, then
costs nothing, and a command that reads no dashboard (lint of rule files) never imports the
dashboard model and grafanalib behind it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name → the module that defines it (the name itself when it is a module)
_EXPORTS = {
    "durations": "dashsmith.model.durations",
    **dict.fromkeys(("Counter", "Gauge", "Histogram", "Label", "Summary"),
                    "dashsmith.model.catalog"),
    **dict.fromkeys(("DATASOURCE", "Dashboard", "Row", "Variable", "custom_variable",
                     "datasource_variable", "interval_variable", "label_variable",
                     "text_variable"), "dashsmith.model.dashboard"),
    **dict.fromkeys(("Query", "barchart", "bargauge", "gauge", "panel", "piechart", "stat",
                     "table", "text", "timeseries"), "dashsmith.model.panels"),
    **dict.fromkeys(("Alert", "Record", "RuleGroup"), "dashsmith.model.rules"),
    "Selector": "dashsmith.model.selectors",
    **dict.fromkeys(("library_panel", "plugin_panel"), "dashsmith.model.verbatim"),
    **dict.fromkeys(("Email", "Inhibit", "PagerDuty", "Period", "Receiver", "Route", "Routing",
                     "Slack", "Smtp", "TimeInterval", "Webhook", "alerts_of", "secret_env",
                     "secret_file"), "dashsmith.routing"),
    **dict.fromkeys(("SLO", "Events", "Latency"), "dashsmith.slo"),
}

__all__ = [
    "DATASOURCE", "Selector", "Variable", "durations", "library_panel", "plugin_panel",
    "Alert", "Counter", "Dashboard", "Email", "Events", "Gauge", "Histogram", "Inhibit", "Label",
    "Latency", "PagerDuty", "Period", "Query", "Receiver", "Record", "Route", "Routing", "Row",
    "RuleGroup", "SLO", "Slack", "Smtp", "Summary", "TimeInterval", "Webhook", "alerts_of",
    "barchart", "bargauge", "custom_variable", "datasource_variable", "gauge",
    "interval_variable", "label_variable", "panel", "piechart", "secret_env", "secret_file",
    "stat", "table", "text", "text_variable", "timeseries",
]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'dashsmith' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name.endswith(f".{name}") else getattr(module, name)
    globals()[name] = value  # later lookups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from dashsmith.model import durations
    from dashsmith.model.catalog import Counter, Gauge, Histogram, Label, Summary
    from dashsmith.model.dashboard import (
        DATASOURCE,
        Dashboard,
        Row,
        Variable,
        custom_variable,
        datasource_variable,
        interval_variable,
        label_variable,
        text_variable,
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
