from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class DashboardOverlap(Rule):
    """Two panels overlap on the grid.

    Grafana pushes one of them down when the dashboard loads, so the layout on screen is not
    the one declared (and a later save changes it).

    Anti-pattern:
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}  and  {"x": 6, "y": 4, "w": 12, "h": 8}

    Best practice:
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}  and  {"x": 12, "y": 0, "w": 12, "h": 8}
    """

    id = "dashboard/overlap"
    severity = Severity.WARNING

    def dashboard(self, doc, context):
        top = [p for p in doc.json.get("panels") or [] if isinstance(p, dict)]
        groups = [top] + [[c for c in p.get("panels") or [] if isinstance(c, dict)]
                          for p in top if p.get("collapsed")]
        for panels in groups:
            placed = []
            for panel in panels:
                box = _box(panel)
                if box is None:
                    continue
                other = next((p for p, b in placed if _overlap(box, b)), None)
                if other is not None:
                    yield self.problem(f"panel '{panel.get('title', '')}' overlaps panel "
                                       f"'{other.get('title', '')}' on the grid",
                                       doc.panel_source(panel))
                placed.append((panel, box))


def _box(panel: dict):
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return None
    try:
        x, y, w, h = (int(grid.get(k) or 0) for k in ("x", "y", "w", "h"))
    except (TypeError, ValueError):
        return None
    return (x, y, x + w, y + h) if w > 0 and h > 0 else None


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
