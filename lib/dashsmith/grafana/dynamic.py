"""Dynamic dashboards (schema v2): what one holds that a classic (v1) dashboard cannot.

From 13.0 (the dashboardNewLayouts toggle on by default; a toggle in 12.x) a dashboard a person
saves in the UI is stored as schema v2: `elements` and a `layout` tree
(apps/dashboard/kinds/v2beta1/dashboard_spec.cue: GridLayout, RowsLayout, AutoGridLayout,
TabsLayout; rows and tabs may carry `conditionalRendering`). Saving the code's v1 JSON over it
replaces that tree with a v1 grid: tabs, auto-grid sizing and conditional rendering are lost,
and rows become v1 row panels. lost_structure() names what would go, for the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dashsmith.grafana.apis import ApisClient
    from dashsmith.grafana.server import ServerInfo

V2_REASON = "converted to a dynamic dashboard (schema v2) in Grafana"


def is_v2_api_version(api_version: str | None) -> bool:
    """Whether a dashboard.grafana.app version ("v2", "v2beta1", "v2alpha1"; a legacy GET's
    meta.apiVersion) is schema v2."""
    return bool(api_version) and str(api_version).split("/")[-1].startswith("v2")


def lost_structure(spec: dict[str, Any] | None) -> tuple[str, ...]:
    """What of a v2 spec a v1 save throws away, e.g. ("tabs 'Overview', 'Errors'", "2 rows",
    "conditional rendering"); () when nothing beyond a plain grid (or the spec is unknown)."""
    tabs: list[str] = []
    rows = 0
    auto_grid = conditional = False

    def walk(layout: Any) -> None:
        nonlocal rows, auto_grid, conditional
        if not isinstance(layout, dict):
            return
        kind = layout.get("kind")
        found = layout.get("spec")
        inner: dict[str, Any] = found if isinstance(found, dict) else {}
        auto_grid = auto_grid or kind == "AutoGridLayout"
        children = (inner.get("tabs") or []) if kind == "TabsLayout" else \
            (inner.get("rows") or []) if kind == "RowsLayout" else []
        for child in children:
            child_spec = child.get("spec") if isinstance(child, dict) else None
            if not isinstance(child_spec, dict):
                continue
            if kind == "TabsLayout":
                tabs.append(str(child_spec.get("title") or "untitled"))
            else:
                rows += 1
            conditional = conditional or bool(child_spec.get("conditionalRendering"))
            walk(child_spec.get("layout"))

    walk((spec or {}).get("layout"))
    found = []
    if tabs:
        found.append("tabs " + ", ".join(f"'{title}'" for title in tabs))
    if rows:
        found.append(f"{rows} row(s)")
    if auto_grid:
        found.append("auto grid layout")
    if conditional:
        found.append("conditional rendering")
    return tuple(found)


@dataclass(frozen=True)
class ClassicView:
    """Grafana's classic (v1) view of a dashboard it holds as schema v2, in the legacy GET's
    envelope ({"dashboard": ..., "meta": {"folderUid": ...}}), and what that view flattens."""
    envelope: dict[str, Any]
    lost: tuple[str, ...]


def classic_view(apis: ApisClient, server: ServerInfo, uid: str,
                 legacy: dict[str, Any] | None) -> ClassicView | None:
    """The classic view of schema v2 dashboard `uid`: 13.x's legacy GET already answers with it
    (`legacy`, meta.apiVersion v2); 12.x answers that GET with 406 (`legacy` None), so it is
    read through the classic /apis resource, which converts. None when this Grafana serves no
    classic view of it. What is lost is read from the v2 resource's layout."""
    v2, classic = server.dashboards_v2(), server.dashboards()
    spec = ((apis.get(v2, uid) if v2 is not None else None) or {}).get("spec")
    if legacy is None:
        found = apis.get(classic, uid) if classic is not None else None
        if not found:
            return None
        metadata = found.get("metadata") or {}
        folder = (metadata.get("annotations") or {}).get("grafana.app/folder") or ""
        legacy = {"dashboard": {**(found.get("spec") or {}), "uid": uid},
                  "meta": {"folderUid": folder}}
    return ClassicView(legacy, lost_structure(spec if isinstance(spec, dict) else None))
