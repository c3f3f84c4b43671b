"""The plan and the outcome of a deploy, as text for people or JSON for machines, and a
progress bar (only when stderr is a terminal).

Folders, dashboards and rule groups are listed item by item and counted in the summary; the
notification routing, written as a whole, gets a line of its own (and its deletes, which
--prune makes, one each)."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

import click
import orjson

from dashsmith.commands.deploy.apply import CREATED, DELETED, DRIFTED, FAILED, UPDATED, Result
from dashsmith.commands.deploy.plan import (
    CONTACT_POINT,
    ITEM_KINDS,
    MUTE_TIMING,
    Action,
    Change,
    Plan,
)

DIFF_LINES = 60
_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.UNCHANGED: "=", Action.DRIFTED: "!",
           Action.DELETE: "-"}


# --- text ------------------------------------------------------------------------------------

def plan_text(plan: Plan, *, verbose: bool = False, diffs: bool = False) -> list[str]:
    """The plan, one line per item that changes (every item with `verbose`); the difference
    under each drifted item (and under each update with `diffs`); then the routing."""
    lines = []
    for change in plan.items:
        if change.action is Action.UNCHANGED and not verbose:
            continue
        lines.append(_line(change))
        if change.diff and (change.action is Action.DRIFTED or diffs):
            lines += _diff(change.diff)
    kept = [c for c in plan.kept if c.kind in ITEM_KINDS]
    if kept:
        lines.append(f"{len(kept)} item(s) deployed by dashsmith are no longer in the code "
                     "(deploy --prune deletes them):")
        lines += [f"    {c.kind} {c.key} ({c.title})" for c in kept]
    counts = plan.counts()
    lines.append(f"plan: {counts['create']} to create, {counts['update']} to update, "
                 f"{counts['unchanged']} unchanged, {counts['drifted']} drifted, "
                 f"{counts['delete']} to delete")
    return lines + _routing_plan(plan)


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
    return (f"  {_SYMBOL[change.action]} {str(change.action):<9} {change.kind} {change.key}"
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
    return {"kind": change.kind, "key": change.key, "title": change.title,
            "action": str(change.action), "reason": change.reason,
            "operation": change.operation, "blocked": change.blocked,
            "folder_uid": change.folder_uid, "source": change.source or None,
            "diff": list(change.diff)}


def plan_json(plan: Plan, max_deletes: int) -> dict:
    """`deletes` counts every delete (contact points too) against `max_deletes`."""
    return {"summary": plan.counts(), "changes": [change_json(c) for c in plan.changes],
            "kept": [change_json(c) for c in plan.kept],
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
