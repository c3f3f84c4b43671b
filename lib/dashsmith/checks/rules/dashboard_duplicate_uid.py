from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.rules.dashboard_uid import is_valid_uid


class DashboardDuplicateUid(Rule):
    """Two dashboards have the same uid.

    Grafana keeps one dashboard per uid: deploying both makes the second overwrite the first.
    A file that is a copy of another (the same JSON) is no conflict: it is the same dashboard.

    Anti-pattern:
        Dashboard(uid="overview", title="Application", ...)
        Dashboard(uid="overview", title="System", ...)

    Best practice:
        Give each dashboard its own uid, derived from what it shows ("application", "system").
    """

    id = "dashboard/duplicate-uid"
    compares = True  # with what context.seen holds
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            yield from self._check(dashboard.uid, dashboard.source, context)

    def dashboard(self, doc, context):
        # A copy of a dashboard read before (a mixin's dashboards in two places given
        # together): deploying both writes the same dashboard twice, which loses nothing.
        if is_valid_uid(doc.uid) and any(
                json == doc.json for json in context.seen(("dashboard-json", doc.uid), doc.json)):
            return
        yield from self._check(doc.uid, doc.source, context)

    def _check(self, uid, source, context):
        if not is_valid_uid(uid):
            return  # dashboard/uid says what is wrong with it
        earlier = context.first_seen(("dashboard-uid", uid), source)
        if earlier is not None:
            yield self.problem(f"dashboard uid '{uid}' is also used at "
                               f"{context.where(earlier)}", source)
