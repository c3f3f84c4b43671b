"""Render declarations to what Grafana and Prometheus read: dashboard JSON (through grafanalib)
with a map back to the Python lines, and Prometheus rule-file data."""

from __future__ import annotations

import textwrap
import zlib
from dataclasses import dataclass, field

from dashsmith.compiler.estate import RuleFile
from dashsmith.compiler.templates import Templates, plain
from dashsmith.model import durations, folders
from dashsmith.model.dashboard import DATASOURCE, Dashboard, Row
from dashsmith.model.panels import Panel, Query
from dashsmith.model.rules import Alert, Record
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source
from dashsmith.model.verbatim import merge

GRID_WIDTH = 24
SCHEMA_VERSION = 39
# Content that differs from panel to panel; everything else is a panel's style (templates.py).
PANEL_CONTENT = ("title", "description")
TARGET_CONTENT = ("expr", "legendFormat", "refId")
_TEMPLATES = Templates()


@dataclass
class CompiledDashboard:
    """A dashboard as Grafana JSON, with the Python line behind each part of it."""

    uid: str
    title: str
    folder: str
    json: dict
    source: Source
    panel_sources: dict[int, Source] = field(default_factory=dict)
    target_sources: dict[tuple[int, str], Source] = field(default_factory=dict)
    variable_sources: dict[str, Source] = field(default_factory=dict)

    @property
    def folder_uid(self) -> str:
        return folders.folder_uid(self.folder)


def render_dashboard(dashboard: Dashboard) -> CompiledDashboard:
    import grafanalib.core as g

    # grafanalib is imported where a dashboard is rendered (model/panels.py says why).
    compiled = CompiledDashboard(dashboard.uid, dashboard.title.strip(), dashboard.folder, {},
                                 dashboard.source)
    ids = _PanelIds(dashboard)
    panels = _Layout(compiled, ids).render(dashboard.rows)
    variables = dashboard.all_variables()
    compiled.variable_sources = {v.name: v.source for v in variables}
    data = plain(g.Dashboard(
        title=dashboard.title.strip(),
        uid=dashboard.uid,
        description=dashboard.description,
        tags=list(dashboard.tags),
        timezone=dashboard.timezone,
        refresh=dashboard.refresh,
        time=g.Time(*dashboard.time),
        graphTooltip=dashboard.graph_tooltip,
        editable=dashboard.editable,
        annotations=g.Annotations(list=list(dashboard.annotations)),
        templating=g.Templating(list=[_variable(v) for v in variables]),
        links=list(dashboard.links),
        schemaVersion=dashboard.schema_version or SCHEMA_VERSION,
    ))
    data["panels"] = panels
    compiled.json = merge(data, dashboard.extra)
    return compiled


def _variable(variable):
    return merge(plain(variable.grafana), variable.extra) if variable.extra else variable.grafana


class _PanelIds:
    """Panel ids derived from row and panel titles, so inserting a panel renumbers nothing."""

    def __init__(self, dashboard: Dashboard):
        self.taken = {p.id for p in dashboard.panels() if getattr(p, "id", None)}
        self.taken |= {r.id for r in dashboard.rows if isinstance(r, Row) and r.id}

    def next(self, *names: str, explicit: int | None = None) -> int:
        if explicit:
            return explicit
        candidate = zlib.crc32("\x00".join(names).encode()) % 100_000 + 1
        while candidate in self.taken:
            candidate = candidate % 100_000 + 1
        self.taken.add(candidate)
        return candidate


class _Layout:
    """Places rows and panels on Grafana's 24-column grid, left to right, top to bottom."""

    def __init__(self, compiled: CompiledDashboard, ids: _PanelIds):
        self.compiled = compiled
        self.ids = ids
        self.y = 0

    def render(self, items) -> list[dict]:
        out: list[dict] = []
        loose: list[Panel] = []
        for item in items:
            if isinstance(item, Row):
                out += self._panels(loose, "")
                loose = []
                out += self._row(item)
            else:
                loose.append(item)
        return out + self._panels(loose, "")

    def _row(self, row: Row) -> list[dict]:
        import grafanalib.core as g

        row_id = self.ids.next(row.title, explicit=row.id)
        self.compiled.panel_sources[row_id] = row.source
        repeat = {"repeat": g.Repeat(variable=row.repeat)} if row.repeat else {}
        data = merge(_TEMPLATES.render(g.RowPanel, dict(title=row.title, collapsed=row.collapsed,
                                                         **repeat), ("title",)), row.extra)
        if row.y is not None:
            self.y = row.y
        data.update(id=row_id, gridPos={"h": 1, "w": GRID_WIDTH, "x": 0, "y": self.y})
        self.y += 1
        if not row.collapsed:
            return [data] + self._panels(row.panels, row.title)
        resume = self.y
        data["panels"] = self._panels(row.panels, row.title)
        self.y = resume
        return [data]

    def _panels(self, panels: list[Panel], row_title: str) -> list[dict]:
        if not panels:
            return []
        default_width = GRID_WIDTH // min(len(panels), 4)
        x, line_height, out = 0, 0, []
        for panel in panels:
            width = min(panel.width or default_width, GRID_WIDTH)
            if panel.position is not None:
                x, y = panel.position
                if y != self.y:
                    self.y, line_height = y, 0
            elif x + width > GRID_WIDTH:
                self.y, x, line_height = self.y + line_height, 0, 0
            grid = {"h": panel.height, "w": width, "x": x, "y": self.y}
            out.append(self._panel(panel, row_title, grid))
            x, line_height = x + width, max(line_height, panel.height)
        self.y += line_height
        return out

    def _panel(self, panel: Panel, row_title: str, grid: dict) -> dict:
        panel_id = self.ids.next(row_title, panel.title, explicit=panel.id)
        self.compiled.panel_sources[panel_id] = panel.source
        data = _panel_json(panel)
        data["id"] = panel_id
        data["gridPos"] = grid
        if panel.needs_queries:
            if panel.recipe.get("dataSource") is None:
                data["datasource"] = dict(DATASOURCE)
            data["targets"] = [self._target(panel, panel_id, query, index)
                               for index, query in enumerate(panel.queries)]
        data.setdefault("fieldConfig", {}).setdefault("defaults", {})["thresholds"] = \
            threshold_steps(panel.thresholds or {})
        return merge(data, panel.extra)

    def _target(self, panel: Panel, panel_id: int, query: Query, index: int) -> dict:
        import grafanalib.core as g

        ref_id = query.ref_id or _ref_id(index)
        self.compiled.target_sources[(panel_id, ref_id)] = query.source
        instant = panel.instant if query.instant is None else query.instant
        table = issubclass(panel.recipe.cls, g.Table)
        data = _TEMPLATES.render(g.Target, {
            "expr": query.expr,
            "legendFormat": "" if query.legend is None else query.legend or "__auto",
            "refId": ref_id,
            "instant": instant,
            "interval": query.interval,
            "format": query.format or ("table" if table else "time_series"),
            "datasource": dict(DATASOURCE) if query.datasource is None else query.datasource,
            "hide": query.hide,
            # grafanalib's default of 2 halves every query's resolution; Grafana's own is 1.
            "intervalFactor": 1 if query.interval_factor is None else query.interval_factor,
        }, TARGET_CONTENT)
        data["range"] = not instant
        return merge(data, query.extra)


class PanelRefused(Exception):
    """grafanalib refused a panel's options (a keyword its class does not take, a value it
    rejects): the panel, and grafanalib's reason. The panel/options rule reports it."""

    def __init__(self, panel: Panel, reason: Exception):
        super().__init__(str(reason))
        self.panel = panel
        self.reason = reason


def _panel_json(panel: Panel) -> dict:
    """The panel's grafanalib JSON; PanelRefused if grafanalib rejects an option."""
    recipe = panel.recipe
    try:
        if recipe.kwargs is None:
            return plain(recipe.given)
        return _TEMPLATES.render(recipe.cls, recipe.kwargs, PANEL_CONTENT)
    except (TypeError, ValueError) as error:
        raise PanelRefused(panel, error) from error


def _ref_id(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def threshold_steps(thresholds: dict) -> dict:
    """{0.05: 'orange', 0.25: 'red'} → Grafana steps over a green base (key None sets the base)."""
    base = thresholds.get(None, "green")
    steps = [{"color": base, "value": None}]
    steps += [{"color": color, "value": value}
              for value, color in sorted((v, c) for v, c in thresholds.items() if v is not None)]
    return {"mode": "absolute", "steps": steps}


def render_rule_file(rule_file: RuleFile, settings: Settings, max_for: str | None = None) -> dict:
    """A Prometheus rule file ({'groups': [...]}) for one module under alerts/."""
    groups = []
    for group in rule_file.groups:
        data: dict[str, str | list[dict]] = {"name": group.name}
        if group.interval:
            data["interval"] = group.interval
        data["rules"] = [_rule(rule, settings, max_for) for rule in group.rules]
        groups.append(data)
    return {"groups": groups}


def _rule(rule: Alert | Record, settings: Settings, max_for: str | None) -> dict:
    data: dict[str, str | dict[str, str]]
    if isinstance(rule, Record):
        data = {"record": rule.record, "expr": expression(rule.expr)}
        if rule.labels:
            data["labels"] = dict(sorted(rule.labels.items()))
        return data
    data = {"alert": rule.name, "expr": expression(rule.expr)}
    if rule.for_:
        data["for"] = _capped(rule.for_, max_for)
    if rule.keep_firing_for:
        data["keep_firing_for"] = rule.keep_firing_for
    labels = dict(rule.labels)
    if rule.severity:
        labels["severity"] = rule.severity
    if labels:
        data["labels"] = dict(sorted(labels.items()))
    annotations = dict(rule.annotations)
    for key in ("summary", "description"):
        if getattr(rule, key):
            annotations[key] = getattr(rule, key)
    annotations["runbook_url"] = f"{settings.runbook_url}#{rule.runbook_anchor}"
    data["annotations"] = dict(sorted(annotations.items()))
    return data


def expression(expr: str) -> str:
    """A rule expression as written in a triple-quoted string, without its indentation."""
    return textwrap.dedent(expr).strip()


def _capped(for_: str, max_for: str | None) -> str:
    """`for` no longer than max_for: the only change the --max-for build option makes."""
    if not max_for:
        return for_
    try:
        return durations.format(min(durations.parse(for_), durations.parse(max_for)))
    except ValueError:
        return for_
