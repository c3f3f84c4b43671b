"""What "the same dashboard" means in Grafana: both sides are normalised, then compared as plain
data. `dashsmith import` checks each generated module by it; deploy takes an unmarked dashboard
that is the same as its declaration by it for an imported one, not for drift.

Normalising removes only what Grafana itself sets or ignores, so two dashboards that normalise
equal look and behave the same in Grafana:
- the dashboard's `id`, `version`, `iteration`, `gnetId` and `__requires` (set by Grafana on
  save or export), `pluginVersion` and query-editor state (`editorMode`, `key`);
- `null` values (Grafana saves without them), Angular's `$$hashKey`, empty objects;
- values equal to what Grafana assumes when the field is left out (defaults);
- what Grafana derives on load: repeated copies of panels and rows, the options of custom,
  interval, constant, textbox and datasource variables and of query variables that refresh,
  a variable's `definition` when it repeats its query, a query's data source when it is the
  panel's, the built-in "Annotations & Alerts" when it is unchanged;
- keys the panel type no longer reads (rows-era `span`/`height`, table-old styling, the
  query settings of panels that show no data, everything but the reference of a library panel);
- panel order: panels are sorted by position, as Grafana sorts them on save.
"""

from __future__ import annotations

import re
from typing import TypeGuard

import orjson

from dashsmith.grafana import defaults as D


def normalize(dashboard: dict) -> dict:
    """The comparable form of a dashboard; malformed parts are left as they are."""
    data = canonical(with_panel_ids(upgrade_rows(dashboard)))
    for key in D.IGNORED_DASHBOARD_KEYS:
        data.pop(key, None)
    if data.get("refresh") is False:
        data["refresh"] = ""
    if isinstance(data.get("timepicker"), dict):
        for key in D.IGNORED_TIMEPICKER_KEYS:
            data["timepicker"].pop(key, None)
    annotations = _list(data, "annotations")
    if annotations is not None:
        data["annotations"]["list"] = [a for a in (normalize_annotation(a) if isinstance(a, dict)
                                                   else a for a in annotations) if a]
    variables = _list(data, "templating")
    if variables is not None:
        data["templating"]["list"] = [normalize_variable(v) if isinstance(v, dict) else v
                                      for v in variables]
    if isinstance(data.get("links"), list):
        data["links"] = [strip(link, D.LINK) if isinstance(link, dict) else link
                         for link in data["links"]]
    if isinstance(data.get("panels"), list):
        data["panels"] = normalize_panels(data["panels"])
    strip(data, D.DASHBOARD)
    return drop_empty(data)


def with_panel_ids(dashboard: dict) -> dict:
    """The dashboard with the panel ids Grafana gives on load to panels that have none, or one
    an earlier panel has: the next after the highest, in reading order (a row's panels after
    the row)."""
    panels = dashboard.get("panels")
    if not isinstance(panels, list):
        return dashboard
    ordered = sorted((p for p in panels if isinstance(p, dict)), key=position)
    every = [p for top in ordered for p in [top, *(top.get("panels") or [])] if isinstance(p, dict)]
    numbers = [n for n in (p.get("id") for p in every) if _is_number(n)]
    if len(set(numbers)) == len(every):
        return dashboard
    next_id = max(numbers, default=0) + 1
    seen: set = set()
    renumbered: dict[int, dict] = {}  # id() of a panel → the panel with its id
    for panel in every:
        if not _is_number(panel.get("id")) or not panel["id"] or panel["id"] in seen:
            renumbered[id(panel)] = {**panel, "id": next_id}
            next_id += 1
        seen.add(renumbered.get(id(panel), panel)["id"])

    def fixed(panel):
        panel = renumbered.get(id(panel), panel)
        if isinstance(panel, dict) and isinstance(panel.get("panels"), list):
            panel = {**panel, "panels": [fixed(p) for p in panel["panels"]]}
        return panel
    return {**dashboard, "panels": [fixed(p) for p in panels]}


def _is_number(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# The rows-era layout: 12 spans across; heights in pixels, 30 px grid cells with 8 px margins.
_SPANS = 12
_CELL_PIXELS = 30 + 8
_MIN_PANEL_PIXELS = 90
_ROW_PIXELS = 250
_PANEL_SPAN = 4


def upgrade_rows(dashboard: dict) -> dict:
    """A pre-5.0 dashboard (`rows` of panels with spans and pixel heights) laid out on the grid
    as Grafana lays it out when it loads one (its DashboardMigrator, schema 16): row panels
    only if some row is collapsed, repeated or shows its title; each row's panels packed left
    to right, wrapping below. Any other dashboard is returned as it is."""
    rows = dashboard.get("rows")
    if not isinstance(rows, list) or not rows or dashboard.get("panels"):
        return dashboard
    rows = [r for r in rows if isinstance(r, dict) and not r.get("repeatIteration")]
    ids = [p.get("id") for r in rows for p in r.get("panels") or [] if isinstance(p, dict)]
    next_id = max([i for i in ids if isinstance(i, int)], default=0) + 1
    show_rows = any(r.get("collapse") or r.get("showTitle") or r.get("repeat") for r in rows)
    panels: list[dict] = []
    y = 0
    for row in rows:
        height = _grid_height(row.get("height") or _ROW_PIXELS)
        row_panel: dict | None = None
        if show_rows:
            row_panel = {"id": next_id, "type": "row", "title": row.get("title", ""),
                         "collapsed": bool(row.get("collapse")), "panels": [],
                         "gridPos": {"x": 0, "y": y, "w": GRID_WIDTH, "h": height}}
            if row.get("repeat"):
                row_panel["repeat"] = row["repeat"]
            next_id += 1
            y += 1
        area = _RowArea(height, y)
        for panel in row.get("panels") or []:
            if not isinstance(panel, dict):
                continue
            width = int(float(panel.get("span") or _PANEL_SPAN)) * (GRID_WIDTH // _SPANS)
            panel = {k: v for k, v in panel.items() if k != "span"}
            panel_height = _grid_height(panel["height"]) if panel.get("height") else height
            x, at = area.place(width)
            y = area.y
            panel["gridPos"] = {"x": x, "y": y + at, "w": width, "h": panel_height}
            area.add(panel["gridPos"])
            (row_panel["panels"] if row_panel is not None and row_panel["collapsed"]
             else panels).append(panel)
        if row_panel is not None:
            panels.append(row_panel)
        if not (row_panel is not None and row_panel["collapsed"]):
            y += height
    upgraded = {k: v for k, v in dashboard.items() if k != "rows"}
    upgraded["panels"] = panels
    return upgraded


GRID_WIDTH = D.GRID_WIDTH


def _grid_height(height) -> int:
    if isinstance(height, str):
        digits = re.match(r"\s*(\d+)", height)
        height = int(digits[1]) if digits else _ROW_PIXELS
    return -(-max(height, _MIN_PANEL_PIXELS) // _CELL_PIXELS)


class _RowArea:
    """Grafana's RowArea: how far down each column of a row is filled."""

    def __init__(self, height: int, y: int):
        self.height, self.y = height, y
        self.filled = [0] * GRID_WIDTH

    def add(self, grid: dict) -> None:
        for column in range(grid["x"], min(grid["x"] + grid["w"], GRID_WIDTH)):
            bottom = grid["y"] + grid["h"] - self.y
            if not self.filled[column] or bottom > self.filled[column]:
                self.filled[column] = bottom

    def place(self, width: int, wrapped: bool = False) -> tuple[int, int]:
        start = end = None
        for column in range(GRID_WIDTH - 1, -1, -1):
            if self.height - self.filled[column] <= 0:
                break
            if end is None:
                end = column
            elif column < GRID_WIDTH - 1 and self.filled[column] <= self.filled[column + 1]:
                start = column
            else:
                break
        if start is not None and end is not None and end - start >= width - 1:
            return start, max(self.filled[start:])
        if wrapped:  # wider than the grid: Grafana gives up; put it at the left
            return 0, 0
        self.y += self.height
        self.filled = [0] * GRID_WIDTH
        return self.place(width, wrapped=True)


def _list(data: dict, key: str) -> list | None:
    holder = data.get(key)
    if isinstance(holder, dict) and isinstance(holder.get("list"), list):
        return holder["list"]
    return None


def canonical(value):
    """A deep copy as Grafana would read it: no nulls or $$hashKey in objects, and numbers
    compared as JavaScript does (80.0 is 80)."""
    if type(value) in _PLAIN:  # most of a dashboard: nothing to do
        return value
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if v is not None and k != "$$hashKey"}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    # only where the int fits in orjson's 64 bits: a range mapping's bound 1e42 ("anything
    # above") stays a float, equal to itself, instead of an int _dump cannot write
    if isinstance(value, float) and value.is_integer() and -2**63 <= value < 2**63:
        return int(value)
    return value


_PLAIN = {str, int, bool}


def same(a, b) -> bool:
    """Equality that, unlike Python's, tells true from 1."""
    if type(a) is type(b) and type(a) in _PLAIN:  # the common case, without serialising
        return bool(a == b)
    return _dump(a) == _dump(b)


def _dump(value) -> bytes:
    return orjson.dumps(canonical(value), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


# A data source given as a dashboard variable: $name or ${name}.
_VARIABLE_REFERENCE = re.compile(r"^\$\{?(\w+)\}?$")
# Grafana's own data sources, which older dashboards name by a string.
_SPECIAL_DATASOURCES = {"-- Mixed --": "datasource", "-- Dashboard --": "datasource",
                        "-- Grafana --": "grafana"}


def datasource_reference(value):
    """A panel's, query's, variable's or annotation's data source as Grafana resolves it: a
    variable ($name, ${name}, {"uid": "$name"}) is {"uid": "${name}"} whatever type it is
    written with (the variable's current data source decides the type), and a string naming
    one of Grafana's own data sources is the object Grafana migrates it to."""
    uid = value.get("uid") if isinstance(value, dict) else value
    if isinstance(uid, str):
        variable = _VARIABLE_REFERENCE.match(uid)
        if variable:
            rest = {k: v for k, v in value.items() if k not in ("uid", "type")} \
                if isinstance(value, dict) else {}
            return {"uid": f"${{{variable[1]}}}", **rest}
        if isinstance(value, str) and value in _SPECIAL_DATASOURCES:
            return {"type": _SPECIAL_DATASOURCES[value], "uid": value}
    return value


def same_datasource(a, b) -> bool:
    return same(datasource_reference(canonical(a)), datasource_reference(canonical(b)))


def _with_datasource(data: dict, key: str = "datasource") -> dict:
    if data.get(key) is not None:
        data[key] = datasource_reference(data[key])
    return data


def strip(data: dict, spec: dict) -> dict:
    """Remove from `data` (in place) every field equal to its default in `spec`."""
    for key, default in spec.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(default, dict) and isinstance(value, dict):
            strip(value, default)
            if not value:
                del data[key]
        elif isinstance(default, D.Each) and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    strip(item, default.spec)
        elif isinstance(default, D.OneOf):
            if any(same(value, option) for option in default.values):
                del data[key]
        elif same(value, default):
            del data[key]
    return data


def drop_empty(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = drop_empty(item)
            if not (isinstance(item, dict) and not item):
                out[key] = item
        return out
    if isinstance(value, list):
        return [drop_empty(item) for item in value]
    return value


def normalize_panels(panels: list) -> list:
    kept = [normalize_panel(p) if isinstance(p, dict) else p for p in panels
            if not is_repeat_copy(p)]
    return sorted(kept, key=position)


def is_repeat_copy(panel) -> bool:
    """A copy Grafana saved of a repeated panel or row (null marks are no copy: Grafana sets
    them to null on the original when it saves)."""
    return isinstance(panel, dict) and (panel.get("repeatPanelId") is not None or
                                        panel.get("repeatIteration") is not None)


def position(panel) -> tuple[float, float]:
    grid = panel.get("gridPos") if isinstance(panel, dict) else None
    grid = grid if isinstance(grid, dict) else {}
    return _number(grid.get("y")), _number(grid.get("x"))


def _number(value) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def normalize_panel(panel: dict) -> dict:
    panel = _with_datasource(canonical(panel))
    if "libraryPanel" in panel:
        return _only(panel, D.LIBRARY_PANEL_KEYS)
    panel["gridPos"] = grid_position(panel.get("gridPos"), panel.get("type", ""))
    kind = panel.get("type", "")
    if kind == "row":
        panel = _only(panel, D.ROW_KEYS)
        panel["panels"] = normalize_panels(panel.get("panels") or [])
        if not panel["panels"]:
            del panel["panels"]
        return strip(panel, {"collapsed": False, "repeat": ""})
    for key in D.IGNORED_PANEL_KEYS | D.IGNORED_BY_TYPE.get(kind, set()):
        panel.pop(key, None)
    if kind in D.DATALESS:
        for key in D.QUERY_KEYS:
            panel.pop(key, None)
    field_defaults = get_object(panel, "fieldConfig", "defaults")
    for key in D.IGNORED_FIELDS_BY_TYPE.get(kind, ()):
        field_defaults.pop(key, None)
    if kind in D.THRESHOLDS_DRAWN_ONLY and not thresholds_shown(panel):
        field_defaults.pop("thresholds", None)
    if isinstance(panel.get("targets"), list):
        panel["targets"] = [_target(t, panel.get("datasource")) if isinstance(t, dict) else t
                            for t in _with_ref_ids(panel["targets"])]
    strip(panel, D.PANEL)
    strip(panel, D.PANEL_TYPES.get(kind, {}))
    return drop_empty(panel)


def grid_position(grid, kind: str) -> dict:
    """A panel's gridPos as Grafana lays it out: what is left out is Grafana's default (x and y
    0, as Grafana and grafonnet omit zeros; 6 wide, 3 high), and a row spans the width, one
    unit high, whatever it says."""
    grid = {**D.GRID_POSITION, **(grid if isinstance(grid, dict) else {})}
    if kind == "row":
        grid.update(x=0, w=D.GRID_WIDTH, h=1)
    return grid


def thresholds_shown(panel: dict) -> bool:
    """Whether a graph's thresholds show: drawn (as lines or areas), colouring the series, or
    set by an override."""
    field_defaults = get_object(panel, "fieldConfig", "defaults")
    style = get_object(field_defaults, "custom", "thresholdsStyle").get("mode", "off")
    color = get_object(field_defaults, "color").get("mode")
    overrides = get_object(panel, "fieldConfig").get("overrides") or []
    return style != "off" or color == "thresholds" or \
        get_object(field_defaults, "custom").get("gradientMode") == "scheme" or \
        "thresholds" in str(overrides)


def get_object(data: dict, *path: str) -> dict:
    """The object at `path`, or an empty (detached) one."""
    value: object = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _only(data: dict, keys: set) -> dict:
    return {k: v for k, v in data.items() if k in keys}


def _with_ref_ids(targets: list) -> list:
    """The queries with the refIds Grafana gives those without one when it loads the panel:
    the first letter (A, B, ... Z, AA ...) no other query of the panel has."""
    taken = {t.get("refId") for t in targets if isinstance(t, dict)}
    out = []
    for target in targets:
        if isinstance(target, dict) and not target.get("refId"):
            ref = next(r for r in map(ref_id, range(len(targets) + len(taken) + 1))
                       if r not in taken)
            taken.add(ref)
            target = {**target, "refId": ref}
        out.append(target)
    return out


def ref_id(index: int) -> str:
    """The index-th query's refId as Grafana names them: A ... Z, AA, AB ..."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _target(target: dict, panel_datasource) -> dict:
    target = _with_datasource(dict(target))
    for key in D.IGNORED_TARGET_KEYS:
        target.pop(key, None)
    if panel_datasource is not None and same(target.get("datasource"), panel_datasource):
        del target["datasource"]
    if "expr" in target:
        if target.get("query") == target["expr"]:
            del target["query"]  # grafanalib repeats the expression; Prometheus reads `expr`
        if target.get("range") is (not target.get("instant", False)):
            del target["range"]
    return strip(target, D.TARGET)


# Grafana's Prometheus data source reads a label_values() variable query with this pattern
# (PrometheusLabelValuesRegex in packages/grafana-prometheus/src/metric_find_query.ts; the same
# as GrafanaFuncLabelValuesRegex in pkg/promlib): the spaces after the comma and at the end do
# not count, so `label_values(up,job)` and `label_values(up, job)` are one query.
_LABEL_VALUES = re.compile(r"^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$")


def _label_values_form(query: str) -> str:
    """A label_values() query as Grafana reads it, written one way; any other query as it is."""
    found = _LABEL_VALUES.match(query)
    if found is None:
        return query
    selector, label = found.groups()
    return f"label_values({selector.strip()}, {label})" if selector else f"label_values({label})"


def normalize_variable(variable: dict) -> dict:
    variable = _with_datasource(canonical(variable))
    kind = variable.get("type", "query")
    query = variable.get("query")
    if isinstance(query, dict) and query.get("refId") == D.PROMETHEUS_VARIABLE_REF:
        variable["query"] = query = query.get("query", "")
    if kind == "query" and isinstance(query, str):
        variable["query"] = query = _label_values_form(query)
        if isinstance(variable.get("definition"), str):
            variable["definition"] = _label_values_form(variable["definition"])
    if "definition" in variable and (variable["definition"] == query or not variable["definition"]):
        del variable["definition"]
    current = variable.pop("current", None)
    if isinstance(current, dict) and "value" in current and kind != "adhoc":
        value = current["value"]
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        variable["current"] = {"value": value}
    if kind in D.DERIVED_OPTIONS or (kind == "query" and variable.get("refresh", 1) != 0):
        variable.pop("options", None)
    if kind == "query":
        strip(variable, {"refresh": 1})
    elif kind == "interval":
        # 2 (Grafana's default): the auto interval follows the time range; 1: it does not
        variable.setdefault("refresh", 2)
    else:
        variable.pop("refresh", None)
    if kind == "custom" and isinstance(query, str) and "\\," not in query:
        # Grafana splits a custom variable's values at commas and trims each
        variable["query"] = ",".join(value.strip() for value in query.split(","))
    if kind != "interval":
        for key in ("auto", "auto_count", "auto_min"):
            variable.pop(key, None)
    if kind != "query":
        variable.pop("sort", None)  # only query variables sort their values
    return strip(variable, D.VARIABLE)


def normalize_annotation(annotation: dict) -> dict | None:
    """None for Grafana's built-in annotation left as Grafana creates it."""
    annotation = canonical(annotation)
    if annotation.get("builtIn") == 1:
        rest = dict(annotation)
        if rest.pop("datasource", None) in D.BUILTIN_DATASOURCES and not strip(
                rest, D.BUILTIN_ANNOTATION):
            return None
        return annotation
    return strip(_with_datasource(dict(annotation)), D.ANNOTATION)


def differences(expected, actual, path: str = "") -> list[str]:
    """Where two normalised dashboards differ, as 'path: expected != actual' lines."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{where}: missing (expected {_short(expected[key])})")
            elif key not in expected:
                out.append(f"{where}: unexpected {_short(actual[key])}")
            else:
                out += differences(expected[key], actual[key], where)
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        out = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            out += differences(a, b, f"{path}[{index}]")
        return out
    if same(expected, actual):
        return []
    return [f"{path}: expected {_short(expected)}, got {_short(actual)}"]


def _short(value) -> str:
    text = _dump(value).decode()
    return text if len(text) <= 80 else text[:77] + "..."
