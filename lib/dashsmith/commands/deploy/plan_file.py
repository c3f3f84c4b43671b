"""A plan saved to a file (deploy --plan-out FILE), and read back to be applied exactly
(deploy --plan FILE), as Terraform's saved plans.

The file is JSON and deterministic (the same plan gives the same bytes: sorted keys, no time
stamp). It holds the whole Plan: every change with what the plan saw of it in Grafana (absent,
a version or a content hash: the precondition of writing it) and what apply sends; the project
and the Grafana (URL and organisation) it was made for; the options it was made with; and the
digest of the desired state it was made from. No secret: the contact points hold placeholders
(notifications.py). A checksum over the rest tells a file as dashsmith wrote it from one
changed since, by hand or in transit; it is not a signature (anyone can recompute it).

load() refuses (PlanFileError, naming the file) a file that is not such a plan, was changed
since it was written, or was made for another project or another Grafana.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os

import orjson

from dashsmith.commands.deploy.plan import Action, Change, Plan, PlanOptions, Seen
from dashsmith.grafana.apis import Target

FORMAT = "dashsmith deploy plan"
VERSION = 1


class PlanFileError(Exception):
    pass


def dumps(plan: Plan) -> bytes:
    body = _body(plan)
    return orjson.dumps({**body, "checksum": _checksum(body)},
                        option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def save(plan: Plan, path: str) -> None:
    """Written whole or not at all (a new file renamed over the old)."""
    partial = f"{path}.partial"
    try:
        with open(partial, "wb") as handle:
            handle.write(dumps(plan))
        os.replace(partial, path)
    except OSError as error:
        raise PlanFileError(f"{path}: cannot write the plan ({error.strerror})") from None


def load(path: str, *, project: str, grafana: str, org_id: int | None) -> Plan:
    """The plan in `path`, if it is one dashsmith wrote for `project` and this Grafana."""
    try:
        with open(path, "rb") as handle:
            data = orjson.loads(handle.read())
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan ({error.strerror})") from None
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(f"{path}: not a dashsmith plan (deploy --plan-out writes one)")
    checksum = data.pop("checksum", None)
    if checksum != _checksum(data):
        raise PlanFileError(f"{path}: the plan was changed since dashsmith wrote it (its "
                            "checksum does not match); make a new one with deploy --plan-out")
    if data.get("version") != VERSION:
        raise PlanFileError(f"{path}: a plan of format version {data.get('version')}; this "
                            f"dashsmith reads version {VERSION}")
    try:
        plan = _plan(data)
    except (KeyError, TypeError, ValueError):
        raise PlanFileError(f"{path}: not a dashsmith plan (deploy --plan-out writes one)") \
            from None
    made_for = plan.options
    if made_for.project != project:
        raise PlanFileError(f"{path}: a plan of project '{made_for.project}', not of this one "
                            f"('{project}')")
    if (made_for.grafana, made_for.org_id) != (grafana, org_id):
        raise PlanFileError(f"{path}: a plan for Grafana at "
                            f"{_where(made_for.grafana, made_for.org_id)}, not for "
                            f"{_where(grafana, org_id)}")
    return plan


def _body(plan: Plan) -> dict:
    options = plan.options
    return {"format": FORMAT, "version": VERSION, "project": options.project,
            "grafana": options.grafana, "org_id": options.org_id,
            "options": {"force": options.force, "prune": options.prune,
                        "disable_provenance": options.disable_provenance,
                        "force_v2": list(options.force_v2), "ui_edits": options.ui_edits},
            "desired_hash": plan.desired_hash,
            "changes": [_change(c) for c in plan.changes],
            "kept": [_change(c) for c in plan.kept], "notes": list(plan.notes),
            "target": plan.target.as_json() if plan.target else None,
            "foreign": [_change(c) for c in plan.foreign]}


def _plan(data: dict) -> Plan:
    # force_v2 is what --force --force-v2 UID confirmed when the plan was made: the plan's
    # changes already say which v2 dashboards it overwrites (not blocked), and the options keep
    # it so that the plan applied is the plan printed
    given = data["options"]
    options = PlanOptions(data["project"], data["grafana"], data["org_id"],
                          **{**given, "force_v2": tuple(given.get("force_v2") or ())})
    return Plan(tuple(_loaded(c) for c in data["changes"]), options,
                tuple(_loaded(c) for c in data["kept"]), data["desired_hash"],
                tuple(data["notes"]), Target.from_json(data.get("target")),
                tuple(_loaded(c) for c in data.get("foreign") or ()))


def _change(change: Change) -> dict:
    return {f.name: getattr(change, f.name) for f in dataclasses.fields(change)} | {
        "action": change.action.value, "seen": dataclasses.asdict(change.seen),
        "diff": list(change.diff)}


def _loaded(data: dict) -> Change:
    return Change(**{**data, "action": Action(data["action"]), "seen": Seen(**data["seen"]),
                     "diff": tuple(data["diff"])})


def _checksum(body: dict) -> str:
    return "sha256:" + hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _where(url: str, org_id: int | None) -> str:
    return url if org_id is None else f"{url} (organisation {org_id})"
