"""The layout of an imported dashboard: width, height and position=(x, y) are written only
where dashsmith's automatic layout would place a panel (or row) differently, and panel ids
only where they are not the ones dashsmith derives from the titles."""

from __future__ import annotations

from dashsmith.commands.import_.inputs import ImportFailed
from dashsmith.commands.import_.pysource import Call, evaluate
from dashsmith.compiler.render import GRID_WIDTH, render_dashboard
from dashsmith.grafana.equivalence import grid_position, is_repeat_copy, normalize
from dashsmith.model.panels import DEFAULT_HEIGHT


def fit_layout(node: Call, original: dict) -> None:
    """Keep width, height and position only where the automatic layout would differ."""
    wanted = _grid_by_id(normalize(original).get("panels", []))
    elements = _elements(node)
    for element, group in elements:
        _simplify(element, group)
    for _ in range(len(elements) + 1):
        built = _built_grid(node)
        wrong = [e for e, _ in elements
                 if built.get(e.kwargs.get("id")) != wanted.get(e.kwargs.get("id"))]
        if not wrong:
            _drop_derived_ids(node, elements, wanted)
            return
        # A panel's size does not depend on the others': every wrong size is written at once
        # (one render for all); a place depends on what comes before it: the first, then again.
        sized = [e for e in wrong if _size_differs(e, wanted, built)]
        for element in sized or wrong[:1]:
            _make_explicit(element, wanted.get(element.kwargs.get("id"), {}),
                           built.get(element.kwargs.get("id")) or {})
    raise ImportFailed("the layout cannot be reproduced")


def _size_differs(element: Call, wanted: dict, built: dict) -> bool:
    if element.name == "Row" or ("width" in element.kwargs and "height" in element.kwargs):
        return False
    grid, got = wanted.get(element.kwargs.get("id")) or {}, built.get(element.kwargs.get("id"))
    return isinstance(got, dict) and (got.get("w"), got.get("h")) != (grid.get("w"),
                                                                     grid.get("h"))


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
    dashsmith built, imported again): all are left out, rendered once, and those that come
    back different are put back; if the layout then differs at all, every id is kept."""
    explicit = [(element, element.kwargs) for element, _ in elements if "id" in element.kwargs]
    for element, kept in explicit:
        element.kwargs = {k: v for k, v in kept.items() if k != "id"}
    derived = dict(zip([id(e) for e, _ in elements],
                       _ids_in_order(render_dashboard(evaluate(node)).json.get("panels", [])),
                       strict=False))
    for element, kept in explicit:
        if derived.get(id(element)) != kept["id"]:
            element.kwargs = kept
    if _built_grid(node) != wanted:
        for element, kept in explicit:
            element.kwargs = kept


def _ids_in_order(panels: list) -> list:
    """The ids of rendered rows and panels in declaration order (a row, then its panels)."""
    out: list = []
    for panel in panels:
        out.append(panel.get("id"))
        out += _ids_in_order(panel.get("panels") or [])
    return out


def _elements(node: Call) -> list[tuple[Call, list]]:
    """Rows and panels in declaration order, each panel with the group its default width comes
    from: its row, or the run of loose panels it is in."""
    out: list[tuple[Call, list]] = []
    run: list[Call] = []
    for item in node.kwargs["rows"]:
        if item.name == "Row":
            out.append((item, []))
            out += [(panel, item.args[1]) for panel in item.args[1]]
            run = []
        else:
            if not run:
                run = list(_run_from(node.kwargs["rows"], item))
            out.append((item, run))
    return out


def _run_from(items: list, first: Call) -> list[Call]:
    start = next(i for i, item in enumerate(items) if item is first)
    run: list[Call] = []
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


def _with(kwargs: dict, key: str, value: object, before: str) -> dict:
    out: dict[str, object] = {}
    for name, item in kwargs.items():
        if name == before:
            out[key] = value
        out[name] = item
    if key not in out:
        out[key] = value
    return out


def _built_grid(node: Call) -> dict:
    """The grid positions of what `node` declares, as Grafana lays them out."""
    return _grid_by_id(render_dashboard(evaluate(node)).json.get("panels", []))


def _grid_by_id(panels: list) -> dict:
    out: dict[object, object] = {}  # panel id → its gridPos, as Grafana lays it out
    for panel in panels:
        if is_repeat_copy(panel):
            continue
        grid = panel.get("gridPos")
        out[panel.get("id")] = grid_position(grid, panel.get("type", "")) \
            if isinstance(grid, dict) else grid
        out.update(_grid_by_id(panel.get("panels") or []))
    return out
