from __future__ import annotations

import json
import re

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity

UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class DashboardUid(Rule):
    """A dashboard uid is missing or not one Grafana accepts.

    Grafana uids are 1-40 characters of A-Z a-z 0-9 _ -; the uid is the dashboard's
    identity in URLs and in deploys, so it must also never change.

    A declared dashboard must have one: deploy, diff and verify find the live dashboard by
    it (an error, which build refuses). A dashboard file without one (no `uid`, null or "")
    is one Grafana accepts: it makes up a random uid when the file is imported or
    provisioned, so the dashboard's URL, and every link to it, differs from one Grafana to
    the next. That is a warning; a uid Grafana refuses (too long, other characters) is an
    error.

    Anti-pattern:
        Dashboard(uid="AI / LLM", ...)

    Best practice:
        Dashboard(uid="ai-llm", ...)
    """

    id = "dashboard/uid"
    structural = True

    def declared(self, estate, context):
        for dashboard in estate.dashboards:
            if dashboard.uid in (None, ""):
                yield self.problem("dashboard has no uid: deploy, diff and verify find the "
                                   f"live dashboard by it; {_ADVICE}", dashboard.source)
            else:
                yield from self._check(dashboard.uid, dashboard.source)

    def dashboard(self, doc, context):
        if doc.uid in (None, ""):
            yield self.problem("dashboard has no uid: Grafana makes up a random one wherever "
                               "it is imported or provisioned, so its URL and the links to it "
                               f"change from one Grafana to the next; {_ADVICE}", doc.source,
                               Severity.WARNING)
        else:
            yield from self._check(doc.uid, doc.source)

    def _check(self, uid, source):
        if not is_valid_uid(uid):
            yield self.problem(f"dashboard uid {_shown(uid)} is invalid: use 1-40 characters "
                               "of A-Z a-z 0-9 _ - (and not 'general')", source)


_ADVICE = "give it a stable one of 1-40 characters of A-Z a-z 0-9 _ -"


def _shown(uid) -> str:
    """The uid as the file has it (JSON, not Python: `true`, not `True`)."""
    return repr(uid) if isinstance(uid, str) else json.dumps(uid)


def is_valid_uid(uid) -> bool:
    """A uid Grafana accepts for a dashboard ('general' is its root folder's)."""
    return isinstance(uid, str) and bool(UID_PATTERN.match(uid)) and uid != "general"
