from __future__ import annotations

import re

from dashsmith.checks.rule import Rule

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class DashboardUid(Rule):
    """A dashboard uid is missing or not one Grafana accepts.

    Grafana uids are 1-40 characters of A-Z a-z 0-9 _ -; the uid is the dashboard's
    identity in URLs and in deploys, so it must also never change.

    Anti-pattern:
        Dashboard(uid="AI / LLM", ...)

    Best practice:
        Dashboard(uid="ai-llm", ...)
    """

    id = "dashboard/uid"
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            yield from self._check(dashboard.uid, dashboard.source)

    def dashboard(self, doc, context):
        yield from self._check(doc.uid, doc.source)

    def _check(self, uid, source):
        if not is_valid_uid(uid):
            yield self.problem(f"dashboard uid {uid!r} is invalid: use 1-40 characters of "
                               "A-Z a-z 0-9 _ - (and not 'general')", source)


def is_valid_uid(uid) -> bool:
    """A uid Grafana accepts for a dashboard ('general' is its root folder's)."""
    return isinstance(uid, str) and bool(UID_PATTERN.match(uid)) and uid != "general"
