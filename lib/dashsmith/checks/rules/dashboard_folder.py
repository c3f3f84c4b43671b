from __future__ import annotations

from dashsmith.checks.rule import Rule

MAX_FOLDER_DEPTH = 4  # Grafana's nested folders


class DashboardFolder(Rule):
    """A dashboard's folder is nested deeper than Grafana allows (4 levels).

    Anti-pattern:
        folder="Platform/Trading/AI/LLM/Claude"

    Best practice:
        folder="Trading Platform/AI"
    """

    id = "dashboard/folder"
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            if len([part for part in dashboard.folder.split("/") if part]) > MAX_FOLDER_DEPTH:
                yield self.problem(f"folder '{dashboard.folder}' is nested deeper than Grafana "
                                   f"allows ({MAX_FOLDER_DEPTH})", dashboard.source)
