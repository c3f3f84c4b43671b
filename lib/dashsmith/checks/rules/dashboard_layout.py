from __future__ import annotations

from dashsmith.checks.rule import Rule


class DashboardLayout(Rule):
    """A dashboard's rows hold something that is not a Row or a panel, or it cannot be laid
    out.

    Build refuses rows that are not Row(...) or dashsmith panels, and a declaration the
    renderer fails on (e.g. a width that is not a number), at the dashboard's call; lint
    reports the same instead of crashing.

    Anti-pattern:
        rows=[g.TimeSeries(title="Raw grafanalib panel")]

    Best practice:
        rows=[panel(g.TimeSeries(title="Raw grafanalib panel"))]
    """

    id = "dashboard/layout"
    structural = True

    def declared(self, estate, context):
        # Imported here: the dashboard model is for declarations (lint of files skips it).
        from dashsmith.model.dashboard import Row

        for dashboard in estate.dashboards:
            for item in dashboard.rows:
                if isinstance(item, Row):
                    for panel in item.panels:
                        if not hasattr(panel, "queries"):
                            yield self.problem(f"not a panel: {type(panel).__name__} (wrap "
                                               "grafanalib panels in panel(...))",
                                               dashboard.source)
                elif not hasattr(item, "queries"):
                    yield self.problem(f"rows must be Row(...) or panels, not "
                                       f"{type(item).__name__}", dashboard.source)

    def cannot_render(self, dashboard, error: Exception):
        """A declared dashboard the renderer failed on (validate.rendered), which the checks
        above let through."""
        return self.problem(f"dashboard '{dashboard.uid}' cannot be rendered: "
                            f"{type(error).__name__}: {error}", dashboard.source)
