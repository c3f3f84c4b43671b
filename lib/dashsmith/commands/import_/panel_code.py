"""One imported panel as a declaration: the project's helper where it fits, a grafanalib class
through panel(...) otherwise, plugin_panel(...) for types grafanalib does not model, and
library_panel(...) for library panels. Every candidate is rendered and compared; the one
that needs the least carried verbatim wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import grafanalib.core as g

from dashsmith.checks.rules.panel_datasource import builtin_datasource
from dashsmith.commands.import_.fit import (
    Path,
    differences,
    fit_options,
    get,
    leaves,
    overlay,
    summary,
)
from dashsmith.commands.import_.grafanalib_fields import fields
from dashsmith.commands.import_.pysource import Call, evaluate
from dashsmith.compiler.render import render_dashboard
from dashsmith.grafana import defaults as grafana_defaults
from dashsmith.grafana.equivalence import (
    grid_position,
    normalize_panel,
    ref_id,
    same,
    same_datasource,
    thresholds_shown,
)
from dashsmith.model import panels as helpers, verbatim
from dashsmith.model.dashboard import DATASOURCE, Dashboard
from dashsmith.model.panels import Query


class CannotFit(Exception):
    pass


@dataclass
class FittedPanel:
    node: Call
    verbatim: list[str] = field(default_factory=list)  # dotted paths carried in extra=
    score: int = 0


@dataclass
class Candidate:
    """How one kind of declaration is written for a panel type."""

    name: str  # printed name
    function: Callable[..., Any]
    grafana_class: type | None  # its fields are the grafanalib options
    helper: bool  # a project helper taking title, *queries, **options
    instant: bool = False  # what the declaration assumes for its queries
    extract: Callable[[dict], dict] | None = None  # original → helper keyword arguments
    applies: Callable[[dict], bool] | None = None  # whether worth fitting (None: always)


class _Make(Protocol):
    """A candidate declaration with these grafanalib options and verbatim fields."""

    def __call__(self, options: dict, extra: dict | None = None) -> Call: ...


def _unit_and_description(panel: dict) -> dict:
    out: dict[str, object] = {}
    unit = get(panel, ("fieldConfig", "defaults", "unit"), "")
    if unit not in ("", "none"):  # Grafana shows both as no unit
        out["unit"] = unit
    if panel.get("description"):
        out["description"] = panel["description"]
    return out


def _min_max(panel: dict, default_min: float | None, default_max: float | None) -> dict:
    out: dict[str, object] = {}
    low = get(panel, ("fieldConfig", "defaults", "min"), None)
    high = get(panel, ("fieldConfig", "defaults", "max"), None)
    if not same(low, default_min):
        out["min"] = low
    if not same(high, default_max):
        out["max"] = high
    return out


def thresholds_argument(panel: dict) -> dict | None:
    """The helpers' {value: color} form of the panel's thresholds; None when it has another form
    (percentage mode, steps without a base) and must be carried verbatim."""
    thresholds = get(panel, ("fieldConfig", "defaults", "thresholds"), None)
    if thresholds is None:
        thresholds = grafana_defaults.THRESHOLDS
    steps = thresholds.get("steps", [])
    if (thresholds.get("mode") or "absolute") != "absolute" or not steps or \
            steps[0].get("value") is not None:
        return None
    out: dict[float | None, str] = ({} if steps[0].get("color") == "green"
                                    else {None: steps[0].get("color")})
    for step in steps[1:]:
        if step.get("value") is None or step.get("value") in out:
            return None
        out[step["value"]] = step.get("color")
    return out or None  # None and {} both render a green base


def _timeseries(panel: dict) -> dict:
    custom = ("fieldConfig", "defaults", "custom")
    out = _unit_and_description(panel)
    fill = get(panel, custom + ("fillOpacity",), 0)
    if fill != 10:
        out["fill"] = fill
    stacking = get(panel, custom + ("stacking",), {})
    if stacking.get("mode") == "normal" and stacking.get("group", "A") == "A":
        out["stack"] = True
    out.update(_min_max(panel, None, None))
    # thresholds a graph does not show are not compared (Grafana's default 80 on every one)
    thresholds = thresholds_argument(panel) if thresholds_shown(panel) else None
    if thresholds:
        out["thresholds"] = thresholds
    style = get(panel, custom + ("thresholdsStyle", "mode"), "off")
    if style != ("line" if thresholds else "off"):
        out["thresholds_style"] = style
    return out


def _stat(panel: dict) -> dict:
    out = _unit_and_description(panel)
    if get(panel, ("options", "graphMode"), "area") == "area":
        out["graph"] = True
    mappings = get(panel, ("fieldConfig", "defaults", "mappings"), [])
    if mappings:
        out["mappings"] = mappings
    return _with_thresholds(out, panel)


def _gauge(panel: dict) -> dict:
    return _with_thresholds({**_unit_and_description(panel), **_min_max(panel, 0, 1)}, panel)


def _bargauge(panel: dict) -> dict:
    return _with_thresholds({**_unit_and_description(panel), **_min_max(panel, 0, None)}, panel)


def _piechart(panel: dict) -> dict:
    out = _unit_and_description(panel)
    out.setdefault("unit", "")
    if out["unit"] == "short":
        del out["unit"]
    if get(panel, ("options", "pieType"), "pie") == "donut":
        out["donut"] = True
    return _with_thresholds(out, panel)


def _plain(panel: dict) -> dict:
    return _with_thresholds(_unit_and_description(panel), panel)


def _barchart(panel: dict) -> dict:
    out = _plain(panel)
    if panel.get("interval"):
        out["interval"] = panel["interval"]
    return out


def _draws_bars(panel: dict) -> bool:
    """The barchart helper is a time series drawn as bars: worth fitting only to one."""
    return bool(get(panel, ("fieldConfig", "defaults", "custom", "drawStyle"), "") == "bars")


def _with_thresholds(out: dict, panel: dict) -> dict:
    thresholds = thresholds_argument(panel)
    if thresholds:
        out["thresholds"] = thresholds
    return out


HELPERS = {
    "timeseries": [Candidate("timeseries", helpers.timeseries, g.TimeSeries, True,
                             extract=_timeseries),
                   Candidate("barchart", helpers.barchart, g.TimeSeries, True, extract=_barchart,
                             applies=_draws_bars)],
    "stat": [Candidate("stat", helpers.stat, g.Stat, True, instant=True, extract=_stat)],
    "gauge": [Candidate("gauge", helpers.gauge, g.GaugePanel, True, instant=True, extract=_gauge)],
    "bargauge": [Candidate("bargauge", helpers.bargauge, g.BarGauge, True, instant=True,
                           extract=_bargauge)],
    "piechart": [Candidate("piechart", helpers.piechart, g.PieChartv2, True, instant=True,
                           extract=_piechart)],
    "table": [Candidate("table", helpers.table, g.Table, True, instant=True, extract=_plain)],
    "text": [Candidate("text", helpers.text, g.Text, True)],
}
CLASSES = {
    "timeseries": g.TimeSeries, "stat": g.Stat, "gauge": g.GaugePanel, "bargauge": g.BarGauge,
    "piechart": g.PieChartv2, "table": g.Table, "text": g.Text, "graph": g.Graph,
    "heatmap": g.Heatmap, "state-timeline": g.StateTimeline, "barchart": g.BarChart,
    "histogram": g.Histogram, "logs": g.Logs, "news": g.News,
}


def fit_panel(original: dict, types: Mapping[str, str] | None = None) -> FittedPanel:
    """The declaration of one panel (not a row) that renders to `original` after normalising.
    `types`: the plugin type of each data source uid the dashboard names with one
    (datasource_types), for the references it writes without."""
    types = types or {}
    target = normalize_panel(original)
    if "libraryPanel" in original:
        return _library(original, target)
    kind = original.get("type", "")
    candidates = [c for c in HELPERS.get(kind, []) if c.applies is None or c.applies(original)]
    if kind in CLASSES:
        candidates.append(Candidate(f"g.{CLASSES[kind].__name__}", CLASSES[kind], CLASSES[kind],
                                    False))
    best: FittedPanel | None = None
    reasons: list[str] = []
    # The least carried wins; on a tie, a helper (the later one: the more specific). A helper
    # that needs nothing more than its own arguments is what a person would write: look no
    # further.
    for candidate in [*candidates, None]:
        # plugin_panel, last, carries every field but its parameters: it may not win at all
        if candidate is None and best is not None and best.score <= _plugin_floor(target):
            break
        try:
            fitted = _fit(candidate, original, target, types) if candidate is not None \
                else _fit_plugin(original, target, types)
        except CannotFit as error:
            reasons.append(str(error))
            continue
        helper = fitted.node.name not in ("panel", "plugin_panel")
        if best is None or fitted.score < best.score or (fitted.score == best.score and helper):
            best = fitted
        if helper and fitted.score == 0:
            break
    if best is None:
        raise CannotFit("; ".join(reasons))
    return best


def _plugin_floor(target: dict) -> int:
    """The least score a plugin_panel fit can have: everything of the normalised panel but
    its parameters (type, title, data source, thresholds, layout, queries) is carried."""
    rest = {k: v for k, v in target.items()
            if k not in LAYOUT | {"type", "title", "datasource", "fieldConfig"}}
    field_config = target.get("fieldConfig")
    if isinstance(field_config, dict):
        defaults = field_config.get("defaults")
        rest["fieldConfig"] = {**field_config, "defaults": {
            k: v for k, v in defaults.items() if k != "thresholds"}} \
            if isinstance(defaults, dict) else field_config
    return 10 * len(leaves(rest))


def render_panel(panel: object) -> dict:
    """A declared panel rendered on its own, normalised."""
    dashboard = Dashboard(uid="import", title="import", folder="import", rows=[panel],
                          add_datasource_variable=False)
    return normalize_panel(render_dashboard(dashboard).json["panels"][0])


def _fit(candidate: Candidate, original: dict, target: dict,
         types: Mapping[str, str]) -> FittedPanel:
    queries = _queries(original, candidate, types)
    base: dict[str, object] = {"id": original.get("id"), "position": _position(original)}
    base.update(width=_grid(original, "w"), height=_grid(original, "h"))
    if candidate.helper:
        base.update(candidate.extract(original) if candidate.extract else {})
        title = (original.get("title") or "")
        content = get(original, ("options", "content"), "")

        def make(options: dict, extra: dict | None = None) -> Call:
            # the queries as they are now: fitting them gives some an extra=
            args = [title, content] if candidate.function is helpers.text else [title, *queries]
            return Call(candidate.name, candidate.function, args,
                        {**base, **options, **({"extra": extra} if extra else {})})
    else:
        thresholds = thresholds_argument(original)
        if thresholds:
            base["thresholds"] = thresholds

        def make(options: dict, extra: dict | None = None) -> Call:
            grafana = Call(candidate.name, candidate.function, [],
                           {"title": (original.get("title") or ""), **options})
            return Call("panel", helpers.panel, [grafana, *queries],
                        {**base, **({"extra": extra} if extra else {})})
    # Every candidate fitted here has a grafanalib class (plugin panels are fitted apart).
    options_of = fields(candidate.grafana_class) if candidate.grafana_class is not None else {}
    fitted = _finish(make, target, original.get("type", ""), options_of, queries,
                     _repeat(original))
    return _shared_legend(fitted, target) if candidate.helper else fitted


def _shared_legend(fitted: FittedPanel, target: dict) -> FittedPanel:
    """Queries that differ only in expression and share a legend, written as plain strings
    with the helper's legend= argument, as the hand-written dashboards do."""
    node = fitted.node
    queries = [a for a in node.args[1:] if isinstance(a, Call) and a.name == "Query"]
    if not queries or len(queries) != len(node.args) - 1:
        return fitted
    legends = {repr(q.kwargs.get("legend")) for q in queries}
    if len(legends) != 1 or any(set(q.kwargs) != {"legend"} for q in queries) or \
            queries[0].kwargs["legend"] is None:
        return fitted
    simpler = Call(node.name, node.function, [node.args[0], *(q.args[0] for q in queries)],
                   {"legend": queries[0].kwargs["legend"], **node.kwargs}, node.hug)
    if differences(target, render_panel(evaluate(simpler))):
        return fitted
    return FittedPanel(simpler, fitted.verbatim, fitted.score)


def _repeat(panel: dict) -> dict:
    """grafanalib's Repeat for a repeated panel (an object, so not found by probing)."""
    if not panel.get("repeat"):
        return {}
    kwargs: dict[str, object] = {"direction": panel.get("repeatDirection", "h"),
                                 "variable": panel["repeat"]}
    if panel.get("maxPerRow"):
        kwargs["maxPerRow"] = panel["maxPerRow"]
    return {"repeat": Call("g.Repeat", g.Repeat, [], kwargs)}


def _fit_plugin(original: dict, target: dict, types: Mapping[str, str]) -> FittedPanel:
    kind = original.get("type", "")
    candidate = Candidate("plugin_panel", verbatim.plugin_panel, None, False)
    queries = _queries(original, candidate, types)
    base: dict[str, object] = {"id": original.get("id"), "position": _position(original),
                               "width": _grid(original, "w"), "height": _grid(original, "h")}
    datasource = None if kind in grafana_defaults.DATALESS else original.get("datasource")
    if datasource is not None and not (queries and same_datasource(datasource, DATASOURCE)):
        base["datasource"] = datasource
    # The renderer writes field thresholds on every panel (a green base, dashsmith's own):
    # where the type reads them, the panel's (Grafana's default when it has none) are written
    # as the argument, so that its fieldConfig is not carried just to restore the default.
    thresholds = thresholds_argument(original)
    if thresholds and _reads_field_thresholds(original):
        base["thresholds"] = thresholds

    def make(options: dict, extra: dict | None = None) -> Call:
        extra = dict(extra or {})
        clashing = {k: extra.pop(k) for k in list(extra) if k in PLUGIN_PARAMETERS}
        return Call("plugin_panel", verbatim.plugin_panel,
                    [kind, (original.get("title") or ""), *queries],
                    {**base, **extra, **({"fields": clashing} if clashing else {})})
    return _finish(make, target, kind, {}, queries, extra_as_fields=True)


def _reads_field_thresholds(panel: dict) -> bool:
    """Whether the panel type reads fieldConfig.defaults.thresholds (as normalize compares it):
    not a panel without data, nor one that ignores fieldConfig or its thresholds, nor a graph
    whose thresholds are not drawn."""
    kind = panel.get("type", "")
    return not (kind in grafana_defaults.DATALESS
                or "fieldConfig" in grafana_defaults.IGNORED_BY_TYPE.get(kind, ())
                or "thresholds" in grafana_defaults.IGNORED_FIELDS_BY_TYPE.get(kind, ())
                or kind in grafana_defaults.THRESHOLDS_DRAWN_ONLY and not thresholds_shown(panel))


def _library(original: dict, target: dict) -> FittedPanel:
    reference = original["libraryPanel"]
    kwargs: dict[str, object] = {"id": original.get("id"), "position": _position(original),
                                 "width": _grid(original, "w"), "height": _grid(original, "h")}
    if "title" in original:
        kwargs["title"] = original["title"]
    node = Call("library_panel", verbatim.library_panel,
                [reference.get("uid", ""), reference.get("name", "")], kwargs)
    if differences(target, render_panel(evaluate(node))):
        raise CannotFit(f"library panel {reference}")
    return FittedPanel(node)


def _finish(make: _Make, target: dict, kind: str, grafanalib_fields: dict[Path, str],
            queries: list, options: dict | None = None,
            extra_as_fields: bool = False) -> FittedPanel:
    def default_of(path: Path) -> tuple[bool, object]:
        return grafana_defaults.panel_default(kind, path)

    rendered: dict[str, dict] = {}  # the fitting tries the same declaration more than once

    def render(options: dict) -> dict:
        node = make(options)
        key = repr(node)  # the whole declaration: fitting the queries changes them
        if key not in rendered:
            rendered[key] = render_panel(evaluate(node))
        return rendered[key]

    try:
        options = fit_options(render, target, options or {}, grafanalib_fields, default_of,
                              skip=LAYOUT)
        query_paths = _fit_queries(queries, target, render, options)
        built = render(options)
        extra, removed = overlay(_without(target, LAYOUT), _without(built, LAYOUT), default_of)
        node = make(options, extra)
        left = differences(target, render_panel(evaluate(node)))
        if any(path[0] == "targets" for path in left):
            # the panel's own fields (its data source) change what its queries render
            query_paths = _fit_queries(queries, target,
                                       lambda chosen: render_panel(evaluate(make(chosen, extra))),
                                       options)
            node = make(options, extra)
            left = differences(target, render_panel(evaluate(node)))
        if left:
            raise CannotFit(f"{node.name} does not render back its "
                            f"{', '.join('.'.join(map(str, p)) for p in left[:3])}")
    except CannotFit:
        raise
    except Exception as error:  # noqa: BLE001 - grafanalib refuses a value, a helper fixes ...
        raise CannotFit(f"{type(error).__name__}: {error}") from None
    paths = [".".join(map(str, p)) for p in leaves(extra)]
    score = 10 * len(paths) + 100 * removed + len(options)
    carried = ([f"all of its fields ({', '.join(sorted(extra))})"] if extra_as_fields and extra
               else summary(extra))
    return FittedPanel(node, carried + query_paths, score)


LAYOUT = {"targets", "gridPos", "id"}
PLUGIN_PARAMETERS = {"type", "title", "datasource", "thresholds", "width", "height", "id",
                     "position", "fields"}


def _without(data: dict, keys: set[str]) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def _fit_queries(queries: list, target: dict, render: Callable[[dict], dict],
                 options: dict) -> list[str]:
    """Set each Query's extra to what its target still lacks; return the paths carried. Taking
    one field away can bring another out (a query without `expr` renders `query`), so this
    repeats until nothing changes."""
    wanted = target.get("targets", [])
    for _ in range(3):
        have = render(options).get("targets", [])
        if len(wanted) != len(have):
            raise CannotFit("queries")
        changed = False
        for index, (want, got) in enumerate(zip(wanted, have, strict=True)):
            extra, _ = overlay(want, got, grafana_defaults.target_default)
            if not extra:
                continue
            query = queries[index]
            if not isinstance(query, Call):
                query = queries[index] = Call("Query", Query, [query], {})
            query.kwargs["extra"] = {**query.kwargs.get("extra", {}), **extra}
            changed = True
        if not changed:
            break
    return [f"targets[{index}].{line}" for index, query in enumerate(queries)
            if isinstance(query, Call) and query.kwargs.get("extra")
            for line in summary(query.kwargs["extra"])]


def _queries(panel: dict, candidate: Candidate, types: Mapping[str, str]) -> list[Call | str]:
    """The panel's queries; none for a panel that shows no query data (text, dashboard list):
    Grafana does not run them, and an empty one would stop the build."""
    if panel.get("type") in grafana_defaults.DATALESS:
        return []
    return [_query(t, panel, candidate, i, types)
            for i, t in enumerate(panel.get("targets") or [])]


def _query(target: dict, panel: dict, candidate: Candidate, index: int,
           types: Mapping[str, str]) -> Call | str:
    """A Query for one target: a bare string when the panel's defaults already fit it."""
    kwargs: dict[str, object] = {}
    legend = target.get("legendFormat")
    if legend in (None, ""):
        kwargs["legend"] = None
    elif legend != "__auto":
        kwargs["legend"] = legend
    instant = bool(target.get("instant", False))
    if instant != candidate.instant:
        kwargs["instant"] = instant
    if target.get("interval"):
        kwargs["interval"] = target["interval"]
    if target.get("refId") and target["refId"] != ref_id(index):
        kwargs["ref_id"] = target["refId"]
    table = candidate.grafana_class is g.Table
    # null is left out (Grafana reads both as its default)
    query_format = target.get("format") or "time_series"
    if query_format != ("table" if table else "time_series"):
        kwargs["format"] = query_format
    if target.get("intervalFactor") not in (None, 1):
        kwargs["interval_factor"] = target["intervalFactor"]
    datasource = typed_datasource(target.get("datasource", panel.get("datasource")), target,
                                  panel, types)
    if datasource is not None and not same_datasource(datasource, DATASOURCE):
        kwargs["datasource"] = datasource
    if target.get("hide"):
        kwargs["hide"] = True
    expr = target.get("expr") or ""  # null as left out: the built JSON writes null
    return Call("Query", Query, [expr], kwargs) if kwargs else expr


def typed_datasource(datasource: object, target: dict, panel: dict,
                     types: Mapping[str, str]) -> object:
    """The data source a query without an expression is declared with, so that build tells
    its kind as Grafana does. Grafana resolves a reference by its uid alone, and lint takes
    one written without a type ({"uid": "X"}, as Grafana 8 and hand edits write it) for
    Prometheus: a query of a plugin's data source (PMM's summaries) would then be a blank
    PromQL query, which stops the build. So such a reference gets the type the dashboard
    gives that uid elsewhere (or its `__inputs`); one of no known type is declared by its uid
    as a name (which lint reads as a data source of its own kind): every Prometheus query
    has an `expr`. A blank query on a Prometheus data source stays one. The query's extra=
    puts the original writing back."""
    if not isinstance(datasource, dict) or datasource.get("type") or \
            str(target.get("expr") or "").strip():
        return datasource
    uid = datasource.get("uid")
    if not isinstance(uid, str) or not uid:
        # no reference at all (PMM's summaries have a string spread into an object,
        # {"0": "P", "1": "T", ...}): the query runs on the panel's data source, as every
        # query of a panel that is not on the mixed one does
        panel_datasource = panel.get("datasource")
        if panel_datasource is None or isinstance(panel_datasource, dict) and \
                not isinstance(panel_datasource.get("uid"), str):
            return datasource
        return typed_datasource(panel_datasource, target, panel, types)
    if uid in types:
        return datasource if types[uid] == "prometheus" else {"type": types[uid], **datasource}
    if uid.startswith(("$", "[[")) or builtin_datasource(uid) is not None:
        return datasource  # a variable (lint knows its type) or one of Grafana's own
    return uid


def _position(panel: dict) -> tuple[int, int]:
    grid = grid_position(panel.get("gridPos"), panel.get("type", ""))
    return (grid["x"], grid["y"])


def _grid(panel: dict, key: str) -> int:
    return int(grid_position(panel.get("gridPos"), panel.get("type", ""))[key])

