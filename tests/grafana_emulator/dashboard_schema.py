"""Dashboard schemas: the classic (v0/v1) spec's migrations and schema v2 ("dynamic dashboards").

- migrate(): what a save or read through dashboard.grafana.app v1/v1beta1 does to a classic
  spec (apps/dashboard/pkg/migration/schemaversion: V40 makes `refresh` a string, V41 deletes
  `timepicker.time_options`, V42 sets hideFrom.tooltip where hideFrom.viz is true). The older
  migrations (MIN_VERSION..39) rewrite panels in ways the emulator does not reproduce: it only
  raises schemaVersion past them (guess, simplified).
- classic_to_v2(): what a UI save does in 13.x (dashboardNewLayouts): the spec in the shape of
  apps/dashboard/kinds/v2beta1/dashboard_spec.cue (elements, layout, variables, timeSettings,
  cursorSync, ...). Grafana converts in the browser (transformSceneToSaveModelSchemaV2); the
  emulator's mapping is a plausible subset (guess).
- v2_to_classic(): the lossy v1 view of a v2 dashboard, as 13.x's legacy GET answers it
  (peers report it: grafana/mcp-grafana tools/dashboard.go; the mapping is a guess). Tabs,
  conditional rendering and auto-grid sizing have no v1 form and are lost.
"""

from __future__ import annotations

from typing import Any

from .values import copy_json

V2_TOP_LEVEL = ("elements", "layout")
GRID_WIDTH = 24
AUTO_GRID_HEIGHT = 8


def _dict(value: dict[str, Any], key: str) -> dict[str, Any]:
    item = value.get(key)
    return item if isinstance(item, dict) else {}


# --- classic migrations ----------------------------------------------------------

def schema_version_of(spec: dict[str, Any]) -> int:
    """schemaversion.GetSchemaVersion: an int, a float, or a numeric string; else 0."""
    value = spec.get("schemaVersion")
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return 0


def migrate(spec: dict[str, Any], target: int) -> dict[str, Any]:
    """A migrated copy of a classic spec (migration.Migrate to `target`). The copy shares what
    the migrations leave alone with `spec` (responses are serialized, never changed): copy it
    before changing it in place."""
    version = schema_version_of(spec)
    out = dict(spec)
    if version >= target:
        return out
    if version < 40 <= target:
        _v40(out)
    if version < 41 <= target:
        _v41(out)
    if version < 42 <= target:
        _v42(out)
    out["schemaVersion"] = target
    return out


def _v40(spec: dict[str, Any]) -> None:
    """V40: refresh is a string; anything else (bool, number, null, missing) becomes ""."""
    refresh = spec.get("refresh")
    spec["refresh"] = refresh if isinstance(refresh, str) else ""


def _v41(spec: dict[str, Any]) -> None:
    """V41: timepicker.time_options is deleted."""
    timepicker = spec.get("timepicker")
    if isinstance(timepicker, dict) and "time_options" in timepicker:
        spec["timepicker"] = {k: v for k, v in timepicker.items() if k != "time_options"}


def _v42(spec: dict[str, Any]) -> None:
    """V42: every custom.hideFrom override property with viz true also gets tooltip true,
    in panels and in the panels of rows (the panels are copied only when one changes)."""
    panels = spec.get("panels")
    if not isinstance(panels, list) or not any(_hides_from_viz(p) for p in panels):
        return
    spec["panels"] = copy_json(panels)
    for panel in spec["panels"]:
        if isinstance(panel, dict):
            _hide_from_tooltip(panel)


def _hides_from_viz(panel: Any) -> bool:
    if not isinstance(panel, dict):
        return False
    field_config = panel.get("fieldConfig")
    overrides = field_config.get("overrides") if isinstance(field_config, dict) else None
    for override in overrides if isinstance(overrides, list) else []:
        properties = override.get("properties") if isinstance(override, dict) else None
        for prop in properties if isinstance(properties, list) else []:
            if (isinstance(prop, dict) and prop.get("id") == "custom.hideFrom"
                    and isinstance(prop.get("value"), dict) and prop["value"].get("viz") is True):
                return True
    return any(_hides_from_viz(p) for p in panel.get("panels") or [])


def _hide_from_tooltip(panel: dict[str, Any]) -> None:
    field_config = panel.get("fieldConfig")
    overrides = field_config.get("overrides") if isinstance(field_config, dict) else None
    for override in overrides if isinstance(overrides, list) else []:
        properties = override.get("properties") if isinstance(override, dict) else None
        for prop in properties if isinstance(properties, list) else []:
            if not isinstance(prop, dict) or prop.get("id") != "custom.hideFrom":
                continue
            value = prop.get("value")
            if isinstance(value, dict) and value.get("viz") is True:
                value["tooltip"] = True
    for nested in panel.get("panels") or []:
        if isinstance(nested, dict):
            _hide_from_tooltip(nested)


# --- recognising schema v2 ------------------------------------------------------------

def looks_like_v2(spec: dict[str, Any]) -> bool:
    """dashboards.LooksLikeV2Spec (pkg/services/dashboards): a body with v2's `elements` and
    `layout` (which keys it checks exactly is a guess)."""
    return isinstance(spec.get("elements"), dict) and isinstance(spec.get("layout"), dict)


# The 400 of a v2-looking legacy save: LooksLikeV2SpecMessage's text is a guess; the suffix is
# pkg/api/dashboard.go postDashboard's.
LOOKS_LIKE_V2_MESSAGE = (
    "Dashboard JSON looks like a v2 spec and should be saved with the "
    "/apis/dashboard.grafana.app/v2 API OR it should include a object wrapper with an explicit "
    "'apiVersion' and move the body into a 'spec' element")


# --- classic → v2 -----------------------------------------------------------------

_CURSOR_SYNC = {0: "Off", 1: "Crosshair", 2: "Tooltip"}
_VARIABLE_KINDS = {"query": "QueryVariable", "custom": "CustomVariable",
                   "constant": "ConstantVariable", "datasource": "DatasourceVariable",
                   "interval": "IntervalVariable", "textbox": "TextVariable",
                   "adhoc": "AdhocVariable", "groupby": "GroupByVariable"}
_HIDE = {0: "dontHide", 1: "hideLabel", 2: "hideVariable"}
_REFRESH = {0: "never", 1: "onDashboardLoad", 2: "onTimeRangeChanged"}


def classic_to_v2(spec: dict[str, Any], *, tabs: bool = False) -> dict[str, Any]:
    """The v2 spec a UI save writes for a classic dashboard. With `tabs`, the layout is wrapped
    in a TabsLayout (a structure v1 cannot express), as a person adding a tab would."""
    elements: dict[str, Any] = {}
    layout = _layout_from_panels(spec.get("panels") or [], elements)
    if tabs:
        layout = {"kind": "TabsLayout", "spec": {"tabs": [
            {"kind": "TabsLayoutTab", "spec": {"title": "Overview", "layout": layout}}]}}
    timepicker = _dict(spec, "timepicker")
    time_range = _dict(spec, "time")
    v2: dict[str, Any] = {
        "title": spec.get("title", ""),
        "description": spec.get("description", ""),
        "tags": list(spec.get("tags") or []),
        "editable": spec.get("editable", True),
        "cursorSync": _CURSOR_SYNC.get(spec.get("graphTooltip", 0), "Off"),
        "preload": bool(spec.get("preload", False)),
        "liveNow": bool(spec.get("liveNow", False)),
        "links": copy_json(spec.get("links") or []),
        "annotations": [_annotation_to_v2(a) for a in
                        ((spec.get("annotations") or {}).get("list") or [])
                        if isinstance(a, dict)],
        "variables": [_variable_to_v2(v) for v in
                      ((spec.get("templating") or {}).get("list") or []) if isinstance(v, dict)],
        "timeSettings": {
            "timezone": spec.get("timezone") or "browser",
            "from": time_range.get("from", "now-6h"),
            "to": time_range.get("to", "now"),
            "autoRefresh": spec.get("refresh") if isinstance(spec.get("refresh"), str) else "",
            "autoRefreshIntervals": list(timepicker.get("refresh_intervals") or
                                         ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h",
                                          "2h", "1d"]),
            "hideTimepicker": bool(timepicker.get("hidden", False)),
            "fiscalYearStartMonth": spec.get("fiscalYearStartMonth", 0),
        },
        "elements": elements,
        "layout": layout,
    }
    if spec.get("weekStart"):
        v2["timeSettings"]["weekStart"] = spec["weekStart"]
    return v2


def _layout_from_panels(panels: list[Any], elements: dict[str, Any]) -> dict[str, Any]:
    """GridLayout when there are no rows; RowsLayout (each row a GridLayout) when there are."""
    has_rows = any(isinstance(p, dict) and p.get("type") == "row" for p in panels)
    if not has_rows:
        return {"kind": "GridLayout", "spec": {"items": _grid_items(panels, elements, 0)}}
    rows: list[dict[str, Any]] = []
    loose: list[Any] = []
    current: dict[str, Any] | None = None
    for panel in panels:
        if not isinstance(panel, dict):
            continue
        if panel.get("type") == "row":
            current = {"title": panel.get("title", ""), "collapse": bool(panel.get("collapsed")),
                       "panels": list(panel.get("panels") or []),
                       "y": (panel.get("gridPos") or {}).get("y", 0)}
            rows.append(current)
        elif current is None:
            loose.append(panel)
        else:
            current["panels"].append(panel)
    if loose:
        rows.insert(0, {"title": "", "collapse": False, "panels": loose, "y": 0, "hide": True})
    return {"kind": "RowsLayout", "spec": {"rows": [
        {"kind": "RowsLayoutRow", "spec": {
            **({"hideHeader": True} if row.get("hide") else {}),
            "title": row["title"], "collapse": row["collapse"],
            "layout": {"kind": "GridLayout", "spec": {
                "items": _grid_items(row["panels"], elements, row["y"] + 1)}}}}
        for row in rows]}}


def _grid_items(panels: list[Any], elements: dict[str, Any], y_offset: int) -> list[dict[str, Any]]:
    items = []
    for panel in panels:
        if not isinstance(panel, dict) or panel.get("type") == "row":
            continue
        name = f"panel-{panel.get('id', len(elements) + 1)}"
        elements[name] = _panel_to_v2(panel)
        grid = _dict(panel, "gridPos")
        item: dict[str, Any] = {"x": grid.get("x", 0), "y": max(grid.get("y", 0) - y_offset, 0),
                                "width": grid.get("w", 12), "height": grid.get("h", 8),
                                "element": {"kind": "ElementReference", "name": name}}
        if panel.get("repeat"):
            item["repeat"] = {"mode": "variable", "value": panel["repeat"],
                              "direction": panel.get("repeatDirection", "h")}
        items.append({"kind": "GridLayoutItem", "spec": item})
    return items


def _panel_to_v2(panel: dict[str, Any]) -> dict[str, Any]:
    datasource = _dict(panel, "datasource")
    queries = []
    for target in panel.get("targets") or []:
        if not isinstance(target, dict):
            continue
        source = _dict(target, "datasource") or datasource
        queries.append({"kind": "PanelQuery", "spec": {
            "refId": target.get("refId", "A"),
            "hidden": bool(target.get("hide", False)),
            "query": {"kind": "DataQuery", "group": source.get("type", ""), "version": "v0",
                      "datasource": {"name": source.get("uid", "")},
                      "spec": {k: copy_json(v) for k, v in target.items()
                               if k not in ("refId", "datasource", "hide")}}}})
    query_options: dict[str, Any] = {}
    for key in ("interval", "maxDataPoints", "timeFrom", "timeShift", "cacheTimeout",
                "hideTimeOverride"):
        if panel.get(key) not in (None, ""):
            query_options[key] = panel[key]
    return {"kind": "Panel", "spec": {
        "id": panel.get("id", 0),
        "title": panel.get("title", ""),
        "description": panel.get("description", ""),
        "links": copy_json(panel.get("links") or []),
        "data": {"kind": "QueryGroup", "spec": {
            "queries": queries,
            "transformations": [{"kind": t.get("id", ""), "spec": copy_json(t)}
                                for t in panel.get("transformations") or [] if isinstance(t, dict)],
            "queryOptions": query_options}},
        "vizConfig": {"kind": "VizConfig", "group": panel.get("type", ""),
                      "version": panel.get("pluginVersion", ""),
                      "spec": {"options": copy_json(panel.get("options") or {}),
                               "fieldConfig": copy_json(panel.get("fieldConfig") or
                                                        {"defaults": {}, "overrides": []})}},
        **({"transparent": True} if panel.get("transparent") else {}),
    }}


def _annotation_to_v2(annotation: dict[str, Any]) -> dict[str, Any]:
    datasource = _dict(annotation, "datasource")
    return {"kind": "AnnotationQuery", "spec": {
        "name": annotation.get("name", ""),
        "enable": bool(annotation.get("enable", True)),
        "hide": bool(annotation.get("hide", False)),
        "iconColor": annotation.get("iconColor", ""),
        "builtIn": bool(annotation.get("builtIn", False)),
        "query": {"kind": "DataQuery", "group": datasource.get("type", "grafana"), "version": "v0",
                  "datasource": {"name": datasource.get("uid", "")},
                  "spec": copy_json(annotation.get("target") or {})}}}


def _variable_to_v2(variable: dict[str, Any]) -> dict[str, Any]:
    kind = _VARIABLE_KINDS.get(variable.get("type", "query"), "QueryVariable")
    spec: dict[str, Any] = {
        "name": variable.get("name", ""),
        "label": variable.get("label", ""),
        "hide": _HIDE.get(variable.get("hide", 0), "dontHide"),
        "skipUrlSync": bool(variable.get("skipUrlSync", False)),
        "description": variable.get("description", ""),
        "current": copy_json(variable.get("current") or {"text": "", "value": ""}),
        "options": copy_json(variable.get("options") or []),
    }
    for key in ("multi", "includeAll", "allValue", "regex", "definition"):
        if key in variable:
            spec[key] = copy_json(variable[key])
    if kind == "QueryVariable":
        datasource = _dict(variable, "datasource")
        spec["refresh"] = _REFRESH.get(variable.get("refresh", 1), "onDashboardLoad")
        spec["sort"] = "disabled" if not variable.get("sort") else "alphabeticalAsc"
        spec["query"] = {"kind": "DataQuery", "group": datasource.get("type", ""), "version": "v0",
                         "datasource": {"name": datasource.get("uid", "")},
                         "spec": copy_json(variable.get("query")
                                           if isinstance(variable.get("query"), dict)
                                           else {"query": variable.get("query", "")})}
    elif "query" in variable:
        spec["query"] = copy_json(variable["query"])
    return {"kind": kind, "spec": spec}


# --- v2 → classic (lossy) -------------------------------------------------------------

_CURSOR_SYNC_BACK = {v: k for k, v in _CURSOR_SYNC.items()}
_KIND_TYPES = {v: k for k, v in _VARIABLE_KINDS.items()}
_HIDE_BACK = {v: k for k, v in _HIDE.items()}
_REFRESH_BACK = {v: k for k, v in _REFRESH.items()}


def v2_to_classic(spec: dict[str, Any], schema_version: int) -> dict[str, Any]:
    """A v1 dashboard from a v2 spec: grid positions kept, rows become row panels, tabs are
    flattened into rows titled by the tab, auto grids are laid out 3 across (all lossy)."""
    elements = _dict(spec, "elements")
    panels: list[dict[str, Any]] = []
    _flatten_layout(spec.get("layout") or {}, elements, panels, [0])
    settings = _dict(spec, "timeSettings")
    classic: dict[str, Any] = {
        "title": spec.get("title", ""),
        "description": spec.get("description", ""),
        "tags": list(spec.get("tags") or []),
        "editable": spec.get("editable", True),
        "graphTooltip": _CURSOR_SYNC_BACK.get(spec.get("cursorSync", "Off"), 0),
        "liveNow": bool(spec.get("liveNow", False)),
        "links": copy_json(spec.get("links") or []),
        "annotations": {"list": [_annotation_to_classic(a) for a in spec.get("annotations") or []
                                 if isinstance(a, dict)]},
        "templating": {"list": [_variable_to_classic(v) for v in spec.get("variables") or []
                                if isinstance(v, dict)]},
        "time": {"from": settings.get("from", "now-6h"), "to": settings.get("to", "now")},
        "timezone": settings.get("timezone", "browser"),
        "refresh": settings.get("autoRefresh", ""),
        "timepicker": {"refresh_intervals": list(settings.get("autoRefreshIntervals") or []),
                       "hidden": bool(settings.get("hideTimepicker", False))},
        "fiscalYearStartMonth": settings.get("fiscalYearStartMonth", 0),
        "panels": panels,
        "schemaVersion": schema_version,
    }
    if settings.get("weekStart"):
        classic["weekStart"] = settings["weekStart"]
    return classic


def _flatten_layout(layout: dict[str, Any], elements: dict[str, Any], out: list[dict[str, Any]],
                    y: list[int]) -> None:
    kind = layout.get("kind")
    spec = _dict(layout, "spec")
    if kind == "GridLayout":
        base = y[0]
        bottom = base
        for item in spec.get("items") or []:
            item_spec = item.get("spec", {}) if isinstance(item, dict) else {}
            panel = _panel_from_element(item_spec.get("element"), elements)
            if panel is None:
                continue
            grid = {"x": item_spec.get("x", 0), "y": base + item_spec.get("y", 0),
                    "w": item_spec.get("width", 12), "h": item_spec.get("height", 8)}
            panel["gridPos"] = grid
            out.append(panel)
            bottom = max(bottom, grid["y"] + grid["h"])
        y[0] = bottom
    elif kind in ("RowsLayout", "TabsLayout"):
        children = spec.get("rows" if kind == "RowsLayout" else "tabs") or []
        for child in children:
            child_spec = child.get("spec", {}) if isinstance(child, dict) else {}
            out.append({"type": "row", "title": child_spec.get("title", ""),
                        "collapsed": bool(child_spec.get("collapse", False)),
                        "gridPos": {"x": 0, "y": y[0], "w": GRID_WIDTH, "h": 1}, "panels": [],
                        "id": 10_000 + len(out)})
            y[0] += 1
            _flatten_layout(child_spec.get("layout") or {}, elements, out, y)
    elif kind == "AutoGridLayout":
        columns = int(spec.get("maxColumnCount", 3) or 3)
        width = GRID_WIDTH // columns
        for index, item in enumerate(spec.get("items") or []):
            item_spec = item.get("spec", {}) if isinstance(item, dict) else {}
            panel = _panel_from_element(item_spec.get("element"), elements)
            if panel is None:
                continue
            panel["gridPos"] = {"x": (index % columns) * width,
                                "y": y[0] + (index // columns) * AUTO_GRID_HEIGHT,
                                "w": width, "h": AUTO_GRID_HEIGHT}
            out.append(panel)
        rows = (len(spec.get("items") or []) + columns - 1) // columns
        y[0] += rows * AUTO_GRID_HEIGHT


def _panel_from_element(reference: Any, elements: dict[str, Any]) -> dict[str, Any] | None:
    name = reference.get("name") if isinstance(reference, dict) else None
    element = elements.get(name) if isinstance(name, str) else None
    if not isinstance(element, dict) or element.get("kind") != "Panel":
        return None
    spec = element.get("spec", {})
    viz = _dict(spec, "vizConfig")
    viz_spec = _dict(viz, "spec")
    data = _dict(_dict(spec, "data"), "spec")
    targets = []
    for query in data.get("queries") or []:
        query_spec = query.get("spec", {}) if isinstance(query, dict) else {}
        data_query = _dict(query_spec, "query")
        target = {"refId": query_spec.get("refId", "A"),
                  "datasource": {"type": data_query.get("group", ""),
                                 "uid": (data_query.get("datasource") or {}).get("name", "")},
                  **copy_json(data_query.get("spec") or {})}
        if query_spec.get("hidden"):
            target["hide"] = True
        targets.append(target)
    panel: dict[str, Any] = {
        "id": spec.get("id", 0),
        "type": viz.get("group", ""),
        "title": spec.get("title", ""),
        "description": spec.get("description", ""),
        "links": copy_json(spec.get("links") or []),
        "targets": targets,
        "options": copy_json(viz_spec.get("options") or {}),
        "fieldConfig": copy_json(viz_spec.get("fieldConfig") or {"defaults": {}, "overrides": []}),
    }
    if targets:
        panel["datasource"] = copy_json(targets[0]["datasource"])
    if viz.get("version"):
        panel["pluginVersion"] = viz["version"]
    transformations = [t.get("spec") for t in data.get("transformations") or []
                       if isinstance(t, dict) and isinstance(t.get("spec"), dict)]
    if transformations:
        panel["transformations"] = copy_json(transformations)
    panel.update(copy_json(data.get("queryOptions") or {}))
    return panel


def _annotation_to_classic(annotation: dict[str, Any]) -> dict[str, Any]:
    spec = _dict(annotation, "spec")
    query = _dict(spec, "query")
    out = {"name": spec.get("name", ""), "enable": spec.get("enable", True),
           "hide": spec.get("hide", False), "iconColor": spec.get("iconColor", ""),
           "datasource": {"type": query.get("group", ""),
                          "uid": (query.get("datasource") or {}).get("name", "")}}
    if spec.get("builtIn"):
        out["builtIn"] = 1
    if query.get("spec"):
        out["target"] = copy_json(query["spec"])
    return out


def _variable_to_classic(variable: dict[str, Any]) -> dict[str, Any]:
    spec = copy_json(variable.get("spec") or {})
    out: dict[str, Any] = {"type": _KIND_TYPES.get(variable.get("kind", ""), "query")}
    out["hide"] = _HIDE_BACK.get(spec.pop("hide", "dontHide"), 0)
    if "refresh" in spec:
        out["refresh"] = _REFRESH_BACK.get(spec.pop("refresh"), 1)
    if "sort" in spec:
        out["sort"] = 0 if spec.pop("sort") == "disabled" else 1
    query = spec.pop("query", None)
    if isinstance(query, dict) and query.get("kind") == "DataQuery":
        out["datasource"] = {"type": query.get("group", ""),
                             "uid": (query.get("datasource") or {}).get("name", "")}
        inner = query.get("spec") or {}
        out["query"] = inner.get("query", inner) if set(inner) <= {"query"} else inner
    elif query is not None:
        out["query"] = query
    out.update(spec)
    return out


def v2_structure(spec: dict[str, Any]) -> list[str]:
    """The layout kinds of a v2 spec that v1 cannot express (for tests and messages)."""
    found: list[str] = []

    def walk(layout: Any) -> None:
        if not isinstance(layout, dict):
            return
        kind = layout.get("kind")
        inner = _dict(layout, "spec")
        if kind in ("TabsLayout", "AutoGridLayout") and kind not in found:
            found.append(kind)
        for child in (inner.get("rows") or []) + (inner.get("tabs") or []):
            child_spec = child.get("spec", {}) if isinstance(child, dict) else {}
            if child_spec.get("conditionalRendering") and "conditionalRendering" not in found:
                found.append("conditionalRendering")
            walk(child_spec.get("layout"))

    walk(spec.get("layout"))
    return found
