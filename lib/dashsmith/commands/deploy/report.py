"""The plan and the outcome of a deploy, as text for people or JSON for machines, and a
progress bar (only when stderr is a terminal).

Folders, dashboards and rule groups are listed item by item and counted in the summary; the
notification routing, written as a whole, gets a line of its own (and its deletes, which
--prune makes, one each)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import datetime, timezone

import click
import orjson

from dashsmith.commands.deploy.alerting import normalize_group
from dashsmith.commands.deploy.apply import CREATED, DELETED, DRIFTED, FAILED, UPDATED, Result
from dashsmith.commands.deploy.desired import Desired
from dashsmith.commands.deploy.live import Live
from dashsmith.commands.deploy.plan import (
    CONTACT_POINT,
    COPIED,
    DASHBOARD,
    ITEM_KINDS,
    MANAGED,
    MUTE_TIMING,
    OTHER_PROJECT,
    RULE_GROUP,
    Action,
    Change,
    Plan,
)
from dashsmith.compare import render_text
from dashsmith.compare.changes import CHANGED, Diff
from dashsmith.compare.semantic import compare_dashboard, compare_rules
from dashsmith.compiler.render import CompiledDashboard
from dashsmith.compiler.snapshot import CompiledRule
from dashsmith.model import durations

DIFF_LINES = 60
# each action's mark in a plan line; the rules' plan lines (rules_delivery.py) use it too
SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.UNCHANGED: "=", Action.DRIFTED: "!",
          Action.DELETE: "-"}


# --- text ------------------------------------------------------------------------------------

def plan_text(plan: Plan, *, verbose: bool = False, diffs: bool = False,
              compared: Mapping[str, Diff] | None = None, raw_diffs: bool = False,
              now: datetime | None = None) -> list[str]:
    """The plan, one line per item that changes (every item with `verbose`); the difference
    under each drifted item (and under each update with `diffs`); then the routing.

    A dashboard's difference is the one `dashsmith diff --live` prints, panel by panel and
    query by query, a Grafana-managed rule group's rule by rule (`compared`: "kind:key" →
    that comparison, Grafana → code); the JSON hunk is shown where there is none (a saved
    plan) or with `raw_diffs`."""
    compared = compared or {}
    lines = []
    for change in plan.items:
        if change.action is Action.UNCHANGED and not verbose:
            continue
        lines.append(_line(change))
        if change.action is Action.DRIFTED and change.kind == DASHBOARD \
                and change.drift != MANAGED:
            origin = drift_origin(change, now)
            if origin:
                lines.append(f"      {origin}")
        if not (change.action is Action.DRIFTED or diffs):
            continue
        meaning = compared.get(f"{change.kind}:{change.key}")
        if meaning is not None:
            lines += render_text.details(meaning, "      ")
        if change.diff and (meaning is None or raw_diffs):
            lines += _diff(change.diff)
    kept = [c for c in plan.kept if c.kind in ITEM_KINDS]
    if kept:
        lines.append(f"{len(kept)} item(s) deployed by dashsmith are no longer in the code "
                     "(deploy --prune deletes them):")
        lines += [f"    {c.kind} {c.key} ({c.title})" for c in kept]
    if plan.foreign:
        lines.append(f"{len(plan.foreign)} dashboard(s) carry this project's label but were not "
                     "deployed by dashsmith (copies: never written or pruned; remove the label):")
        lines += [f"    {c.kind} {c.key} ({c.title})" for c in plan.foreign]
    counts = plan.counts()
    lines.append(f"plan: {counts['create']} to create, {counts['update']} to update, "
                 f"{counts['unchanged']} unchanged, {counts['drifted']} drifted, "
                 f"{counts['delete']} to delete")
    return lines + _routing_plan(plan)


def drift_origin(change: Change, now: datetime | None = None) -> str:
    """Who edited a drifted dashboard in Grafana and when (Grafana's version history, when
    the plan read it), and how to keep that edit instead of overwriting it, as `grizzly pull`
    would: 'edited by alice 10 min ago; keep it with `dashsmith import --uid X --force`' —
    the advice only where importing applies (not NO_IMPORT_ADVICE); "" when there is nothing
    to say."""
    who, when = change.edited_by, change.edited_at
    said = [f"by {who}"] if who else []
    ago = _ago(when, now or datetime.now(timezone.utc)) if when else None
    if ago:
        said.append(ago)
    edited = f"edited {' '.join(said)}" if said else ""
    if change.drift in NO_IMPORT_ADVICE:
        return edited
    keep = f"keep it with `dashsmith import --uid {change.key} --force`"
    return f"{edited}; {keep}" if edited else keep[0].upper() + keep[1:]


# Drifted dashboards that `dashsmith import` is no advice for (plan.Change.drift): another
# project's (importing it here would make two projects deploy it), another tool's, or a copy
# of this project's own (its code already exists). What the plan does not say (a saved plan
# of an earlier release) gets the advice, as before.
NO_IMPORT_ADVICE = (OTHER_PROJECT, MANAGED, COPIED)


def _ago(stamp: str, now: datetime) -> str | None:
    """'10 min ago', '3 h ago', '2 days ago' from an ISO-8601 time (UTC when it names no
    zone); None when it cannot be read."""
    then = parse_time(stamp)
    if then is None:
        return None
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return f"{days} day{'' if days == 1 else 's'} ago"


def parse_time(stamp: str) -> datetime | None:
    """An ISO-8601 time as datetime (UTC when it names no zone); None when it cannot be read.
    A trailing Z (live.iso_utc writes one; Grafana's API answers with one) is +00:00: Python
    3.10's fromisoformat, which pyproject's requires-python allows, rejects a Z."""
    text = stamp.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        then = datetime.fromisoformat(text)
    except ValueError:
        return None
    return then if then.tzinfo is not None else then.replace(tzinfo=timezone.utc)


def semantic_changes(plan: Plan, build: list[CompiledDashboard], desired: Desired, live: Live,
                     root: str) -> dict[str, Diff]:
    """"kind:key" → what deploying changes in each dashboard and Grafana-managed rule group the
    plan updates or finds drifted, as `dashsmith diff --live` compares them: what Grafana holds
    (read by the plan) → the code. Both sides are normalized as deploy shows them, so only
    real differences remain."""
    compiled = {d.uid: d for d in build}
    wanted = {d.uid: d for d in desired.dashboards}
    groups = {g.key: g for g in desired.groups}
    out: dict[str, Diff] = {}
    for change in plan.changes:
        if change.action not in (Action.UPDATE, Action.DRIFTED):
            continue
        meaning = None
        if change.kind == DASHBOARD:
            have, want = live.dashboards.get(change.key), wanted.get(change.key)
            code = compiled.get(change.key)
            if have is not None and have.normalized is not None and want is not None \
                    and code is not None:
                # The code in the form Grafana keeps it when that is how it was read (its
                # schema migrations applied), so that they do not show as changes.
                new = CompiledDashboard(code.uid, want.title, code.folder,
                                        want.compared_with(have.stored), code.source,
                                        code.panel_sources, code.target_sources,
                                        code.variable_sources)
                # The folder a move goes from is known by its uid (the reason line names it).
                folder = code.folder if have.folder_uid == want.folder_uid else have.folder_uid
                # A dashboard read from Grafana has no declaration behind it: CompiledDashboard
                # types its source as always given (as diff/live.py notes).
                old = CompiledDashboard(have.uid, have.title, folder, have.normalized,
                                        source=None)  # type: ignore[arg-type]
                meaning = compare_dashboard(old, new, root)
        elif change.kind == RULE_GROUP:
            group, body = live.groups.get(change.key), groups.get(change.key)
            if group is not None and group.normalized is not None and body is not None:
                rules = compare_rules(_grafana_rules(group.normalized),
                                      _grafana_rules(normalize_group(body.body)))
                if rules:
                    meaning = Diff(RULE_GROUP, change.key, CHANGED, children=rules)
        if meaning is not None:
            out[f"{change.kind}:{change.key}"] = meaning
    return out


def _grafana_rules(group: dict) -> list[CompiledRule]:
    """A normalized Grafana-managed rule group's rules as the comparison reads rules: the alert
    by its title, its first query's PromQL as `expr`, `for` as a duration, the rest by name."""
    rules = []
    for rule in group.get("rules") or []:
        queries = {str(q.get("refId")): q.get("model") or {} for q in rule.get("data") or []}
        expr = next((str(m["expr"]) for m in queries.values() if m.get("expr")), "")
        data: dict = {"alert": rule.get("title") or "", "expr": expr}
        for key in ("for", "keep_firing_for"):
            if rule.get(key):
                data[key] = durations.format(rule[key])
        data.update({key: rule.get(key) for key in ("labels", "annotations", "condition",
                                                     "noDataState", "execErrState", "isPaused")})
        data["queries"] = {ref: {k: v for k, v in model.items() if k not in ("expr", "refId")}
                           for ref, model in queries.items()}
        rules.append(CompiledRule(str(group.get("folderUid") or ""), str(group.get("title")),
                                  data))
    return rules


def _routing_plan(plan: Plan) -> list[str]:
    if not plan.routing:
        return []
    points = [c for c in plan.of(CONTACT_POINT) if c.operation != "delete"]
    lines = [f"notification routing: {len(points)} contact point(s), the policy tree and "
             f"{len(plan.of(MUTE_TIMING))} mute timing(s), applied as a whole"]
    lines += [f"    not in Grafana: {note}" for note in plan.notes]
    lines += [f"- delete    contact point {c.key}: {c.reason}" for c in plan.deletes
              if c.kind == CONTACT_POINT]
    kept = [c.key for c in plan.kept if c.kind == CONTACT_POINT]
    if kept:
        lines.append("contact points dashsmith deployed that the code no longer declares "
                     f"(deploy --prune deletes them): {', '.join(kept)}")
    return lines


def _line(change: Change) -> str:
    title = f" ({change.title})" if change.title != change.key else ""
    reason = f": {change.reason}" if change.reason else ""
    return (f"  {SYMBOL[change.action]} {str(change.action):<9} {change.kind} {change.key}"
            f"{title}{reason}")


def _diff(diff: tuple[str, ...]) -> list[str]:
    shown = [f"      {line}" for line in diff[:DIFF_LINES]]
    if len(diff) > DIFF_LINES:
        shown.append(f"      … {len(diff) - DIFF_LINES} more lines (--format json has them all)")
    return shown


def result_text(result: Result, *, verbose: bool = False) -> list[str]:
    counts = result.counts()
    items = [o for o in result.outcomes if o.change.kind in ITEM_KINDS]
    lines = [", ".join(f"{n} {status}" for status, n in counts.items())]
    refused = [o for o in items if o.status == DRIFTED]
    if refused:
        lines.append("drifted — left as they are in Grafana (deploy --force overwrites them):")
        lines += [f"    {o.change.kind} {o.change.key}: {o.detail or o.change.reason}"
                  for o in refused]
    failed = [o for o in items if o.status == FAILED]
    if failed:
        lines.append("failed — not applied:")
        lines += [f"    {o.change.kind} {o.change.key}: {o.detail}" for o in failed]
    applied = [o for o in items if o.applied]
    if applied and (verbose or failed or refused):
        lines.append("applied:")
        lines += [f"    {o.status} {o.change.kind} {o.change.key}" for o in applied]
    return lines + _routing_result(result)


def _routing_result(result: Result) -> list[str]:
    if not result.routing:
        return []
    not_applied = _routing_not_applied(result)
    if not_applied:
        return ["notification routing failed — not applied: " + "; ".join(
            f"{o.change.kind} {o.change.key}: {o.detail}" for o in not_applied)]
    done = routing_counts(result)
    return [f"notification routing: {done['created']} contact point(s) created, "
            f"{done['updated']} updated, {done['deleted']} deleted; policy tree set; "
            f"{done['mute_timings']} mute timing(s)"]


def _routing_not_applied(result: Result) -> list:
    return [o for o in result.routing if o.status in (DRIFTED, FAILED)]


def routing_counts(result: Result) -> dict[str, int]:
    """What was written of the routing: mute timings, and contact points by what happened."""
    points = [o.status for o in result.routing if o.change.kind == CONTACT_POINT]
    return {"mute_timings": sum(1 for o in result.routing
                                if o.change.kind == MUTE_TIMING and o.applied),
            "created": points.count(CREATED), "updated": points.count(UPDATED),
            "deleted": points.count(DELETED)}


# --- JSON ------------------------------------------------------------------------------------

def change_json(change: Change) -> dict:
    """The change as --format json reports it (Change.as_json: who edited a drifted one and
    when, too)."""
    return change.as_json()


def plan_json(plan: Plan, max_deletes: int) -> dict:
    """`deletes` counts every delete (contact points too) against `max_deletes`."""
    return {"summary": plan.counts(), "changes": [change_json(c) for c in plan.changes],
            "kept": [change_json(c) for c in plan.kept],
            "foreign": [change_json(c) for c in plan.foreign],
            "contact_points_deleted": [c.key for c in plan.deletes if c.kind == CONTACT_POINT],
            "deletes": len(plan.deletes), "max_deletes": max_deletes,
            "project": plan.project, "desired_hash": plan.desired_hash}


def result_json(result: Result) -> dict:
    return {"summary": result.counts(), "ok": result.ok,
            "outcomes": [{"kind": o.change.kind, "key": o.change.key, "status": o.status,
                          "detail": o.detail} for o in result.outcomes]}


def routing_json(result: Result) -> dict | None:
    """None without routing in the plan."""
    if not result.routing:
        return None
    return {"applied": not _routing_not_applied(result), **routing_counts(result)}


def dumps(data: dict) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


# --- progress --------------------------------------------------------------------------------

@contextmanager
def progress(label: str, total: int, enabled: bool = True):
    """Yields a thread-safe `advance()`; draws a bar on stderr only when it is a terminal."""
    if not (enabled and total and sys.stderr.isatty()):
        yield lambda: None
        return
    lock = threading.Lock()
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        def advance():
            with lock:
                bar.update(1)
        yield advance
