"""The plan and the outcome of a deploy, as text for people or JSON for machines, and a
progress bar (only when stderr is a terminal)."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

import click
import orjson

from .apply import DRIFTED, FAILED, Result
from .plan import Action, Change, Plan

DIFF_LINES = 60
_SYMBOL = {Action.CREATE: "+", Action.UPDATE: "~", Action.UNCHANGED: "=", Action.DRIFTED: "!",
           Action.DELETE: "-"}


# --- text ------------------------------------------------------------------------------------

def plan_text(plan: Plan, *, verbose: bool = False, diffs: bool = False) -> list[str]:
    """The plan, one line per item that changes (every item with `verbose`); the difference
    under each drifted item (and under each update with `diffs`)."""
    lines = []
    for change in plan.changes:
        if change.action is Action.UNCHANGED and not verbose:
            continue
        lines.append(_line(change))
        if change.diff and (change.action is Action.DRIFTED or diffs):
            lines += _diff(change.diff)
    if plan.kept:
        lines.append(f"{len(plan.kept)} item(s) deployed by dashsmith are no longer in the code "
                     "(deploy --prune deletes them):")
        lines += [f"    {c.kind} {c.key} ({c.title})" for c in plan.kept]
    counts = plan.counts()
    lines.append(f"plan: {counts['create']} to create, {counts['update']} to update, "
                 f"{counts['unchanged']} unchanged, {counts['drifted']} drifted, "
                 f"{counts['delete']} to delete")
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
    lines = [", ".join(f"{n} {status}" for status, n in counts.items())]
    refused = result.of(DRIFTED)
    if refused:
        lines.append("drifted — left as they are in Grafana (deploy --force overwrites them):")
        lines += [f"    {o.change.kind} {o.change.key}: {o.detail or o.change.reason}"
                  for o in refused]
    failed = result.of(FAILED)
    if failed:
        lines.append("failed — not applied:")
        lines += [f"    {o.change.kind} {o.change.key}: {o.detail}" for o in failed]
    applied = [o for o in result.outcomes if o.applied]
    if applied and (verbose or failed or refused):
        lines.append("applied:")
        lines += [f"    {o.status} {o.change.kind} {o.change.key}" for o in applied]
    return lines


# --- JSON ------------------------------------------------------------------------------------

def change_json(change: Change) -> dict:
    return {"kind": change.kind, "key": change.key, "title": change.title,
            "action": str(change.action), "reason": change.reason,
            "operation": change.operation, "blocked": change.blocked,
            "folder_uid": change.folder_uid, "source": change.source or None,
            "diff": list(change.diff)}


def plan_json(plan: Plan, contact_points_deleted: list[str] = ()) -> dict:
    """`contact_points_deleted`: those --prune deletes besides the plan's (counted with them
    against --max-deletes)."""
    return {"summary": plan.counts(), "changes": [change_json(c) for c in plan.changes],
            "kept": [change_json(c) for c in plan.kept],
            "contact_points_deleted": list(contact_points_deleted),
            "deletes": len(plan.deletes) + len(contact_points_deleted),
            "max_deletes": plan.max_deletes}


def result_json(result: Result) -> dict:
    return {"summary": result.counts(), "ok": result.ok,
            "outcomes": [{"kind": o.change.kind, "key": o.change.key, "status": o.status,
                          "detail": o.detail} for o in result.outcomes]}


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
