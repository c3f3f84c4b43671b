"""A dashboard declaration: uid, title, folder, variables and rows of panels."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dashsmith.model.panels import Panel
from dashsmith.model.source import Source, caller

# grafanalib is imported where a variable is declared (see model/panels.py for why).
if TYPE_CHECKING:
    import grafanalib.core as g

DATASOURCE_VARIABLE = "datasource"
DATASOURCE = {"type": "prometheus", "uid": f"${{{DATASOURCE_VARIABLE}}}"}


@dataclass
class Variable:
    name: str
    grafana: g.Template
    source: Source = field(default_factory=caller, compare=False)
    extra: dict = field(default_factory=dict)  # variable fields laid over the rendered one


@dataclass
class Row:
    title: str
    panels: list[Panel]
    collapsed: bool = False
    source: Source = field(default_factory=caller, compare=False)
    id: int | None = None
    y: int | None = None  # grid line; None: below the panels before it
    repeat: str = ""  # a variable: one row per value
    extra: dict = field(default_factory=dict)  # row fields laid over the rendered row


@dataclass
class Dashboard:
    uid: str
    title: str
    folder: str  # folder title; "Parent/Child" nests
    rows: list  # of Row, or of Panel for a dashboard without rows
    tags: list[str] = field(default_factory=list)
    description: str = ""
    variables: list = field(default_factory=list)  # of Variable or grafanalib Template
    time: tuple[str, str] = ("now-6h", "now")
    refresh: str = "1m"
    links: list = field(default_factory=list)
    source: Source = field(default_factory=caller, compare=False)
    annotations: list = field(default_factory=list)  # beyond Grafana's built-in one
    timezone: str = "utc"
    graph_tooltip: int = 1  # 0 none, 1 shared crosshair, 2 shared tooltip
    editable: bool = True
    schema_version: int | None = None  # None: the version dashsmith writes
    add_datasource_variable: bool = True  # the ${datasource} variable, unless declared
    extra: dict = field(default_factory=dict)  # dashboard fields laid over the rendered JSON

    def panels(self) -> Iterator[Panel]:
        """Every panel in reading order."""
        for item in self.rows:
            if isinstance(item, Row):
                yield from item.panels
            else:
                yield item

    def all_variables(self) -> list[Variable]:
        """The data source variable every dashboard has, then the declared ones."""
        declared = [v if isinstance(v, Variable) else Variable(v.name, v, self.source)
                    for v in self.variables]
        if not self.add_datasource_variable or any(v.name == DATASOURCE_VARIABLE for v in declared):
            return declared
        return [datasource_variable(source=self.source)] + declared


def datasource_variable(name: str = DATASOURCE_VARIABLE, *, source: Source | None = None,
                        plugin: str = "prometheus", text: str = "Data source",
                        default: str | None = "Prometheus", **template_options: Any) -> Variable:
    """A variable choosing among the data sources of one plugin (Prometheus unless `plugin`
    says, e.g. "loki"); `template_options` are grafanalib Template's (regex=, hide= ...)."""
    import grafanalib.core as g

    template = g.Template(name=name, label=text, query=plugin, type="datasource",
                          default=default, **template_options)
    return Variable(name, template, source or caller())


def label_variable(name: str, metric: str, *, label: str | None = None, text: str | None = None,
                   multi: bool = True, include_all: bool = True, datasource: Any = DATASOURCE,
                   all_value: str | None = ".+", refresh: int = 2,
                   default: str | None = "$__all", **template_options: Any) -> Variable:
    """A variable holding the values of a label, from `label_values(metric, label)`, read
    through the dashboard's data source (or `datasource`, e.g. another data source variable)
    again on each time range change (`refresh=1`: when the dashboard loads)."""
    import grafanalib.core as g

    label = label or name
    template = g.Template(
        name=name,
        label=text or name.replace("_", " ").capitalize(),
        query=f"label_values({metric}, {label})",
        dataSource=datasource,
        type="query",
        refresh=refresh,
        multi=multi,
        includeAll=include_all,
        allValue=all_value if include_all else None,
        default=default if include_all else None,
        **template_options,
    )
    return Variable(name, template, caller())


def interval_variable(name: str, values: list[str], *, default: str | None = None,
                      text: str | None = None, auto: bool = False, auto_count: int = 30,
                      auto_min: str = "10s", **template_options: Any) -> Variable:
    """A choice of intervals (`$interval` in a range: `rate(x[$interval])`); with `auto`, an
    "auto" option of about `auto_count` steps over the time range, never below `auto_min`. It
    is recomputed on each time range change (refresh 2), as Grafana's editor makes it."""
    import grafanalib.core as g

    template = g.Template(name=name, label=text or name.capitalize(), query=",".join(values),
                          type="interval", default=default or values[0], auto=auto,
                          autoCount=auto_count, autoMin=auto_min, refresh=2,
                          **template_options)
    return Variable(name, template, caller())


def text_variable(name: str, default: str = "", *, text: str | None = None,
                  **template_options: Any) -> Variable:
    """A text box the reader types a value into (`$name` in the queries)."""
    import grafanalib.core as g

    template = g.Template(name=name, label=text or name.capitalize(), query=default,
                          type="textbox", default=default, **template_options)
    return Variable(name, template, caller())


def custom_variable(name: str, values: list[str], *, default: str | None = None,
                    text: str | None = None, **template_options: Any) -> Variable:
    import grafanalib.core as g

    template = g.Template(name=name, label=text or name.capitalize(), query=",".join(values),
                          type="custom", default=default or values[0], **template_options)
    return Variable(name, template, caller())
