from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model import durations

MIN_REFRESH_SECONDS = 5  # Grafana's default min_refresh_interval


class DashboardRefresh(Rule):
    """A dashboard refreshes more often than Grafana allows, or its refresh does not parse.

    Grafana raises a refresh below its `min_refresh_interval` (5s by default) to that minimum
    when the dashboard is saved, so the deployed dashboard differs from the declared one and
    every deploy sees drift. A refresh Grafana cannot parse is dropped the same way. Leave
    refresh off (empty) or use a duration of at least 5s.

    Anti-pattern:
        Dashboard(uid="ai-llm", ..., refresh="1s")

    Best practice:
        Dashboard(uid="ai-llm", ..., refresh="30s")
    """

    id = "dashboard/refresh"

    def dashboard(self, doc, context):
        refresh = doc.json.get("refresh")
        if refresh in (None, False, ""):
            return  # no automatic refresh
        try:
            seconds = durations.parse(refresh) if isinstance(refresh, str) else None
        except ValueError:
            seconds = None
        if seconds is None:
            yield self.problem(f"refresh {refresh!r} is not a duration Grafana understands: "
                               f"use e.g. '30s' or '1m', or leave it empty for none",
                               doc.source)
        elif seconds < MIN_REFRESH_SECONDS:
            yield self.problem(f"refresh {refresh!r} is shorter than Grafana's minimum "
                               f"({MIN_REFRESH_SECONDS}s, min_refresh_interval): Grafana saves it "
                               f"as {MIN_REFRESH_SECONDS}s and every deploy sees drift",
                               doc.source)
