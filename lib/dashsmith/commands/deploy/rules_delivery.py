"""Where the alert and recording rules go, as part of the plan, and proof that they arrived.

Every deploy names the engine that evaluates the rules ([dashsmith.deploy] rules, or what is
configured: PROMETHEUS_URL, RULER_URL, --grafana-alerts), plans each rule group against what
that engine holds (a Change of kind PROMETHEUS_RULE_GROUP, next to Grafana's changes in the
same Plan: the same five actions, the same checks), delivers it, and then checks the engine
loaded it. A deploy to Grafana that would deliver the rules nowhere refuses to run, unless the
setting says `rules = none`.

  prometheus  the rule files into rules_dir (prometheus_rules.py), /-/reload, /api/v1/rules
  ruler       a Mimir, Cortex or Loki ruler over HTTP (RULER_URL; ruler/): one namespace per
              rule file, each group set or deleted alone, then its /api/v1/rules until every
              group is evaluated (a ruler picks up new groups on its next poll)
  grafana     --grafana-alerts: the alerts are Grafana rule groups (plan.RULE_GROUP); the
              recording rules they read still go to the ruler or Prometheus configured, and
              with neither (and no `rules = none`) the deploy refuses
  none        the setup delivers them some other way (or not at all); the rule files are
              still written

A Prometheus rule file mirrors the code: a group removed from the code is removed from its file
(a delete, counted against --max-deletes); a file dashsmith did not write, or one edited since
(its mark's hash), is drift: left alone unless --force. In a ruler, a group of this project's
namespaces that the code no longer has is deleted with --prune (kept and listed without); one
changed in the ruler since dashsmith set it is drift (ruler_groups.py says how it is told).
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from typing import Any

from dashsmith import http_errors
from dashsmith.commands.deploy import prometheus_rules, ruler_groups
from dashsmith.commands.deploy.config import RULES_TARGETS, SECTION, DeploySettings
from dashsmith.commands.deploy.plan import ABSENT, Action, Change, Plan, Seen, drifted
from dashsmith.commands.deploy.report import SYMBOL
from dashsmith.compare import render_text
from dashsmith.compare.changes import CHANGED, Diff
from dashsmith.compare.semantic import compare_rules
from dashsmith.compiler.output import OutputError
from dashsmith.compiler.snapshot import CompiledRule
from dashsmith.grafana import workers
from dashsmith.grafana.content import content_hash
from dashsmith.prometheus.api import PrometheusError
from dashsmith.promql import parts as expressions
from dashsmith.ruler.client import APIS, DEFAULT_API, Ruler, RulerConnection, RulerError

PROMETHEUS_RULE_GROUP = "prometheus-rule-group"
RULER_RULE_GROUP = "ruler-rule-group"
KINDS = (PROMETHEUS_RULE_GROUP, RULER_RULE_GROUP)
OVERRIDE = "DASHSMITH_RULES"  # the setting, for one run
RULER_LOAD_TIMEOUT = 120.0  # seconds; Mimir's ruler polls for new groups every minute


class Undelivered(Exception):
    """The setup delivers the rules nowhere, or not where the setting says: one line."""


@dataclass(frozen=True)
class Delivery:
    """Where this deploy delivers the rules."""

    target: str | None  # one of RULES_TARGETS; None: nowhere (files only, without Grafana)
    project: str
    rules_dir: str  # where the Prometheus rule files go
    in_build: bool  # rules_dir is the build tree's: written with it, as a whole
    # may hold user:password@ (sent as Basic auth): shown only as prometheus_shown
    prometheus_url: str | None = field(default=None, repr=False)
    force: bool = False
    prune: bool = False
    ruler: RulerConnection | None = None
    concurrency: int = 4
    ruler_load_timeout: float = RULER_LOAD_TIMEOUT
    from_saved_plan: bool = False  # deploy --plan: the build tree is not written
    elsewhere: bool = False  # [dashsmith.deploy] rules = none: the setup delivers them
    # What the engine held of each group plan() found to update or drifted (change key → the
    # group as read), so that plan_lines shows rule by rule what the deploy changes in it. A
    # Change carries only the hash of what was read (its precondition); plan() fills this.
    held: dict[str, dict] = field(default_factory=dict, compare=False, repr=False)

    @property
    def prometheus_shown(self) -> str | None:
        """The Prometheus URL as printed: without user:password@."""
        if not self.prometheus_url:
            return None
        return http_errors.split_credentials(self.prometheus_url)[0]

    @property
    def where(self) -> str:
        return os.path.relpath(self.rules_dir)


def delivery(settings: DeploySettings, out_dir: str, *, prometheus_url: str | None,
             grafana_alerts: bool, through_grafana: bool, force: bool, prune: bool = False,
             concurrency: int = 4) -> Delivery:
    """Undelivered if the setting asks for a target that is not configured, or (deploying
    through Grafana's API) nothing delivers the rules and the setting does not say none."""
    wanted = _wanted(settings)
    ruler = ruler_connection(settings.ruler_api)
    if not prometheus_url and through_grafana and wanted != "none":
        # the setting's Prometheus (docker-compose's, in this repository's setup.cfg); without
        # Grafana the build tree is the deployment, read by a Prometheus when it starts, and
        # only PROMETHEUS_URL asks for a reload
        prometheus_url = settings.prometheus_url
    # With --grafana-alerts, Grafana evaluates the alerts but not the recording rules they
    # read: those still go to the ruler or Prometheus configured (the setting may name either)
    to_ruler = ruler is not None and wanted in (None, "ruler", "grafana")
    if grafana_alerts:
        configured: str | None = "grafana"
    elif to_ruler:
        configured = "ruler"
    else:
        configured = "prometheus" if prometheus_url else None
    if wanted == "prometheus" and not prometheus_url and through_grafana:
        raise Undelivered(f"[{SECTION}] rules = prometheus: set PROMETHEUS_URL (or "
                          f"--prometheus-url, or [{SECTION}] prometheus_url) to the Prometheus "
                          "that reads the rule files, so that deploy reloads it and checks the "
                          "rules loaded")
    if wanted == "grafana" and not grafana_alerts:
        raise Undelivered(f"[{SECTION}] rules = grafana: deploy with --grafana-alerts")
    if wanted == "ruler" and ruler is None:
        raise Undelivered(f"[{SECTION}] rules = ruler: set RULER_URL (and RULER_TENANT, and "
                          "RULER_TOKEN or RULER_USER and RULER_PASSWORD if it asks)")
    if configured is None and wanted is None and through_grafana:
        raise Undelivered(
            "the alert rules would be delivered nowhere: set PROMETHEUS_URL (the Prometheus "
            "that reads them) or RULER_URL (a Mimir, Cortex or Loki ruler), or deploy with "
            "--grafana-alerts; if they reach their engine some "
            f"other way, say so in setup.cfg: [{SECTION}] rules = none")
    rules_dir = settings.prometheus_rules_dir or os.path.join(out_dir,
                                                              prometheus_rules.BUILD_RULES_DIR)
    return Delivery(configured or wanted, settings.project, rules_dir,
                    not settings.prometheus_rules_dir, prometheus_url, force, prune,
                    ruler if to_ruler else None, concurrency,
                    _seconds("RULER_LOAD_TIMEOUT", RULER_LOAD_TIMEOUT),
                    elsewhere=wanted == "none")


def ruler_connection(api: str = DEFAULT_API) -> RulerConnection | None:
    """From RULER_URL, RULER_TENANT (X-Scope-OrgID), RULER_TOKEN or RULER_USER and
    RULER_PASSWORD, RULER_API (else `api`, the setting); None without RULER_URL."""
    url = os.environ.get("RULER_URL", "").strip()
    if not url:
        return None
    def variable(name: str) -> str | None:
        return os.environ.get(name, "").strip() or None
    api = (variable("RULER_API") or api).lower()
    if api not in APIS:
        raise Undelivered(f"RULER_API={api}: use one of {' | '.join(APIS)}")
    # user:password@ in RULER_URL is Basic auth (as in GRAFANA_URL): sent, never shown
    shown, user, password = http_errors.split_credentials(url)
    if variable("RULER_USER"):
        user, password = variable("RULER_USER"), variable("RULER_PASSWORD")
    return RulerConnection(shown, tenant=variable("RULER_TENANT"), token=variable("RULER_TOKEN"),
                           user=user, password=password, api=api)


def _seconds(variable: str, default: float) -> float:
    try:
        return float(os.environ.get(variable, "") or default)
    except ValueError:
        raise Undelivered(f"{variable}: use a number of seconds") from None


def _wanted(settings: DeploySettings) -> str | None:
    override = os.environ.get(OVERRIDE, "").strip().lower()
    if not override:
        return settings.rules
    if override not in RULES_TARGETS:
        raise Undelivered(f"{OVERRIDE}={override}: use one of {' | '.join(RULES_TARGETS)}")
    return override


# --- the plan --------------------------------------------------------------------------------

def plan(to: Delivery, files_for_rules: dict[str, dict]) -> list[Change]:
    """A change for every rule group of the rule files, and for every group this project
    delivered that the code no longer has. Undelivered if the ruler cannot be read, or if
    Grafana evaluates the alerts (--grafana-alerts) and the recording rules they read would
    reach no engine."""
    _check_recorded_somewhere(to, files_for_rules)
    if to.ruler is not None:
        return _ruler_plan(to, files_for_rules)
    on_disk = prometheus_rules.read_rules_dir(to.rules_dir, all_dashsmiths=to.in_build)
    changes = []
    for name, data in sorted(files_for_rules.items()):
        have = on_disk.get(name)
        changes += [_group(to, name, group, have) for group in data["groups"]]
        if have is not None and _ours(to, have):
            wanted = {g["name"] for g in data["groups"]}
            changes += [_removal(to, have, group) for group_name, group in have.groups.items()
                        if group_name not in wanted]
    changes += [_removal(to, have, group) for name, have in sorted(on_disk.items())
                if name not in files_for_rules and _ours(to, have)
                for group in have.groups.values()]
    return changes


def _check_recorded_somewhere(to: Delivery, files_for_rules: dict[str, dict]) -> None:
    """Grafana-managed alerts that read recorded series nobody evaluates never fire: refused
    unless a ruler or Prometheus takes the recording rules, or the setup says rules = none."""
    if to.target != "grafana" or to.ruler is not None or to.prometheus_url or to.elsewhere:
        return
    groups = [f"{name}{prometheus_rules.SUFFIX}/{group['name']}"
              for name, data in sorted(files_for_rules.items()) for group in data["groups"]
              if group.get("rules")]
    if groups:
        more = ", …" if len(groups) > 3 else ""
        raise Undelivered(
            f"--grafana-alerts: Grafana evaluates the alerts, but the {len(groups)} recording "
            f"rule group(s) they read ({', '.join(groups[:3])}{more}) would be evaluated "
            "nowhere: set PROMETHEUS_URL (the Prometheus that reads the rule files) or "
            "RULER_URL (a Mimir, Cortex or Loki ruler); if they reach their engine some other "
            f"way, say so in setup.cfg: [{SECTION}] rules = none")


def with_rules(grafana_plan: Plan, changes: list[Change]) -> Plan:
    return dataclasses.replace(grafana_plan, changes=grafana_plan.changes + tuple(changes))


def without_rules(any_plan: Plan) -> Plan:
    """The plan's changes to Grafana only (what apply.apply writes)."""
    return dataclasses.replace(any_plan, changes=tuple(
        c for c in any_plan.changes if c.kind not in KINDS))


def rule_changes(any_plan: Plan) -> list[Change]:
    return [c for c in any_plan.changes if c.kind in KINDS]


def saved(to: Delivery, saved_plan: Plan) -> tuple[Delivery, list[Change], dict[str, dict]]:
    """What deploy --plan delivers of a saved plan: (where, its rule changes, the rule files
    they make), if the rules are still as the plan saw them where `to` delivers them (the
    rules' own precondition, as Grafana's items have theirs); Undelivered otherwise. The build
    tree is not written by --plan, so rule files meant for it are written file by file."""
    changes = rule_changes(saved_plan)
    if not changes:
        return to, [], {}
    kind = RULER_RULE_GROUP if to.ruler is not None else PROMETHEUS_RULE_GROUP
    other = sorted({c.kind for c in changes} - {kind})
    if other:
        raise Undelivered(f"the plan holds {other[0]} changes, but this deploy delivers the "
                          f"rules to {_target(to)}")
    files = _files_of(changes)
    to = dataclasses.replace(to, from_saved_plan=True)
    now = {c.key: c for c in plan(to, files)}
    moved = [f"    {c.kind} {c.key}: {_moved(c, now.get(c.key))}" for c in changes
             if c.writes and _moved(c, now.get(c.key))]
    if moved:
        raise Undelivered("the rules changed where they are delivered since the plan was made "
                          "(deploy --plan-out makes a new plan):\n" + "\n".join(moved))
    return to, changes, files


def _moved(planned: Change, now: Change | None) -> str:
    """How what `planned` writes over changed since (empty: it did not). Beside what the
    group holds, a file's owner counts: a file of the same name that someone else wrote is
    drift now, even where the group was absent then and is absent now."""
    seen = now.seen if now is not None else ABSENT
    if seen != planned.seen:
        return f"{planned.seen} when planned, {seen} now"
    if now is not None and now.blocked and not planned.blocked:
        return f"{now.reason} now"
    return ""


def _files_of(changes: list[Change]) -> dict[str, dict]:
    """The rule files the changes were planned from: each group the plan keeps, in order."""
    files: dict[str, dict] = {}
    for change in changes:
        if change.operation == "delete" or change.payload is None:
            continue
        name = change.folder_uid
        if change.kind == RULER_RULE_GROUP:
            name = name.split(ruler_groups.SEPARATOR, 1)[1]
        files.setdefault(name, {"groups": []})["groups"].append(change.payload)
    return files


def _ours(to: Delivery, have: prometheus_rules.RuleFile) -> bool:
    return have.owner == to.project or have.owner == ""


def _key(name: str, group_name: str) -> str:
    return f"{name}{prometheus_rules.SUFFIX}/{group_name}"


def _group(to: Delivery, name: str, group: dict, have: prometheus_rules.RuleFile | None) -> Change:
    base: dict[str, Any] = {"kind": PROMETHEUS_RULE_GROUP, "key": _key(name, group["name"]),
                            "title": group["name"], "folder_uid": name, "payload": group,
                            "hash": prometheus_rules.group_hash(group)}
    current = have.groups.get(group["name"]) if have else None
    if have is not None:
        base["owner"] = to.project if have.owner == "" else have.owner
    if current is not None:
        base["seen"] = Seen(True, hash=prometheus_rules.group_hash(current))
        if base["seen"].hash == base["hash"]:
            return Change(action=Action.UNCHANGED, **base)
    operation = "update" if current is not None else "create"
    if current is not None:
        to.held[base["key"]] = current
    drift = _file_drift(to, name, have)
    if drift:
        return drifted(drift, operation, to.force, base)
    if current is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    return Change(action=Action.UPDATE, reason="changed in code", operation="update", **base)


def _file_drift(to: Delivery, name: str, have: prometheus_rules.RuleFile | None) -> str:
    """Why the file `name` may not be written over (empty: it may)."""
    file = f"{name}{prometheus_rules.SUFFIX}"
    if have is None:
        return ""
    if have.owner is None:
        return f"{file} in {to.where} was not written by dashsmith"
    if have.owner not in ("", to.project):
        return (f"{file} in {to.where} was written by dashsmith project '{have.owner}', not "
                f"by this one ('{to.project}')")
    if have.edited:
        return f"{file} in {to.where} was edited since dashsmith wrote it"
    return ""


def _removal(to: Delivery, have: prometheus_rules.RuleFile, group: dict) -> Change:
    base: dict[str, Any] = {"kind": PROMETHEUS_RULE_GROUP, "key": _key(have.name, group["name"]),
                            "title": group["name"], "folder_uid": have.name,
                            "seen": Seen(True, hash=prometheus_rules.group_hash(group)),
                            "owner": to.project}
    drift = _file_drift(to, have.name, have)
    if drift:
        return drifted(f"no longer in code, but {drift}", "delete", to.force, base)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)


# --- a ruler ---------------------------------------------------------------------------------

KEPT = "no longer in code: kept (deploy --prune deletes it)"


def _ruler_plan(to: Delivery, files_for_rules: dict[str, dict]) -> list[Change]:
    """One list of the tenant's groups; nothing of other namespaces is looked at."""
    assert to.ruler is not None
    try:
        held = Ruler(to.ruler).namespaces()
    except RulerError as error:
        raise Undelivered(f"cannot read the rule groups of the ruler: {error}") from None
    changes = []
    wanted: set[tuple[str, str]] = set()
    for name, data in sorted(files_for_rules.items()):
        namespace = ruler_groups.namespace(to.project, name)
        have = {g.get("name"): g for g in held.get(namespace, [])}
        for group in data["groups"]:
            wanted.add((namespace, group["name"]))
            changes.append(_ruler_group(to, namespace, group, have.get(group["name"])))
    for namespace, groups in sorted(held.items()):
        if ruler_groups.owned(to.project, namespace):
            changes += [_ruler_removal(to, namespace, group) for group in groups
                        if (namespace, group.get("name")) not in wanted]
    return changes


def _ruler_group(to: Delivery, namespace: str, group: dict, have: dict | None) -> Change:
    body = ruler_groups.marked(group, to.project)
    base: dict[str, Any] = {"kind": RULER_RULE_GROUP, "key": f"{namespace}/{group['name']}",
                            "title": group["name"], "folder_uid": namespace, "payload": body,
                            "hash": ruler_groups.group_hash(group)}
    if have is None:
        return Change(action=Action.CREATE, reason="new", operation="create", **base)
    base.update(seen=Seen(True, hash=content_hash(have)), owner=to.project)
    recorded = ruler_groups.recorded(have)
    if recorded == ruler_groups.recorded(body) and \
            ruler_groups.normalized(have) == ruler_groups.normalized(body):
        return Change(action=Action.UNCHANGED, **base)
    to.held[base["key"]] = have
    drift = _ruler_drift(to, have, recorded)
    if drift:
        return drifted(drift, "update", to.force, base)
    return Change(action=Action.UPDATE, reason="changed in code", operation="update", **base)


def _ruler_drift(to: Delivery, have: dict, recorded: tuple[str, str] | None) -> str:
    """Why a group in this project's namespace may not be written over (empty: it may)."""
    if recorded is None:
        if any("alert" in rule for rule in have.get("rules") or []):
            return "in the ruler, but not set by dashsmith (its alerts carry no dashsmith mark)"
        return ""  # recording rules only: nothing to tell an edit by (ruler_groups.py)
    if recorded[0] != to.project:
        return (f"set by dashsmith project '{recorded[0]}', not by this one "
                f"('{to.project}')")
    if recorded[1] != ruler_groups.group_hash(have):
        return "changed in the ruler since dashsmith set it"
    return ""


def _ruler_removal(to: Delivery, namespace: str, have: dict) -> Change:
    base: dict[str, Any] = {"kind": RULER_RULE_GROUP, "key": f"{namespace}/{have.get('name')}",
                            "title": str(have.get("name")), "folder_uid": namespace,
                            "seen": Seen(True, hash=content_hash(have)), "owner": to.project}
    if not to.prune:
        return Change(action=Action.UNCHANGED, reason=KEPT, **base)
    drift = _ruler_drift(to, have, ruler_groups.recorded(have))
    if drift:
        return drifted(f"no longer in code, but {drift}", "delete", to.force, base)
    return Change(action=Action.DELETE, reason="no longer in code", operation="delete", **base)


# --- saying so -------------------------------------------------------------------------------

def plan_lines(to: Delivery, changes: list[Change], *, verbose: bool = False) -> list[str]:
    """One line for the target and the counts; a line per group that changes (every group
    with `verbose`), marked as report.py marks Grafana's items, and under a group updated or
    drifted, rule by rule what the deploy changes in it (as deploy shows a Grafana-managed
    group's and `dashsmith diff` a rule's)."""
    lines = [f"rules → {_target(to)}"]
    for change in changes:
        if change.action is Action.UNCHANGED and not (verbose or change.reason):
            continue
        reason = f": {change.reason}" if change.reason else ""
        lines.append(f"  {SYMBOL[change.action]} {str(change.action):<9} {change.kind} "
                     f"{change.key}{reason}")
        meaning = group_change(change, to.held.get(change.key))
        if meaning is not None:
            lines += render_text.details(meaning, "      ")
    counts = {action: sum(1 for c in changes if c.action is action) for action in Action}
    lines.append(f"rules plan: {counts[Action.CREATE]} to create, {counts[Action.UPDATE]} to "
                 f"update, {counts[Action.UNCHANGED]} unchanged, {counts[Action.DRIFTED]} "
                 f"drifted, {counts[Action.DELETE]} to delete")
    return lines


def group_change(change: Change, held: dict | None) -> Diff | None:
    """What writing `change` does to the group the engine holds (`held`), rule by rule (alert
    or record, expr, for, labels, annotations), compared as `dashsmith diff` compares rules;
    None for a group created or deleted, or one whose rules mean the same. Both sides are
    compared as a ruler gives a group back (ruler_groups.normalized: dashsmith's marks left
    out, durations as Prometheus prints them), for a rule file's group as for a ruler's."""
    if change.action not in (Action.UPDATE, Action.DRIFTED) or held is None \
            or change.payload is None:
        return None
    rules = compare_rules(_rules(held), _rules(change.payload))
    return Diff(change.kind, change.key, CHANGED, children=rules) if rules else None


def _rules(group: dict) -> list[CompiledRule]:
    body = ruler_groups.normalized(group)
    return [CompiledRule("", body["name"], rule) for rule in body["rules"]]


def _target(to: Delivery) -> str:
    files = f"rule files in {to.where}/"
    if to.ruler is not None:
        tenant = f" (tenant {to.ruler.tenant})" if to.ruler.tenant else ""
        engine = (f"the ruler at {to.ruler.url}{tenant} ({to.ruler.api}: "
                  f"{to.ruler.rules_path}), a namespace per rule file")
    elif to.prometheus_url:
        engine = f"Prometheus at {to.prometheus_shown} ({files}, reloaded and checked)"
    else:
        engine = f"{files} (no Prometheus reloaded: PROMETHEUS_URL is not set)"
    if to.target == "grafana":
        if to.elsewhere:
            engine += f"; [{SECTION}] rules = none: delivered outside this deploy"
        return f"Grafana-managed alerts (the rule groups above); recording rules: {engine}"
    if to.target == "none":
        return f"{engine}; [{SECTION}] rules = none: delivered outside this deploy"
    return engine


# --- delivering ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivered:
    ok: bool
    lines: tuple[str, ...]
    reloaded: bool | None  # None: no Prometheus to reload
    not_loaded: tuple[str, ...] = ()

    def json(self) -> dict:
        return {"ok": self.ok, "reloaded": self.reloaded, "not_loaded": list(self.not_loaded)}


def write(to: Delivery, changes: list[Change], files_for_rules: dict[str, dict]) -> None:
    """Write the rule files whose groups the plan writes, remove this project's files whose
    groups it all deletes (OutputError if it cannot). In the build tree, the build's own write
    has done it (but for deploy --plan, which does not write the build tree)."""
    if to.in_build and not to.from_saved_plan:
        return
    blocked = {c.folder_uid for c in changes if c.blocked}
    touched = {c.folder_uid for c in changes if c.writes} - blocked
    prometheus_rules.write_rule_files(
        to.rules_dir,
        {name: prometheus_rules.marked(to.project, files_for_rules[name])
         for name in sorted(touched) if name in files_for_rules},
        sorted(name for name in touched if name not in files_for_rules))


def deliver(to: Delivery, changes: list[Change], files_for_rules: dict[str, dict]) -> Delivered:
    """Write, reload and check: what happened, in lines to print."""
    left_alone = [c for c in changes if c.blocked]
    drift = ([f"rules left alone (deploy --force writes them): "
              f"{', '.join(c.key for c in left_alone)}"] if left_alone else [])
    if to.ruler is not None:
        return _deliver_to_ruler(to, changes, drift)
    try:
        write(to, changes, files_for_rules)
    except OutputError as error:
        return Delivered(False, (f"rules not delivered: {error}",), None)
    written = sum(1 for c in changes if c.writes)
    if not to.prometheus_url:
        return Delivered(not left_alone, (f"rules: {written} group change(s) written to "
                                          f"{to.where}/; no Prometheus reloaded", *drift), None)
    try:
        prometheus_rules.reload(to.prometheus_url)
        missing = prometheus_rules.not_loaded(to.prometheus_url, files_for_rules)
    except PrometheusError as error:
        return Delivered(False, (f"rules not loaded: {error}", *drift), False)
    if missing:
        shown = [f"    {line}" for line in missing[:20]]
        more = [f"    … {len(missing) - 20} more"] if len(missing) > 20 else []
        return Delivered(False, (f"rules not loaded: Prometheus at {to.prometheus_shown} "
                                 f"reloaded but has not loaded {len(missing)} rule group(s) or "
                                 "rule(s) as deployed (if none loaded, check that its "
                                 "rule_files include the directory deploy writes):",
                                 *shown, *more, *drift),
                         True, tuple(missing))
    groups = sum(len(d["groups"]) for d in files_for_rules.values())
    return Delivered(not left_alone, (f"Prometheus at {to.prometheus_shown} reloaded: {groups} "
                                      "rule groups loaded, every rule as deployed", *drift), True)


class _Changed(Exception):
    """The group changed in the ruler between the plan and its write."""


def _deliver_to_ruler(to: Delivery, changes: list[Change], drift: list[str]) -> Delivered:
    """Each group set or deleted on its own (a ruler has no batch), `concurrency` at once; a
    group rewritten only if it is still as planned (no version to send: read just before)."""
    assert to.ruler is not None
    ruler = Ruler(to.ruler)

    def write(change: Change) -> None:
        namespace, name = change.folder_uid, change.title
        if change.operation != "create":
            now = ruler.group(namespace, name)
            if (content_hash(now) if now is not None else None) != change.seen.hash:
                raise _Changed(f"{change.key} was changed in the ruler during this deploy; "
                               "not overwritten — run deploy again to see the difference")
        if change.operation == "delete":
            ruler.delete_group(namespace, name)
        else:
            ruler.set_group(namespace, change.payload or {})

    outcomes = workers.run_all(write, [c for c in changes if c.writes], to.concurrency)
    failed = [f"    {c.key}: {to.ruler.redact(str(error))}" for c, _, error in outcomes if error]
    written = len(outcomes) - len(failed)
    if failed:
        return Delivered(False, (f"rules: {written} group(s) written to the ruler; "
                                 f"{len(failed)} not:", *failed, *drift), None)
    deployed = {(c.folder_uid, c.title): c.payload or {} for c in changes
                if c.operation != "delete" and c.payload is not None}
    try:
        missing = _not_evaluated(ruler, deployed, to.ruler_load_timeout)
    except RulerError as error:
        return Delivered(False, (f"rules: {written} group(s) written; cannot check what the "
                                 f"ruler evaluates: {error}", *drift), False)
    if missing:
        shown = [f"    {line}" for line in missing[:20]]
        return Delivered(False, (f"rules not loaded: {written} group(s) written, but after "
                                 f"{to.ruler_load_timeout:g}s the ruler at {to.ruler.url} does "
                                 f"not evaluate {len(missing)} group(s) or rule(s) as deployed:",
                                 *shown, *drift), False, tuple(missing))
    return Delivered(not drift, (f"the ruler at {to.ruler.url}: {written} group(s) written; "
                                 f"{len(deployed)} rule groups loaded, every rule as deployed",
                                 *drift), True)


def _not_evaluated(ruler: Ruler, deployed: dict[tuple[str, str], dict],
                   timeout: float) -> list[str]:
    """What of `deployed` ((namespace, name) → group) the ruler does not evaluate as deployed;
    a group not there yet is waited for, up to `timeout` (the ruler loads on its next poll)."""
    deadline = time.monotonic() + timeout
    while True:
        loaded = {(g.get("file"), g.get("name")): g for g in ruler.loaded()}
        absent = [f"{ns}/{name}: not loaded" for ns, name in sorted(deployed)
                  if (ns, name) not in loaded]
        if not absent or time.monotonic() >= deadline:
            break
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    problems = list(absent)
    for (namespace, name), group in sorted(deployed.items()):
        found = loaded.get((namespace, name))
        if found is not None:
            # A ruler shows each rule's expression as it parsed it (Mimir's getLocalRules:
            # rule.Query().String()): without comments, so without the marks' comment.
            problems += [f"{namespace}/{name}: {p}" for p in prometheus_rules.rule_problems(
                group, found, _same_expression, ruler_groups.expression)]
    return problems


def _same_expression(deployed: str, loaded: str) -> bool:
    """Whether the ruler evaluates the expression deployed. It shows the expression as it parsed
    and printed it (Mimir's getLocalRules: rule.Query().String(): `sum by (job) (...)`, no
    comments), so both sides are compared as parsed, printed by the same printer; an
    expression that does not parse as PromQL (LogQL, in Loki's ruler) is compared as text,
    whitespace aside."""
    parsed = [expressions.parse(text) for text in (deployed, loaded)]
    if all(node is not None for node in parsed):
        return str(parsed[0]) == str(parsed[1])
    return "".join(deployed.split()) == "".join(loaded.split())
