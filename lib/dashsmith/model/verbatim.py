"""Grafana JSON that grafanalib does not model, declared as it is: panels of any plugin type,
library panel references, and the `extra` fields laid over what grafanalib renders.

Imported dashboards use these to keep every field of the original; hand-written ones rarely
need them.
"""

from __future__ import annotations

import copy
from typing import Any

from dashsmith.model.panels import DEFAULT_HEIGHT, Panel, Query, _panel


def merge(data: dict, extra: dict | None) -> dict:
    """`extra` laid over `data` (in place): objects merge key by key, anything else replaces."""
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            merge(data[key], value)
        else:
            data[key] = copy.deepcopy(value)
    return data


class PluginPanel:
    """The type, title and data source of a panel grafanalib has no class for."""

    def __init__(self, type: str, title: str, dataSource: dict | str | None = None):
        self.type = type
        self.title = title
        self.dataSource = dataSource

    def to_json_data(self) -> dict:
        data: dict[str, object] = {"type": self.type, "title": self.title}
        if self.dataSource is not None:
            data["datasource"] = self.dataSource
        return data


class LibraryPanelReference:
    """Where a library panel sits in a dashboard; Grafana fills in the panel itself."""

    def __init__(self, uid: str, name: str, title: str | None = None):
        self.uid = uid
        self.name = name
        self.title = title  # None: the library panel's own title
        self.dataSource = None

    def to_json_data(self) -> dict:
        data: dict[str, object] = {"libraryPanel": {"name": self.name, "uid": self.uid}}
        if self.title is not None:
            data["title"] = self.title
        return data


def plugin_panel(type: str, title: str, *queries: Query | str,
                 datasource: dict | str | None = None, thresholds: dict | None = None,
                 width: int | None = None, height: int = DEFAULT_HEIGHT, id: int | None = None,
                 position: tuple[int, int] | None = None, fields: dict | None = None,
                 **more_fields: Any) -> Panel:
    """A panel of a type the helpers and grafanalib do not cover (heatmap, logs, dashlist, a
    plugin's panel ...). Its JSON fields come as keywords, e.g. options={...},
    fieldConfig={...}, or in `fields` when a name is taken by a parameter (the old graph
    panel's `thresholds` list)."""
    return _panel(PluginPanel(type, title, datasource), title, queries, "", width=width,
                  height=height, thresholds=thresholds, panel_id=id, position=position,
                  extra={**(fields or {}), **more_fields}, needs_queries=bool(queries))


def library_panel(uid: str, name: str, *, title: str | None = None, width: int | None = None,
                  height: int = DEFAULT_HEIGHT, id: int | None = None,
                  position: tuple[int, int] | None = None) -> Panel:
    """A library panel, by uid; its queries and options live in Grafana's panel library."""
    reference = LibraryPanelReference(uid, name, title)
    return _panel(reference, title or name, (), "", width=width, height=height, panel_id=id,
                  position=position, needs_queries=False)
