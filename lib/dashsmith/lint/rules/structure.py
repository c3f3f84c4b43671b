"""Structural rules: what makes declarations impossible to build or files impossible to read.

For the declared estate, validate.py finds these (build refuses them) and lint reports them
under the same ids; for dashboards and rule files given as paths, lint checks them here.
"""

from __future__ import annotations

from ... import validate
from ..rule import Rule


class DeclarationImport(Rule):
    """A declaration module cannot be imported.

    dashsmith imports every module under dashboards/, alerts/ and metrics/; an exception
    while importing one (a typo, a missing name) stops everything it declares from being
    built. The finding points at the line that raised.

    Anti-pattern:
        from dashsmith import timeserie

    Best practice:
        from dashsmith import timeseries
    """

    id = "declaration/import"
    structural = True


class CatalogDuplicate(Rule):
    """A metric is declared twice in the catalog.

    Two declarations of one name may disagree on type or labels; the catalog keeps one, so
    checks would silently use the other.

    Anti-pattern:
        Counter("ai_errors_total", ...)   # in metrics/ai.py and again in metrics/app.py

    Best practice:
        Declare each metric once, in the module of the exporter that exports it.
    """

    id = "catalog/duplicate"
    structural = True


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

    def dashboard(self, doc, context):
        uid = doc.uid
        if doc.external and (not isinstance(uid, str) or not validate.UID_PATTERN.match(uid)
                             or uid == "general"):
            yield self.problem(f"dashboard uid {uid!r} is invalid: use 1-40 characters of "
                               "A-Z a-z 0-9 _ - (and not 'general')", doc.source)


class DashboardDuplicateUid(Rule):
    """Two dashboards have the same uid.

    Grafana keeps one dashboard per uid: deploying both makes the second overwrite the first.

    Anti-pattern:
        Dashboard(uid="overview", title="Application", ...)
        Dashboard(uid="overview", title="System", ...)

    Best practice:
        Give each dashboard its own uid, derived from what it shows ("application", "system").
    """

    id = "dashboard/duplicate-uid"
    structural = True

    def dashboard(self, doc, context):
        if doc.external and isinstance(doc.uid, str) and doc.uid:
            earlier = context.first_seen(("dashboard-uid", doc.uid), doc.source)
            if earlier is not None:
                yield self.problem(f"dashboard uid '{doc.uid}' is also used at "
                                   f"{context.where(earlier)}",
                                   doc.source)


class DashboardTitle(Rule):
    """A dashboard has no title.

    Anti-pattern:
        Dashboard(uid="ai-llm", title="", ...)

    Best practice:
        Dashboard(uid="ai-llm", title="AI / LLM", ...)
    """

    id = "dashboard/title"
    structural = True

    def dashboard(self, doc, context):
        title = doc.title
        if doc.external and not (isinstance(title, str) and title.strip()):
            yield self.problem("dashboard has no title", doc.source)


class DashboardFolder(Rule):
    """A dashboard's folder is nested deeper than Grafana allows (4 levels).

    Anti-pattern:
        folder="Platform/Trading/AI/LLM/Claude"

    Best practice:
        folder="Trading Platform/AI"
    """

    id = "dashboard/folder"
    structural = True


class DashboardLayout(Rule):
    """A dashboard's rows hold something that is not a Row or a panel.

    Anti-pattern:
        rows=[g.TimeSeries(title="Raw grafanalib panel")]

    Best practice:
        rows=[panel(g.TimeSeries(title="Raw grafanalib panel"))]
    """

    id = "dashboard/layout"
    structural = True


class PanelOptions(Rule):
    """A panel is given an option its grafanalib panel class does not take, or a value it
    refuses.

    The finding is the one build reports, at the panel's call; often a misspelt keyword.

    Anti-pattern:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unti="reqpm")

    Best practice:
        timeseries("Completions", "sum(rate(ai_completions_total[$__rate_interval]))", unit="reqpm")
    """

    id = "panel/options"
    structural = True


class PanelNoTargets(Rule):
    """A panel has no query, so it always shows "No data".

    Anti-pattern:
        timeseries("Latency", unit="s")

    Best practice:
        timeseries("Latency", "histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))", unit="s")
    """

    id = "panel/no-targets"
    structural = True

    def dashboard(self, doc, context):
        if not doc.external:
            return
        for panel in doc.data_panels():
            targets = panel.get("targets")
            if not isinstance(targets, list) or not targets:
                yield self.problem(f"panel '{panel.get('title', '')}' has no query",
                                   doc.panel_source(panel))
            elif any(_blank_promql(target) for target in targets):
                yield self.problem(f"panel '{panel.get('title', '')}' has an empty query",
                                   doc.panel_source(panel))


def _blank_promql(target) -> bool:
    """A Prometheus query (or one on a data source variable) whose expression is blank."""
    if not isinstance(target, dict) or "expr" not in target:
        return False
    return validate.is_promql_datasource(target.get("datasource")) \
        and not str(target.get("expr") or "").strip()


class RuleKind(Rule):
    """A rule is neither an alerting rule nor a recording rule (or both).

    Anti-pattern:
        {"name": "HighErrorRate", "expr": "..."}

    Best practice:
        {"alert": "HighErrorRate", "expr": "...", "for": "5m"}
    """

    id = "rule/kind"
    structural = True


class RuleExpr(Rule):
    """A rule has no expression.

    Anti-pattern:
        Alert("HighErrorRate", expr="")

    Best practice:
        Alert("HighErrorRate", expr="sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) > 0.1")
    """

    id = "rule/expr"
    structural = True


class RuleFormat(Rule):
    """A Prometheus rule file is not shaped as Prometheus expects.

    A rule file is a mapping with 'groups', a list of groups, each with a unique 'name' and
    a list of 'rules'; Prometheus refuses to load a file that is not. It also refuses a `for`,
    `keep_firing_for` or group `interval` that is not a Prometheus duration (units largest
    first: 1h30m, not "90 minutes"), and label, annotation or recorded-metric names it does
    not accept. `dashsmith build` stops on these too.

    Anti-pattern:
        - alert: HighErrorRate
          expr: ...

    Best practice:
        groups:
          - name: application
            rules:
              - alert: HighErrorRate
                expr: ...
    """

    id = "rule/format"
    structural = True


class FileParse(Rule):
    """A dashboard JSON or rule YAML file does not parse.

    The finding points at the line where the parser stopped. Duplicate keys in YAML are
    reported too: Prometheus refuses them, and one of the two values would be lost.

    Anti-pattern:
        expr: sum(rate(x[5m])
        expr: sum(rate(x[5m]))

    Best practice:
        expr: sum(rate(x[5m]))
    """

    id = "file/parse"


class FileFormat(Rule):
    """A file is not what it should be: a Grafana dashboard, or a promtool unit-test file.

    A JSON file given to lint must be a dashboard (or the HTTP API's {"dashboard": ...}); a
    file in alerts/tests/ must be a promtool test file: a mapping with rule_files and tests.

    Anti-pattern:
        dashsmith lint package.json

    Best practice:
        dashsmith lint build/dashboards/
    """

    id = "file/format"
