"""A whole imported dashboard as a declaration: variables and panels fitted one by one, rows
kept, the dashboard's own settings, the layout (layout.py) and the module text
(module_text.py); checked to render back to the original before it is returned.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from dashsmith.checks.subjects import datasource_types
from dashsmith.commands.import_.fit import differences, overlay, summary
from dashsmith.commands.import_.inputs import ImportFailed, Imported
from dashsmith.commands.import_.layout import fit_layout
from dashsmith.commands.import_.module_text import hoist_datasources, module_text
from dashsmith.commands.import_.panel_code import CannotFit, fit_panel
from dashsmith.commands.import_.pysource import Call, evaluate
from dashsmith.commands.import_.variable_code import fit_variable
from dashsmith.compiler.render import SCHEMA_VERSION, render_dashboard
from dashsmith.grafana import defaults as grafana_defaults
from dashsmith.grafana.equivalence import is_repeat_copy, normalize, position
from dashsmith.model.dashboard import DATASOURCE_VARIABLE, Dashboard, Row


@dataclass
class Module:
    name: str  # module name under dashboards/
    uid: str
    title: str
    folder: str
    text: str
    carried: list[str] = field(default_factory=list)  # 'where: field' lines
    warnings: list[str] = field(default_factory=list)
    dashboard: Call | None = None
    constants: dict = field(default_factory=dict)  # module constants: name → value


def generate(imported: Imported, folder: str) -> Module:
    """The module for one dashboard; ImportFailed when part of it cannot be declared."""
    original = imported.dashboard
    carried: list[str] = []
    variables = [_variable(v, carried) for v in original.get("templating", {}).get("list", [])]
    rows = _rows(original, carried, imported.origin)
    node = Call("Dashboard", Dashboard, [], _dashboard_kwargs(original, folder, variables, rows))
    fit_layout(node, original)
    extra = _dashboard_extra(node, original)
    if extra:
        node.kwargs["extra"] = extra
        carried += [f"dashboard: {line}" for line in summary(extra)]
    constants = hoist_datasources(node)
    expected = normalize(original)
    built = normalize(render_dashboard(evaluate(node)).json)
    remaining = differences(expected, built)
    if remaining:
        raise ImportFailed(f"{imported.origin}: the declaration does not render back to the "
                           f"dashboard at {_where(remaining, expected, built)}"
                           " (a shape import does not know yet)")
    module = Module(module_name(original["title"]), original["uid"], original["title"].strip(),
                    folder, "", carried, imported.warnings + _warnings(original), node,
                    constants)
    module.text = module_text(module, imported.origin)
    return module


def _where(paths: list, expected: dict, built: dict) -> str:
    """The paths that differ, a panel named by its id, title and place (the panel list is
    compared whole, so the path alone would say only `panels`)."""
    out: list[str] = []
    for path in paths[:5]:
        if path == ("panels",):
            out += _panels_differing(expected.get("panels") or [], built.get("panels") or [])
        else:
            out.append(".".join(map(str, path)))
    return ", ".join(out)


def _panels_differing(expected: list, built: list, inside: str = "") -> list[str]:
    out: list[str] = []
    for index, want in enumerate(expected):
        got = built[index] if index < len(built) else {}
        if not isinstance(want, dict) or not isinstance(got, dict):
            continue
        keys = [".".join(map(str, p)) for p in differences(want, got)]
        if keys == ["panels"] and want.get("type") == "row":  # a collapsed row's own panels
            out += _panels_differing(want.get("panels") or [], got.get("panels") or [],
                                     f" in row {want.get('id')}")
        elif keys:
            grid = want.get("gridPos") or {}
            out.append(f"panel {want.get('id')} {want.get('title', '')!r} at "
                       f"(x {grid.get('x', 0)}, y {grid.get('y', 0)}){inside}: "
                       f"{', '.join(keys[:3])}")
    if len(built) != len(expected):
        out.append(f"{len(expected)} panels{inside}, built {len(built)}")
    return out[:3]


def module_name(title: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "dashboard"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "dashboard_" + name
    return name


def _variable(original: dict, carried: list[str]) -> Call:
    try:
        node, fields = fit_variable(original)
    except ValueError as error:
        raise ImportFailed(str(error)) from None
    if fields:  # one line per variable, wrapped in the module's header
        carried.append(f"variable {original.get('name')}: {', '.join(fields)}")
    return node


def _rows(original: dict, carried: list[str], origin: str) -> list[Call]:
    """Top-level items in reading order: a row holds the panels below it up to the next row
    (a collapsed one holds its own); panels outside any row stay loose."""
    items: list[Call] = []
    current: Call | None = None
    types = datasource_types(original)
    for panel in sorted(_kept(original.get("panels", [])), key=position):
        if panel.get("type") == "row":
            current = _row(panel, carried)
            items.append(current)
            for inner in sorted(_kept(panel.get("panels", [])), key=position):
                current.args[1].append(_panel(inner, carried, origin, types))
        elif current is not None and not current.kwargs.get("collapsed"):
            current.args[1].append(_panel(panel, carried, origin, types))
        else:
            items.append(_panel(panel, carried, origin, types))
    return items


def _kept(panels: list) -> list:
    return [p for p in panels if not is_repeat_copy(p)]


def _row(panel: dict, carried: list[str]) -> Call:
    kwargs: dict[str, object] = {}
    if panel.get("collapsed"):
        kwargs["collapsed"] = True
    if panel.get("repeat"):
        kwargs["repeat"] = panel["repeat"]
    kwargs["y"] = (panel.get("gridPos") or {}).get("y", 0)
    kwargs["id"] = panel.get("id")
    if "title" not in panel:
        # Grafana shows a row without a title as an untitled row (PMM's dashboards have
        # them); Row always writes one, so its absence is written as a null, which Grafana
        # and the comparison read as no title, as for any other panel without one
        kwargs["extra"] = {"title": None}
        carried.append(f"row {panel.get('id')}: title (none)")
    return Call("Row", Row, [panel.get("title") or "", []], kwargs, hug=True)


def _panel(panel: dict, carried: list[str], origin: str, types: dict[str, str]) -> Call:
    try:
        fitted = fit_panel(panel, types)
    except CannotFit as error:
        raise ImportFailed(f"{origin}: panel {panel.get('id')} {panel.get('title', '')!r} "
                           f"cannot be declared: {error}") from None
    where = f"panel {panel.get('id')} {_quoted(panel.get('title') or '')}"
    if fitted.verbatim:  # one line per panel, wrapped in the module's header
        carried.append(f"{where}: {', '.join(fitted.verbatim)}")
    return fitted.node


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _dashboard_kwargs(original: dict, folder: str, variables: list, rows: list) -> dict:
    normal = normalize(original)
    kwargs: dict[str, object] = {"uid": original["uid"], "title": original["title"],
                                 "folder": folder}
    if normal.get("tags"):
        kwargs["tags"] = normal["tags"]
    if normal.get("description"):
        kwargs["description"] = normal["description"]
    if variables:
        kwargs["variables"] = variables
    time = original.get("time") or {}
    time = (time.get("from", "now-6h"), time.get("to", "now"))
    if time != ("now-6h", "now"):
        kwargs["time"] = time
    refresh = original.get("refresh") or ""
    if refresh != "1m":
        kwargs["refresh"] = refresh
    for name, key, default, dashsmith_default in (
            ("timezone", "timezone", "", "utc"), ("graph_tooltip", "graphTooltip", 0, 1),
            ("editable", "editable", True, True), ("schema_version", "schemaVersion", None, None)):
        value = original.get(key, default)
        if value != dashsmith_default and not (name == "schema_version"
                                               and value == SCHEMA_VERSION):
            kwargs[name] = value
    if normal.get("links"):
        kwargs["links"] = normal["links"]
    annotations = normal.get("annotations", {}).get("list", [])
    if annotations:
        kwargs["annotations"] = annotations
    names = [v.get("name") for v in original.get("templating", {}).get("list", [])]
    if DATASOURCE_VARIABLE not in names:
        kwargs["add_datasource_variable"] = False
    kwargs["rows"] = rows
    return kwargs


def _dashboard_extra(node: Call, original: dict) -> dict:
    want = {k: v for k, v in normalize(original).items() if k not in ("panels", "templating")}
    built = normalize(render_dashboard(evaluate(node)).json)
    have = {k: v for k, v in built.items() if k not in ("panels", "templating")}
    extra, _ = overlay(want, have, grafana_defaults.dashboard_default)
    return extra


def _warnings(original: dict) -> list[str]:
    out: list[str] = []
    if original.get("__inputs"):
        names = ", ".join(f"${{{i.get('name')}}}" for i in original["__inputs"])
        out.append(f"exported for sharing externally: it refers to {names}, which only "
                   "Grafana's import dialog fills in; replace them before deploying")
    return out
