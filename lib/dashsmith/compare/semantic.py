"""Two snapshots → a Report. Dashboards are matched by uid, panels by title within their
dashboard (renames found by content), variables by name, queries by expression then refId,
rules by name; each pair is compared field by field. Pure: no files, no network."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashsmith.compare.changes import ADDED, CHANGED, REMOVED, Diff, FieldChange, Report
from dashsmith.compare.matching import match, out_of_order, text_similarity
from dashsmith.compiler.render import CompiledDashboard
from dashsmith.compiler.snapshot import CompiledRule, Snapshot
from dashsmith.model.source import Source

PANEL_FIELDS = ("title", "type", "description", "unit", "thresholds", "legend")
# Parts of a panel's JSON that the named fields, the layout or the queries already cover.
PANEL_COVERED = ("id", "gridPos", "targets", "panels", "title", "type", "description",
                 "fieldConfig.defaults.unit", "fieldConfig.defaults.thresholds", "options.legend")
QUERY_FIELDS = ("expr", "legend", "instant", "interval")
QUERY_COVERED = ("refId", "expr", "query", "legendFormat", "instant", "range", "interval")
DASHBOARD_FIELDS = ("uid", "title", "folder", "description", "tags")
DASHBOARD_COVERED = ("id", "version", "uid", "title", "description", "tags", "panels",
                     "templating")
VARIABLE_FIELDS = ("type", "label", "query")
RULE_FIELDS = ("name", "group", "expr", "for", "keep_firing_for")

PANEL_RENAME_SIMILARITY = 0.8
RULE_RENAME_SIMILARITY = 0.9


def compare(base: Snapshot, head: Snapshot) -> Report:
    rules: list[Diff] = []
    rules_compared = base.rules is not None and head.rules is not None
    if base.rules is not None and head.rules is not None:
        rules = _rules(base, base.rules, head, head.rules)
    return Report(base.label, head.label, _dashboards(base, head), rules, rules_compared)


def compare_dashboard(old: CompiledDashboard, new: CompiledDashboard,
                      root: str | None = None) -> Diff | None:
    """One dashboard in two versions (deploy: as Grafana holds it → as the code declares it),
    compared as `compare` compares a pair; None when they mean the same. Sources are shown
    relative to `root`."""
    return _changed_dashboard(old, new, Snapshot("old", root, [old]),
                              Snapshot("new", root, [new]))


def compare_rules(old: list[CompiledRule], new: list[CompiledRule]) -> list[Diff]:
    """Two versions of some rules (deploy: a Grafana-managed rule group as Grafana holds it →
    as the code declares it), compared as `compare` compares the rules of two snapshots."""
    return _rules(Snapshot("old", None, []), old, Snapshot("new", None, []), new)


# --- dashboards --------------------------------------------------------------------------

def _dashboards(base: Snapshot, head: Snapshot) -> list[Diff]:
    pairs, removed, added = match(base.dashboards, head.dashboards,
                                  [lambda d: d.uid, lambda d: d.title])
    diffs = [diff for old, new in pairs if (diff := _changed_dashboard(old, new, base, head))]
    diffs += [_added_dashboard(new, head) for new in added]
    diffs += [Diff("dashboard", old.uid, REMOVED, title=old.title, summary=_dashboard_summary(old),
                   source=base.relative(old.source)) for old in removed]
    return sorted(diffs, key=lambda d: d.name)


def _changed_dashboard(old: CompiledDashboard, new: CompiledDashboard, base: Snapshot,
                       head: Snapshot) -> Diff | None:
    fields = compare_fields(_dashboard_fields(old), _dashboard_fields(new), DASHBOARD_FIELDS)
    children = _variables(old, new, base, head) + _panels_compared(old, new, base, head)
    if not fields and not children:
        return None
    return Diff("dashboard", new.uid, CHANGED, title=new.title, source=head.relative(new.source),
                fields=fields, children=children)


def _added_dashboard(new: CompiledDashboard, head: Snapshot) -> Diff:
    variables = [_added_variable(v, new, head) for v in _variable_list(new)]
    panels = [_added_panel(p, new, head) for p in _panel_list(new)]
    return Diff("dashboard", new.uid, ADDED, title=new.title, summary=_dashboard_summary(new),
                source=head.relative(new.source), children=variables + panels)


def _dashboard_fields(d: CompiledDashboard) -> dict:
    data = d.json
    return {"uid": d.uid, "title": d.title, "folder": d.folder,
            "description": (data.get("description") or "").strip(),
            "tags": list(data.get("tags") or []),
            **flatten(data, covered=DASHBOARD_COVERED)}


def _dashboard_summary(d: CompiledDashboard) -> str:
    count = sum(1 for p in _panel_list(d) if p.kind == "panel")
    return f'{count} panels in folder "{d.folder}"'


# --- panels ------------------------------------------------------------------------------

@dataclass
class _Panel:
    data: dict
    row: str  # title of the row it sits in; "" above the first row
    source: Source | None
    signature: str = ""  # what a renamed panel keeps: its queries, or a row's panel titles

    @property
    def kind(self) -> str:
        return "row" if self.data.get("type") == "row" else "panel"

    @property
    def title(self) -> str:
        return (self.data.get("title") or "").strip()

    @property
    def grid(self) -> dict:
        return self.data.get("gridPos") or {}


def _panel_list(d: CompiledDashboard) -> list[_Panel]:
    """Every row and panel in reading order; a collapsed row's panels follow the row."""
    panels: list[_Panel] = []
    row = ""
    for data in d.json.get("panels") or []:
        if data.get("type") == "row":
            row = (data.get("title") or "").strip()
            panels.append(_Panel(data, "", d.panel_sources.get(data.get("id"))))
            nested = data.get("panels") or []
        else:
            nested = [data]
        panels += [_Panel(p, row, d.panel_sources.get(p.get("id"))) for p in nested]
    for panel in panels:
        if panel.kind == "row":
            panel.signature = "\n".join(p.title for p in panels if p.row == panel.title)
        else:
            panel.signature = "\n".join(str(t.get("expr", "")) for t in _targets(panel.data))
            panel.signature = panel.signature or panel.data.get("options", {}).get("content", "")
    return panels


def _panels_compared(old: CompiledDashboard, new: CompiledDashboard, base: Snapshot,
                     head: Snapshot) -> list[Diff]:
    olds, news = _panel_list(old), _panel_list(new)
    pairs, removed, added = match(
        olds, news,
        [lambda p: (p.kind, p.row, p.title), lambda p: (p.kind, p.title),
         lambda p: (p.kind, p.data.get("id"))],
        similarity=_panel_similarity, threshold=PANEL_RENAME_SIMILARITY)
    pairs.sort(key=lambda pair: news.index(pair[1]))
    moved = _moved(pairs, olds)

    placed: list[tuple[int, Diff]] = []  # (position in the new dashboard, diff)
    for o, n in pairs:
        fields = compare_fields(_panel_fields(o), _panel_fields(n), PANEL_FIELDS)
        if o.data.get("type") != n.data.get("type"):
            # The options of one panel type are not changes to the other's: name the type.
            fields = [f for f in fields if f.field in PANEL_FIELDS]
        if id(n) in moved:
            fields.append(FieldChange("position", _position(o), _position(n)))
        if (o.grid.get("w"), o.grid.get("h")) != (n.grid.get("w"), n.grid.get("h")):
            fields.append(FieldChange("size", _size(o), _size(n)))
        queries = _queries(o, n, old, new, head)
        if fields or queries:
            placed.append((news.index(n), Diff(n.kind, n.title, CHANGED,
                                               source=head.relative(n.source),
                                               fields=fields, children=queries)))
    placed += [(news.index(n), _added_panel(n, new, head)) for n in added]
    diffs = [diff for _, diff in sorted(placed, key=lambda p: p[0])]
    return diffs + [Diff(o.kind, o.title, REMOVED, summary=_panel_summary(o),
                         source=base.relative(o.source)) for o in removed]


def _moved(pairs: list[tuple[_Panel, _Panel]], olds: list[_Panel]) -> set[int]:
    """ids of the new panels that moved: into another row, or out of their order among the
    panels that stayed in theirs. Panels that only shifted because something above them was
    added, removed or resized keep their order and are not moved."""
    row_renamed = {o.title: n.title for o, n in pairs if n.kind == "row"}
    other_row = {id(n) for o, n in pairs if row_renamed.get(o.row, o.row) != n.row}
    staying = [(o, n) for o, n in pairs if id(n) not in other_row]
    reordered = out_of_order([olds.index(o) for o, _ in staying])
    return other_row | {id(staying[i][1]) for i in reordered}


def _panel_similarity(a: _Panel, b: _Panel) -> float:
    if a.kind != b.kind:
        return 0.0
    return text_similarity(a.signature, b.signature)


def _panel_fields(p: _Panel) -> dict:
    data = p.data
    defaults = (data.get("fieldConfig") or {}).get("defaults") or {}
    return {"title": p.title, "type": data.get("type"),
            "description": (data.get("description") or "").strip(),
            "unit": defaults.get("unit") or "",
            "thresholds": _thresholds(defaults.get("thresholds")),
            "legend": _legend((data.get("options") or {}).get("legend")),
            **flatten(data, covered=PANEL_COVERED)}


def _added_panel(p: _Panel, dashboard: CompiledDashboard, head: Snapshot) -> Diff:
    panel_id = p.data.get("id")
    queries = [Diff("query", t.get("refId", ""), ADDED, summary=str(t.get("expr", "")),
                    source=head.relative(_target_source(dashboard, panel_id, t.get("refId"))))
               for t in _targets(p.data)]
    return Diff(p.kind, p.title, ADDED, summary=_panel_summary(p), source=head.relative(p.source),
                children=queries)


def _panel_summary(p: _Panel) -> str:
    if p.kind == "row":
        return "collapsed" if p.data.get("collapsed") else ""
    unit = _panel_fields(p)["unit"]
    parts = [p.data.get("type") or "panel"] + ([f"unit {unit}"] if unit not in ("", "none") else [])
    return ", ".join(parts) + f", {_position(p)} {_size(p)}"


def _position(p: _Panel) -> str:
    where = f'row "{p.row}" ' if p.row else ""
    return f"{where}x={p.grid.get('x')} y={p.grid.get('y')}"


def _size(p: _Panel) -> str:
    return f"w={p.grid.get('w')} h={p.grid.get('h')}"


def _thresholds(thresholds: object) -> str:
    """Grafana's steps as 'green, 5 orange, 10 red' (the base colour first)."""
    if not isinstance(thresholds, dict) or not isinstance(thresholds.get("steps"), list):
        return ""
    steps = [step.get("color", "") if step.get("value") is None
             else f"{_number(step['value'])} {step.get('color', '')}"
             for step in thresholds["steps"]]
    mode = "" if thresholds.get("mode", "absolute") == "absolute" else f"{thresholds['mode']}: "
    return mode + ", ".join(steps) if steps else ""


def _legend(legend: object) -> str:
    if not isinstance(legend, dict):
        return ""
    return " ".join(f"{key}={','.join(map(str, value)) if isinstance(value, list) else value}"
                    for key, value in flatten(legend).items())


def _number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# --- queries -----------------------------------------------------------------------------

def _targets(panel: dict) -> list[dict]:
    return [t for t in panel.get("targets") or [] if isinstance(t, dict)]


def _target_source(dashboard: CompiledDashboard, panel_id: object,
                   ref_id: object) -> Source | None:
    """Where a target is declared; None for one the build did not make (an id or refId of
    another type, as JSON may hold, is none of its)."""
    if isinstance(panel_id, int) and isinstance(ref_id, str):
        return dashboard.target_sources.get((panel_id, ref_id))
    return None


def _queries(old: _Panel, new: _Panel, old_dashboard: CompiledDashboard,
             new_dashboard: CompiledDashboard, head: Snapshot) -> list[Diff]:
    pairs, removed, added = match(_targets(old.data), _targets(new.data),
                                  [lambda t: t.get("expr"), lambda t: t.get("refId")])
    panel_id = new.data.get("id")

    def source(target: dict) -> Source | None:
        return head.relative(_target_source(new_dashboard, panel_id, target.get("refId")))

    diffs: list[Diff] = []
    for o, n in sorted(pairs, key=lambda pair: str(pair[1].get("refId"))):
        fields = compare_fields(_query_fields(o), _query_fields(n), QUERY_FIELDS)
        if o.get("refId") != n.get("refId"):
            fields.insert(0, FieldChange("refId", o.get("refId"), n.get("refId")))
        if fields:
            diffs.append(Diff("query", n.get("refId", ""), CHANGED, source=source(n),
                              fields=fields))
    diffs += [Diff("query", n.get("refId", ""), ADDED, summary=str(n.get("expr", "")),
                   source=source(n)) for n in added]
    diffs += [Diff("query", o.get("refId", ""), REMOVED, summary=str(o.get("expr", "")))
              for o in removed]
    return diffs


def _query_fields(target: dict) -> dict:
    return {"expr": target.get("expr", ""), "legend": target.get("legendFormat") or "",
            "instant": bool(target.get("instant")), "interval": target.get("interval") or "",
            **flatten(target, covered=QUERY_COVERED)}


# --- variables ---------------------------------------------------------------------------

def _variable_list(d: CompiledDashboard) -> list[dict]:
    return [v for v in (d.json.get("templating") or {}).get("list") or [] if isinstance(v, dict)]


def _variables(old: CompiledDashboard, new: CompiledDashboard, base: Snapshot,
               head: Snapshot) -> list[Diff]:
    pairs, removed, added = match(_variable_list(old), _variable_list(new),
                                  [lambda v: v.get("name")])
    diffs: list[Diff] = []
    for o, n in pairs:
        fields = compare_fields(flatten(o, covered=("name",)), flatten(n, covered=("name",)),
                                VARIABLE_FIELDS)
        if fields:
            diffs.append(Diff("variable", n.get("name", ""), CHANGED, fields=fields,
                              source=head.relative(_variable_source(new, n.get("name")))))
    diffs += [_added_variable(n, new, head) for n in added]
    diffs += [Diff("variable", o.get("name", ""), REMOVED, summary=_variable_summary(o),
                   source=base.relative(_variable_source(old, o.get("name"))))
              for o in removed]
    return diffs


def _added_variable(v: dict, dashboard: CompiledDashboard, head: Snapshot) -> Diff:
    return Diff("variable", v.get("name", ""), ADDED, summary=_variable_summary(v),
                source=head.relative(_variable_source(dashboard, v.get("name"))))


def _variable_source(dashboard: CompiledDashboard, name: object) -> Source | None:
    return dashboard.variable_sources.get(name) if isinstance(name, str) else None


def _variable_summary(v: dict) -> str:
    return " ".join(str(part) for part in (v.get("type"), v.get("query")) if part)


# --- rules -------------------------------------------------------------------------------

def _rules(base: Snapshot, base_rules: list[CompiledRule], head: Snapshot,
           head_rules: list[CompiledRule]) -> list[Diff]:
    pairs, removed, added = match(
        base_rules, head_rules,
        [lambda r: (r.kind, r.name, r.file, r.group, _labels(r)),
         lambda r: (r.kind, r.name, r.file, r.group), lambda r: (r.kind, r.name)],
        similarity=_rule_similarity, threshold=RULE_RENAME_SIMILARITY)
    placed: list[tuple[int, Diff]] = []
    for o, n in pairs:
        fields = compare_fields(_rule_fields(o), _rule_fields(n), RULE_FIELDS)
        if fields:
            placed.append((head_rules.index(n), Diff(n.kind, n.name, CHANGED, fields=fields,
                                                     source=head.relative(n.source))))
    for n in added:
        facts = {k: v for k, v in _rule_fields(n).items() if k not in ("name", "group")}
        placed.append((head_rules.index(n), Diff(
            n.kind, n.name, ADDED, summary=_group(n), source=head.relative(n.source),
            fields=[FieldChange(k, None, v) for k, v in facts.items()])))
    diffs = [diff for _, diff in sorted(placed, key=lambda p: p[0])]
    return diffs + [Diff(o.kind, o.name, REMOVED, summary=_group(o),
                         source=base.relative(o.source)) for o in removed]


def _labels(rule: CompiledRule) -> tuple:
    return tuple(sorted((rule.data.get("labels") or {}).items()))


def _rule_similarity(a: CompiledRule, b: CompiledRule) -> float:
    if a.kind != b.kind:
        return 0.0
    return text_similarity(str(a.data.get("expr", "")), str(b.data.get("expr", "")))


def _rule_fields(rule: CompiledRule) -> dict:
    return {"name": rule.name, "group": _group(rule),
            **flatten(rule.data, covered=("alert", "record"))}


def _group(rule: CompiledRule) -> str:
    return f"group {rule.group} (rules/{rule.file}.yml)"


# --- fields ------------------------------------------------------------------------------

def compare_fields(old: dict, new: dict, named: tuple[str, ...]) -> list[FieldChange]:
    """The fields whose values differ: the named ones in their order, then the rest sorted."""
    rest = sorted((set(old) | set(new)) - set(named))
    keys = [k for k in named if k in old or k in new] + rest
    return [FieldChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def flatten(value: Any, prefix: str = "", covered: tuple[str, ...] = ()) -> dict[str, Any]:
    """Nested JSON as {'a.b[0].c': scalar}; lists of scalars stay lists. Empty values (None,
    '', [], {}) are left out: Grafana treats them as absent, and so does the report."""
    out: dict[str, Any] = {}
    if _is_covered(prefix, covered):
        return out
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key), covered))
    elif isinstance(value, list) and not all(_is_scalar(item) for item in value):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]", covered))
    elif value not in (None, "", []):
        out[prefix] = value
    return out


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (dict, list))


def _is_covered(path: str, covered: tuple[str, ...]) -> bool:
    return any(path == c or path.startswith((c + ".", c + "[")) for c in covered)
