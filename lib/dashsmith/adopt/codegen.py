"""A whole imported dashboard as a Python module: variables and panels fitted one by one,
rows kept, the layout reduced to what the automatic layout does not already produce, and the
module text in the style of the hand-written dashboards.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from dataclasses import dataclass, field

from .. import dashboard as model
from ..dashboard import DATASOURCE_VARIABLE, Dashboard, Row
from ..panels import DEFAULT_HEIGHT
from ..render import GRID_WIDTH, SCHEMA_VERSION, render_dashboard
from .fit import MISSING, differences, overlay, summary
from .inputs import ImportFailed, Imported
from .normalize import is_repeat_copy, normalize, position, same
from .panel_code import CannotFit, fit_panel
from .pysource import WIDTH, Call, Name, evaluate, source
from .variable_code import fit_variable


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
    _fit_layout(node, original)
    extra = _dashboard_extra(node, original)
    if extra:
        node.kwargs["extra"] = extra
        carried += [f"dashboard: {line}" for line in summary(extra)]
    constants = _hoist_datasources(node)
    remaining = differences(normalize(original), normalize(render_dashboard(evaluate(node)).json))
    if remaining:
        raise ImportFailed(f"{imported.origin}: the declaration does not render back to the "
                           f"dashboard at {', '.join('.'.join(map(str, p)) for p in remaining[:5])}"
                           " (please report this)")
    module = Module(module_name(original["title"]), original["uid"], original["title"].strip(),
                    folder, "", carried, _warnings(original), node, constants)
    module.text = module_text(module, imported.origin)
    return module


def module_name(title: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "dashboard"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "dashboard_" + name
    return name


def _variable(original: dict, carried: list[str]):
    try:
        node, fields = fit_variable(original)
    except ValueError as error:
        raise ImportFailed(str(error)) from None
    carried += [f"variable {original.get('name')}: {f}" for f in fields]
    return node


def _rows(original: dict, carried: list[str], origin: str) -> list:
    """Top-level items in reading order: a row holds the panels below it up to the next row
    (a collapsed one holds its own); panels outside any row stay loose."""
    items, current = [], None
    for panel in sorted(_kept(original.get("panels", [])), key=position):
        if panel.get("type") == "row":
            current = _row(panel)
            items.append(current)
            for inner in sorted(_kept(panel.get("panels", [])), key=position):
                current.args[1].append(_panel(inner, carried, origin))
        elif current is not None and not current.kwargs.get("collapsed"):
            current.args[1].append(_panel(panel, carried, origin))
        else:
            items.append(_panel(panel, carried, origin))
    return items


def _kept(panels: list) -> list:
    return [p for p in panels if not is_repeat_copy(p)]


def _row(panel: dict) -> Call:
    kwargs = {}
    if panel.get("collapsed"):
        kwargs["collapsed"] = True
    if panel.get("repeat"):
        kwargs["repeat"] = panel["repeat"]
    kwargs["y"] = (panel.get("gridPos") or {}).get("y", 0)
    kwargs["id"] = panel.get("id")
    return Call("Row", Row, [panel.get("title", ""), []], kwargs, hug=True)


def _panel(panel: dict, carried: list[str], origin: str) -> Call:
    try:
        fitted = fit_panel(panel)
    except CannotFit as error:
        raise ImportFailed(f"{origin}: panel {panel.get('id')} {panel.get('title', '')!r} "
                           f"cannot be declared: {error}") from None
    where = f"panel {panel.get('id')} {_quoted(panel.get('title', ''))}"
    carried += [f"{where}: {path}" for path in fitted.verbatim]
    return fitted.node


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _dashboard_kwargs(original: dict, folder: str, variables: list, rows: list) -> dict:
    normal = normalize(original)
    kwargs = {"uid": original["uid"], "title": original["title"], "folder": folder}
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
        if value != dashsmith_default and not (name == "schema_version" and value == SCHEMA_VERSION):
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
    extra, _ = overlay(want, have, _dashboard_default)
    return extra


def _dashboard_default(path: tuple):
    from . import grafana_defaults
    spec = grafana_defaults.DASHBOARD
    for key in path:
        if not isinstance(spec, dict) or key not in spec:
            return False, None
        spec = spec[key]
    return True, spec


# --- layout -------------------------------------------------------------------------------

def _fit_layout(node: Call, original: dict) -> None:
    """Keep width, height and position only where the automatic layout would differ."""
    wanted = _grid_by_id(normalize(original).get("panels", []))
    elements = _elements(node)
    for element, group in elements:
        _simplify(element, group)
    for _ in range(len(elements) + 1):
        built = _grid_by_id(render_dashboard(evaluate(node)).json.get("panels", []))
        wrong = next((e for e, _ in elements if built.get(e.kwargs.get("id")) !=
                      wanted.get(e.kwargs.get("id"))), None)
        if wrong is None:
            _drop_derived_ids(node, elements, wanted)
            return
        _make_explicit(wrong, wanted.get(wrong.kwargs.get("id"), {}),
                       built.get(wrong.kwargs.get("id")) or {})
    raise ImportFailed("the layout cannot be reproduced")


def _make_explicit(element: Call, grid: dict, got: dict) -> None:
    """Write out the size, then the place, of an element the automatic layout gets wrong."""
    kwargs = element.kwargs
    if element.name == "Row":
        if "y" in kwargs:
            raise ImportFailed(f"the layout of row {kwargs.get('id')} cannot be reproduced")
        element.kwargs = _with(kwargs, "y", grid.get("y", 0), before="id")
        return
    if (got.get("w"), got.get("h")) != (grid.get("w"), grid.get("h")) and \
            ("width" not in kwargs or "height" not in kwargs):
        kwargs = _with(kwargs, "width", grid.get("w"), before="id")
        element.kwargs = _with(kwargs, "height", grid.get("h"), before="id")
    elif "position" not in kwargs:
        element.kwargs = _with(kwargs, "position", (grid.get("x", 0), grid.get("y", 0)),
                               before="id")
    else:
        raise ImportFailed(f"the layout of panel {kwargs.get('id')} cannot be reproduced")


def _drop_derived_ids(node: Call, elements: list, wanted: dict) -> None:
    """Leave out the ids dashsmith would derive from the titles anyway (a dashboard that
    dashsmith built, imported again)."""
    for element, _ in elements:
        if "id" not in element.kwargs:
            continue
        kept = element.kwargs
        element.kwargs = {k: v for k, v in kept.items() if k != "id"}
        if _grid_by_id(render_dashboard(evaluate(node)).json.get("panels", [])) != wanted:
            element.kwargs = kept


def _elements(node: Call) -> list[tuple[Call, list]]:
    """Rows and panels in declaration order, each panel with the group its default width comes
    from: its row, or the run of loose panels it is in."""
    out, run = [], []
    for item in node.kwargs["rows"]:
        if item.name == "Row":
            out.append((item, []))
            out += [(panel, item.args[1]) for panel in item.args[1]]
            run = []
        else:
            if not run:
                run = [i for i in _run_from(node.kwargs["rows"], item)]
            out.append((item, run))
    return out


def _run_from(items: list, first: Call) -> list:
    start = next(i for i, item in enumerate(items) if item is first)
    run = []
    for item in items[start:]:
        if item.name == "Row":
            break
        run.append(item)
    return run


def _simplify(element: Call, group: list) -> None:
    kwargs = element.kwargs
    if element.name == "Row":
        kwargs.pop("y", None)
        return
    kwargs.pop("position", None)
    default_width = GRID_WIDTH // min(len(group), 4) if group else GRID_WIDTH
    if kwargs.get("width") in (default_width, None):
        kwargs.pop("width", None)
    default_height = 4 if element.name == "text" else DEFAULT_HEIGHT
    if kwargs.get("height") == default_height:
        kwargs.pop("height", None)
    # the layout first, then the id, then what is carried verbatim
    for key in ("width", "height", "id", "extra"):
        if key in kwargs:
            kwargs[key] = kwargs.pop(key)


def _with(kwargs: dict, key: str, value, before: str) -> dict:
    out = {}
    for name, item in kwargs.items():
        if name == before:
            out[key] = value
        out[name] = item
    if key not in out:
        out[key] = value
    return out


def _grid_by_id(panels: list) -> dict:
    out = {}
    for panel in panels:
        out[panel.get("id")] = panel.get("gridPos")
        out.update(_grid_by_id(panel.get("panels", [])))
    return out


# --- readability --------------------------------------------------------------------------

def _hoist_datasources(node: Call) -> dict:
    """The dashboard's own data source is written DATASOURCE; another one written out more
    than once becomes a module constant."""
    counts: dict[str, list] = {}
    for holder, key, value in _datasource_uses(node):
        if same(value, model.DATASOURCE):
            holder[key] = Name("DATASOURCE", model.DATASOURCE)
            continue
        counts.setdefault(repr(value), []).append((holder, key, value))
    names = set()
    for uses in counts.values():
        value = uses[0][2]
        if len(uses) < 2 or value is None:
            continue
        name = _constant_name(value, names)
        names.add(name)
        for holder, key, _ in uses:
            holder[key] = Name(name, value)
    return {n.text: n.value for n in _names(node) if n.text != "DATASOURCE"}


def _datasource_uses(node):
    if isinstance(node, Call):
        for key, value in list(node.kwargs.items()):
            if key in ("datasource", "dataSource") and not isinstance(value, Name):
                yield node.kwargs, key, value
            else:
                yield from _datasource_uses(value)
        for arg in node.args:
            yield from _datasource_uses(arg)
    elif isinstance(node, list):
        for item in node:
            yield from _datasource_uses(item)


def _constant_name(value, taken: set) -> str:
    kind = value.get("type", "datasource") if isinstance(value, dict) else str(value)
    base = re.sub(r"[^A-Z0-9]+", "_", kind.upper()).strip("_") or "DATASOURCE"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


def _names(node):
    if isinstance(node, Name):
        yield node
    elif isinstance(node, Call):
        for item in [*node.args, *node.kwargs.values()]:
            yield from _names(item)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _names(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _names(item)


def _warnings(original: dict) -> list[str]:
    out = []
    if original.get("__inputs"):
        names = ", ".join("${%s}" % i.get("name") for i in original["__inputs"])
        out.append(f"exported for sharing externally: it refers to {names}, which only "
                   "Grafana's import dialog fills in; replace them before deploying")
    return out


# --- module text --------------------------------------------------------------------------

IMPORTS = {
    "Dashboard": "dashsmith", "Row": "dashsmith", "Query": "dashsmith",
    "timeseries": "dashsmith", "stat": "dashsmith", "gauge": "dashsmith",
    "bargauge": "dashsmith", "piechart": "dashsmith", "table": "dashsmith",
    "barchart": "dashsmith", "text": "dashsmith", "panel": "dashsmith",
    "label_variable": "dashsmith", "custom_variable": "dashsmith",
    "datasource_variable": "dashsmith", "Variable": "dashsmith.dashboard",
    "DATASOURCE": "dashsmith.dashboard",
    "plugin_panel": "dashsmith.verbatim", "library_panel": "dashsmith.verbatim",
}


def module_text(module: Module, origin: str) -> str:
    node = module.dashboard
    used = sorted({c.name for c in _calls(node)} | {n.text for n in _names(node)})
    lines = [f'"""{module.title}: imported from Grafana (uid {module.uid})."""', ""]
    lines += [f"# Imported from {origin} by `dashsmith import`."]
    if module.carried:
        lines.append("# Carried verbatim (extra=..., plugin_panel fields), as neither the helpers "
                     "nor grafanalib")
        lines.append("# express them here:")
        for line in module.carried:
            lines += textwrap.wrap(line, WIDTH, initial_indent="#   ",
                                   subsequent_indent="#       ", break_long_words=False,
                                   break_on_hyphens=False)
    lines.append("")
    if any(name.startswith("g.") for name in used):
        lines.append("import grafanalib.core as g")
    by_module: dict[str, list[str]] = {}
    for name in used:
        if name in IMPORTS:
            by_module.setdefault(IMPORTS[name], []).append(name)
    lines += [_import(name, names) for name, names in sorted(by_module.items())]
    lines.append("")
    if module.constants:
        lines += [source(value, prefix=f"{name} = ") for name, value in module.constants.items()]
        lines.append("")
    lines.append(source(node, prefix="dashboard = "))
    return "\n".join(lines) + "\n"


def _import(module: str, names: list[str]) -> str:
    """`from module import a, b`, wrapped under its opening parenthesis when too long."""
    line = f"from {module} import {', '.join(sorted(names))}"
    if len(line) <= WIDTH:
        return line
    head = f"from {module} import ("
    lines, current = [], head
    for name in sorted(names):
        piece = name + ", "
        if len(current + piece.rstrip()) > WIDTH:
            lines.append(current.rstrip())
            current = " " * len(head)
        current += piece
    lines.append(current.rstrip(", ") + ")")
    return "\n".join(lines)


def _calls(node):
    if isinstance(node, Call):
        yield node
        for item in [*node.args, *node.kwargs.values()]:
            yield from _calls(item)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _calls(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _calls(item)


__all__ = ["MISSING", "Module", "generate", "module_name", "module_text"]
