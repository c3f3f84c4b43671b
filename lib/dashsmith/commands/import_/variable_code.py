"""One imported template variable as a declaration: label_variable / custom_variable /
datasource_variable when they fit exactly, a grafanalib Template otherwise, with the fields
grafanalib has no attribute for carried in Variable(..., extra=...)."""

from __future__ import annotations

import grafanalib.core as g

from dashsmith.checks.subjects import variable_query
from dashsmith.commands.import_.fit import differences, fit_options, overlay, summary
from dashsmith.commands.import_.grafanalib_fields import fields
from dashsmith.commands.import_.pysource import Call, evaluate
from dashsmith.compiler.render import render_dashboard
from dashsmith.grafana import defaults as grafana_defaults
from dashsmith.grafana.equivalence import normalize_variable, same_datasource
from dashsmith.model import dashboard as model
from dashsmith.model.dashboard import DATASOURCE, Dashboard

TEMPLATE_ORDER = ("name", "type", "label", "query", "dataSource", "default")


def fit_variable(original: dict) -> tuple[Call, list[str]]:
    """The declaration and the fields it carries verbatim."""
    target = normalize_variable(original)
    for node in _helper_candidates(original, target):
        try:
            if not differences(target, render_variable(evaluate(node))):
                return node, []
        except (TypeError, ValueError):
            continue
    return _template(original, target)


def render_variable(variable: object) -> dict:
    dashboard = Dashboard(uid="import", title="import", folder="import", rows=[],
                          variables=[variable], add_datasource_variable=False)
    return normalize_variable(render_dashboard(dashboard).json["templating"]["list"][0])


def _helper_candidates(original: dict, target: dict) -> list[Call]:
    name, kind = original.get("name", ""), original.get("type", "query")
    query = target.get("query", "")
    candidates: list[Call] = []
    kwargs: dict[str, object]
    if kind == "datasource":
        kwargs = {}
        if query != "prometheus":
            kwargs["plugin"] = query
        if target.get("label", "") != "Data source":
            kwargs["text"] = target.get("label", "")
        for key in ("regex", "hide"):
            if target.get(key):
                kwargs[key] = target[key]
        current = target.get("current") or {}
        for default in ("Prometheus", current.get("text"), current.get("value"), None):
            candidates.append(Call("datasource_variable", model.datasource_variable,
                                   [name] if name != model.DATASOURCE_VARIABLE else [],
                                   {**kwargs, **({} if default == "Prometheus"
                                                 else {"default": default})}))
    # label_values(metric, label) as lint reads it (the label after the last comma), on any
    # data source that has it (Loki's reads the same)
    parsed = variable_query({**original, "query": query, "datasource": None}) \
        if isinstance(query, str) else None
    match = {"metric": parsed[1], "label": parsed[2]} \
        if parsed and parsed[0] == "label_values" and parsed[1] and parsed[2] else None
    if kind == "query" and match and query == f"label_values({match['metric']}, {match['label']})":
        kwargs = {}
        if not same_datasource(original.get("datasource"), DATASOURCE):
            kwargs["datasource"] = original.get("datasource")  # another data source variable
        if match["label"] != name:
            kwargs["label"] = match["label"]
        text = target.get("label", "")
        if text != name.replace("_", " ").capitalize():
            kwargs["text"] = text
        if not target.get("multi", False):
            kwargs["multi"] = False
        if not target.get("includeAll", False):
            kwargs["include_all"] = False
        # what grafanalib's Template assumes: sort 1 (alphabetical), shown, no regex
        if target.get("sort", 0) != 1:
            kwargs["sort"] = target.get("sort", 0)
        if target.get("hide", 0):
            kwargs["hide"] = target["hide"]
        if target.get("regex"):
            kwargs["regex"] = target["regex"]
        if target.get("includeAll", False) and target.get("allValue") != ".+":
            kwargs["all_value"] = target.get("allValue")
        if target.get("refresh", 1) != 2:
            kwargs["refresh"] = target.get("refresh", 1)
        current = (target.get("current") or {}).get("value")
        for default in ("$__all", None, current):
            candidates.append(Call("label_variable", model.label_variable,
                                   [name, match["metric"]],
                                   {**kwargs, **({} if default == "$__all"
                                                 else {"default": default})}))
    if kind == "custom" and isinstance(query, str) and query:
        values = query.split(",")  # normalised: trimmed
        kwargs = {}
        current = target.get("current", {}).get("value")
        if current != values[0]:
            kwargs["default"] = current
        if target.get("label", "") != name.capitalize():
            kwargs["text"] = target.get("label", "")
        candidates.append(Call("custom_variable", model.custom_variable, [name, values], kwargs))
    current = (target.get("current") or {}).get("value")
    shared: dict[str, object] = {}  # what every helper passes on to grafanalib's Template
    if target.get("label", "") != name.capitalize():
        shared["text"] = target.get("label", "")
    if target.get("hide"):
        shared["hide"] = target["hide"]
    if kind == "interval" and isinstance(query, str) and query:
        values = query.split(",")  # normalised: trimmed
        kwargs = dict(shared)
        if current not in (None, values[0]):
            kwargs["default"] = current
        for key, argument, default in (("auto", "auto", False), ("auto_count", "auto_count", 30),
                                       ("auto_min", "auto_min", "10s")):
            if target.get(key, default) != default:
                kwargs[argument] = target[key]
        candidates.append(Call("interval_variable", model.interval_variable, [name, values],
                               kwargs))
    if kind == "textbox":
        text = query if isinstance(query, str) else ""
        kwargs = dict(shared)
        if current not in (None, text):
            kwargs["default"] = current  # what the box shows, the query aside
        candidates.append(Call("text_variable", model.text_variable,
                               [name, text] if text else [name], kwargs))
    return candidates


def _template(original: dict, target: dict) -> tuple[Call, list[str]]:
    name = original.get("name", "")
    query = target.get("query", "")
    base: dict[str, object] = {"name": name, "query": query}
    if original.get("type", "query") != "query":
        base["type"] = original["type"]  # first: what else matters depends on it
    current = target.get("current", {}).get("value")
    if current is not None:
        base["default"] = current

    def make(options: dict, extra: dict | None = None) -> Call:
        kwargs = {**base, **options}
        ordered = {k: kwargs.pop(k) for k in TEMPLATE_ORDER if k in kwargs}
        template = Call("g.Template", g.Template, [], {**ordered, **kwargs})
        if not extra:
            return template
        return Call("Variable", model.Variable, [name, template], {"extra": extra})

    def render(options: dict) -> dict:
        return render_variable(evaluate(make(options)))

    options = fit_options(render, target, {}, fields(g.Template),
                          grafana_defaults.variable_default, skip=set())
    extra, _ = overlay(target, render(options), grafana_defaults.variable_default)
    node = make(options, extra)
    if differences(target, render_variable(evaluate(node))):
        raise ValueError(f"variable {name!r} does not render back")
    return node, summary(extra)
