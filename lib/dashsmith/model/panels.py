"""One-line panels over grafanalib: a panel is a title, its queries, a unit and a description.

Each helper returns a `Panel` holding a recipe for the grafanalib object (its class and
styling arguments) and the queries; the layout, ids, data source and targets are filled in
when the dashboard is rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dashsmith.model.source import Source, caller

# grafanalib is imported where a panel is declared, not with `import dashsmith`: it takes about
# 0.15 s, which lint of rule files (and any run that reads no dashboard) would pay every time.
if TYPE_CHECKING:
    import grafanalib.core as g

DEFAULT_HEIGHT = 8


def _options(overrides: dict) -> dict:
    """grafanalib keyword arguments: our defaults, then what the declaration passed through.
    grafanalib's maxDataPoints of 100 would make every graph coarse; Grafana's own default
    follows the panel width."""
    return {"maxDataPoints": None, "thresholds": [], **overrides}


@dataclass
class Query:
    """One PromQL target. `legend` is Grafana's legendFormat, e.g. '{{provider}} {{model}}'
    ('' lets Grafana name the series, None shows each series' labels)."""

    expr: str
    legend: str | None = ""
    instant: bool | None = None  # None: the panel type decides
    interval: str = ""
    source: Source = field(default_factory=caller, compare=False)
    ref_id: str = ""  # '': A, B, C ... in order
    format: str = ""  # '': the panel type decides
    interval_factor: int | None = None  # None: 1, Grafana's default
    datasource: dict | str | None = None  # None: the dashboard's data source
    hide: bool = False
    extra: dict = field(default_factory=dict)  # target fields laid over the rendered target


@dataclass(frozen=True, eq=False)
class Recipe:
    """A grafanalib object to be made: its class and keyword arguments, or an object as given.
    Helpers hand the renderer recipes, so that panels of one style are rendered once
    (templates.py)."""

    cls: type
    kwargs: dict | None = None  # None: `given` is the object
    given: object = None

    @classmethod
    def of(cls, obj: object) -> Recipe:
        return obj if isinstance(obj, Recipe) else cls(type(obj), None, obj)

    def make(self) -> Any:  # a grafanalib object
        return self.given if self.kwargs is None else self.cls(**self.kwargs)

    def get(self, name: str, default: Any = None) -> Any:
        """One of the object's arguments, without making it."""
        if self.kwargs is None:
            return getattr(self.given, name, default)
        return self.kwargs.get(name, default)


def _recipe(cls: type, **kwargs: Any) -> Recipe:
    return Recipe(cls, kwargs)


@dataclass
class Panel:
    title: str
    recipe: Recipe
    queries: list[Query]
    width: int | None = None
    height: int = DEFAULT_HEIGHT
    instant: bool = False  # stat-like panels read one value over the dashboard's range
    needs_queries: bool = True
    id: int | None = None
    thresholds: dict | None = None
    source: Source = field(default_factory=caller, compare=False)
    position: tuple[int, int] | None = None  # (x, y) on the grid; None: after the previous panel
    extra: dict = field(default_factory=dict)  # panel fields laid over the rendered panel


def _queries(queries: Iterable[Query | str], legend: str | None,
             source: Source) -> list[Query]:
    out: list[Query] = []
    for query in queries:
        if isinstance(query, Query):
            out.append(query)
        else:
            out.append(Query(str(query), legend=legend, source=source))
    return out


def _panel(grafana_panel: object, title: str, queries: Sequence[Query | str], legend: str | None,
           *, width: int | None, height: int, instant: bool = False,
           thresholds: dict | None = None, panel_id: int | None = None,
           needs_queries: bool = True, position: tuple[int, int] | None = None,
           extra: dict | None = None) -> Panel:
    source = caller()
    return Panel(
        title=title,
        recipe=Recipe.of(grafana_panel),
        queries=_queries(queries, legend, source),
        width=width,
        height=height,
        instant=instant,
        needs_queries=needs_queries,
        id=panel_id,
        thresholds=thresholds,
        position=position,
        extra=extra or {},
        source=source,
    )


def timeseries(title: str, *queries: Query | str, unit: str = "", description: str = "",
               legend: str = "", stack: bool = False, fill: int = 10, min: float | None = None,
               max: float | None = None, thresholds: dict | None = None,
               thresholds_style: str | None = None, width: int | None = None,
               height: int = DEFAULT_HEIGHT, id: int | None = None,
               position: tuple[int, int] | None = None, extra: dict | None = None,
               **grafanalib_options: Any) -> Panel:
    """A time series panel; `stack=True` stacks the series. Thresholds are drawn as lines
    unless `thresholds_style` says otherwise ('off', 'dashed', 'area', 'line+area', ...)."""
    import grafanalib.core as g
    grafana_panel = _recipe(
        g.TimeSeries,
        title=title, description=description, unit=unit, fillOpacity=fill,
        stacking={"mode": "normal", "group": "A"} if stack else {},
        valueMin=min, valueMax=max,
        thresholdsStyleMode=thresholds_style or ("line" if thresholds else "off"),
        **_options(grafanalib_options),
    )
    return _panel(grafana_panel, title, queries, legend, width=width, height=height,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def stat(title: str, *queries: Query | str, unit: str = "", description: str = "", legend: str = "",
         thresholds: dict | None = None, mappings: list | None = None, graph: bool = False,
         width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
         position: tuple[int, int] | None = None, extra: dict | None = None,
         **grafanalib_options: Any) -> Panel:
    """A single value over the dashboard's time range (instant query)."""
    import grafanalib.core as g
    grafana_panel = _recipe(
        g.Stat,
        title=title, description=description, format=unit or "none",
        graphMode="area" if graph else "none", reduceCalc="lastNotNull",
        mappings=mappings or [],
        # grafanalib's default prints the word "none" where Grafana would say "No data".
        **_options({"noValue": None, **grafanalib_options}),
    )
    return _panel(grafana_panel, title, queries, legend, width=width, height=height, instant=True,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def gauge(title: str, *queries: Query | str, unit: str = "", description: str = "",
          legend: str = "", min: float = 0, max: float = 1, thresholds: dict | None = None,
          width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
          position: tuple[int, int] | None = None, extra: dict | None = None,
          **grafanalib_options: Any) -> Panel:
    import grafanalib.core as g
    grafana_panel = _recipe(g.GaugePanel, title=title, description=description,
                            format=unit or "none", min=min, max=max, calc="lastNotNull",
                            **_options(grafanalib_options))
    return _panel(grafana_panel, title, queries, legend, width=width, height=height, instant=True,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def bargauge(title: str, *queries: Query | str, unit: str = "", description: str = "",
             legend: str = "", min: float = 0, max: float | None = None,
             thresholds: dict | None = None, width: int | None = None, height: int = DEFAULT_HEIGHT,
             id: int | None = None, position: tuple[int, int] | None = None,
             extra: dict | None = None, **grafanalib_options: Any) -> Panel:
    # grafanalib writes bar gauges in Grafana 6's options.fieldOptions; fieldConfig is current.
    modern = {"fieldConfig": {"defaults": {"unit": unit or "none", "min": min, "max": max}},
              "options": {"reduceOptions": {"calcs": ["lastNotNull"], "values": False}}}
    import grafanalib.core as g
    grafana_panel = _recipe(g.BarGauge, title=title, description=description,
                            format=unit or "none", min=min, max=max, calc="lastNotNull",
                            displayMode="gradient", orientation="horizontal", extraJson=modern,
                            **_options(grafanalib_options))
    return _panel(grafana_panel, title, queries, legend, width=width, height=height, instant=True,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def piechart(title: str, *queries: Query | str, unit: str = "short", description: str = "",
             legend: str = "", donut: bool = False, thresholds: dict | None = None,
             width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
             position: tuple[int, int] | None = None, extra: dict | None = None,
             **grafanalib_options: Any) -> Panel:
    """Shares of a whole over the dashboard's time range (instant query)."""
    import grafanalib.core as g
    grafana_panel = _recipe(g.PieChartv2, title=title, description=description, unit=unit,
                            pieType="donut" if donut else "pie",
                            legendDisplayMode="table", legendPlacement="right",
                            legendValues=["percent"], **_options(grafanalib_options))
    return _panel(grafana_panel, title, queries, legend, width=width, height=height, instant=True,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def table(title: str, *queries: Query | str, unit: str = "", description: str = "",
          legend: str = "", thresholds: dict | None = None, width: int | None = None,
          height: int = DEFAULT_HEIGHT, id: int | None = None,
          position: tuple[int, int] | None = None, extra: dict | None = None,
          **grafanalib_options: Any) -> Panel:
    """Rows of the latest values (instant query, table format)."""
    import grafanalib.core as g
    grafana_panel = _recipe(g.Table, title=title, description=description, unit=unit,
                            transformations=[{"id": "organize", "options": {
                                "excludeByName": {"Time": True}}}],
                            **_options(grafanalib_options))
    panel = _panel(grafana_panel, title, queries, legend, width=width, height=height, instant=True,
                   thresholds=thresholds, panel_id=id, position=position, extra=extra)
    return panel


def barchart(title: str, *queries: Query | str, unit: str = "", description: str = "",
             legend: str = "", interval: str = "", thresholds: dict | None = None,
             width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
             position: tuple[int, int] | None = None, extra: dict | None = None,
             **grafanalib_options: Any) -> Panel:
    """Bars over time, one per `interval` (e.g. '1d' for a count per day)."""
    import grafanalib.core as g
    grafana_panel = _recipe(g.TimeSeries, title=title, description=description, unit=unit,
                            drawStyle="bars", fillOpacity=80, interval=interval or None,
                            **_options(grafanalib_options))
    return _panel(grafana_panel, title, queries, legend, width=width, height=height,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra)


def text(title: str, content: str, *, width: int | None = None, height: int = 4,
         id: int | None = None, position: tuple[int, int] | None = None,
         extra: dict | None = None, **grafanalib_options: Any) -> Panel:
    """Markdown text; needs no query."""
    import grafanalib.core as g
    grafana_panel = _recipe(g.Text, title=title, content=content,
                            **{"mode": "markdown", **grafanalib_options})
    return _panel(grafana_panel, title, (), "", width=width, height=height, panel_id=id,
                  needs_queries=False, position=position, extra=extra)


def panel(grafana_panel: g.Panel, *queries: Query | str, thresholds: dict | None = None,
          width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
          position: tuple[int, int] | None = None, extra: dict | None = None) -> Panel:
    """Any grafanalib panel as it is; its own targets are kept unless `queries` are given."""
    targets = queries or [Query(t.expr, legend=t.legendFormat, instant=t.instant,
                                interval=t.interval, source=caller())
                          for t in getattr(grafana_panel, "targets", [])]
    import grafanalib.core as g
    return _panel(grafana_panel, grafana_panel.title, targets, "", width=width, height=height,
                  thresholds=thresholds, panel_id=id, position=position, extra=extra,
                  needs_queries=not isinstance(grafana_panel, (g.Text, g.RowPanel)))
