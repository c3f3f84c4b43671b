"""Alert declarations as Grafana-managed rule groups (deploy --grafana-alerts).

Each Prometheus alert becomes a rule of three steps, the translation Grafana's own Prometheus
rule converter makes so that Grafana fires exactly when Prometheus would (any series the
expression returns is firing; no series is normal):

  query            the PromQL expression, instant, on the Prometheus data source (by uid)
  prometheus_math  is_number($query) || is_nan($query) || is_inf($query)
  threshold        prometheus_math > 0            ← the rule's condition

Recording rules stay in Prometheus (the alerts read the series they record), so with
--grafana-alerts the Prometheus rule files keep only the recording rules.

A group is marked as dashsmith's by two annotations on each of its rules: PROJECT_ANNOTATION
names the project that deployed it (each project updates and prunes only its own groups), and
HASH_ANNOTATION holds the hash of the group as deployed (without these annotations), which is
how a group edited in Grafana since (possible when X-Disable-Provenance made it editable) is
recognised. The hash covers whether the group is editable in Grafana's UI (provenance none)
or locked (provenance "api"): switching changes every rule's annotation, and Grafana, which
writes only the rules a PUT changes, then gives every rule the new provenance in one PUT.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from dashsmith.grafana.content import content_hash
from dashsmith.grafana.ownership import Recorded
from dashsmith.model import durations, folders
from dashsmith.model.problems import Problem, Severity
from dashsmith.model.source import Source

HASH_ANNOTATION = "dashsmith_hash"
PROJECT_ANNOTATION = "dashsmith_project"
_MARKERS = (HASH_ANNOTATION, PROJECT_ANNOTATION)
DEFAULT_INTERVAL = "1m"
BASE_INTERVAL_SECONDS = 10  # Grafana's [unified_alerting] base_interval: intervals are multiples
EXPRESSIONS = "__expr__"
_QUERY_DEFAULTS = {"intervalMs": 1000, "maxDataPoints": 43200}
_RULE_FIELDS = ("uid", "title", "ruleGroup", "folderUID", "condition", "noDataState",
                "execErrState", "isPaused")


@dataclass(frozen=True)
class DesiredGroup:
    folder_uid: str
    name: str
    body: dict  # what PUT /api/v1/provisioning/folder/:f/rule-groups/:name receives
    hash: str
    source: Source
    editable: bool = False  # sent with X-Disable-Provenance (provenance none)

    @property
    def key(self) -> str:
        return f"{self.folder_uid}/{self.name}"


def rule_groups(estate, rule_files: dict[str, dict], datasource_uid: str, folder_path: str, *,
                project: str, editable: bool, keep_firing_for: bool = True
                ) -> tuple[list[DesiredGroup], list[Problem]]:
    """Grafana rule groups for every alert group (groups of only recording rules are left
    out), and the problems that stop the translation (with the declaring line).
    `keep_firing_for`: whether the server keeps the field (ServerInfo.supports_keep_firing_for;
    without it, it is not sent, and dropped_keep_firing_for() names the alerts concerned)."""
    folder_uid = folders.folder_uid(folder_path)
    groups: list[DesiredGroup] = []
    problems: list[Problem] = []
    seen: dict[str, Source] = {}
    for rule_file in estate.rule_files:
        rendered = rule_files[rule_file.name]["groups"]
        for declared, data in zip(rule_file.groups, rendered, strict=True):
            alerts = [rule for rule in data["rules"] if "alert" in rule]
            if not alerts:
                continue
            if declared.name in seen:
                first = seen[declared.name].relative_to(estate.settings.root)
                problems.append(_error(f"rule group '{declared.name}' is also declared at "
                                       f"{first}; Grafana needs group names "
                                       "unique within the alerts folder", declared.source))
                continue
            seen[declared.name] = declared.source
            interval, problem = _interval(data.get("interval"), declared.source)
            if problem:
                problems.append(problem)
                continue
            groups.append(_group(folder_uid, declared.name, interval, alerts, datasource_uid,
                                 declared.source, project, editable, keep_firing_for))
    return groups, problems


def _error(message: str, source: Source) -> Problem:
    return Problem("deploy/grafana-alerts", Severity.ERROR, message, source)


def _interval(text: str | None, source: Source) -> tuple[int, Problem | None]:
    seconds = int(durations.parse(text or DEFAULT_INTERVAL))
    if seconds <= 0 or seconds % BASE_INTERVAL_SECONDS:
        return 0, _error(f"rule group interval {text} is not a multiple of "
                         f"{BASE_INTERVAL_SECONDS}s, which Grafana-managed rules need", source)
    return seconds, None


def _group(folder_uid: str, name: str, interval: int, alerts: list[dict], datasource_uid: str,
           source: Source, project: str, editable: bool, keep_firing_for: bool) -> DesiredGroup:
    uids = _rule_uids(folder_uid, name, [alert["alert"] for alert in alerts])
    rules = [_rule(alert, uid, name, folder_uid, datasource_uid, keep_firing_for)
             for alert, uid in zip(alerts, uids, strict=True)]
    body = {"title": name, "folderUid": folder_uid, "interval": interval, "rules": rules}
    digest = group_hash(body, editable)
    for rule in rules:
        rule["annotations"].update({HASH_ANNOTATION: digest, PROJECT_ANNOTATION: project})
    return DesiredGroup(folder_uid, name, body, digest, source, editable)


def _rule_uids(folder_uid: str, group: str, names: list[str]) -> list[str]:
    """Stable rule uids (Grafana: at most 40 of A-Z a-z 0-9 - _), unique in the whole Grafana:
    Grafana moves a rule whose uid another group already holds. A readable part, then a hash of
    the exact folder, group and alert name (groups "node disk" and "node-disk" read alike)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1  # a name twice in a group (Prometheus allows it)
        exact = f"{folder_uid}/{group}/{name}/{seen[name]}"
        readable = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{group}-{name}").strip("-")[:31]
        out.append(f"{readable}-{hashlib.sha1(exact.encode()).hexdigest()[:8]}")
    return out


def dropped_keep_firing_for(rule_files: dict[str, dict]) -> list[str]:
    """The alerts with keep_firing_for, which a Grafana without the field (before 12.0) would
    drop silently: deploy says so instead."""
    return [rule["alert"] for data in rule_files.values() for group in data["groups"]
            for rule in group["rules"] if "alert" in rule and rule.get("keep_firing_for")]


def _rule(alert: dict, uid: str, group: str, folder_uid: str, datasource_uid: str,
          keep_firing_for: bool = True) -> dict:
    rule = _rule_body(alert, uid, group, folder_uid, datasource_uid)
    if keep_firing_for and alert.get("keep_firing_for"):
        # Grafana-managed rules keep firing as Prometheus's do from 12.0 (grafana PR #100750;
        # definitions.ProvisionedAlertRule keep_firing_for, a duration string)
        rule["keep_firing_for"] = alert["keep_firing_for"]
    return rule


def _rule_body(alert: dict, uid: str, group: str, folder_uid: str, datasource_uid: str) -> dict:
    return {
        "uid": uid,
        "title": alert["alert"],
        "ruleGroup": group,
        "folderUID": folder_uid,
        "condition": "threshold",
        "data": [
            {"refId": "query", "relativeTimeRange": {"from": 600, "to": 0},
             "datasourceUid": datasource_uid,
             "model": {"refId": "query", "expr": alert["expr"], "instant": True, "range": False,
                       "datasource": {"type": "prometheus", "uid": datasource_uid},
                       **_QUERY_DEFAULTS}},
            _expression("prometheus_math", {
                "type": "math",
                "expression": "is_number($query) || is_nan($query) || is_inf($query)"}),
            _expression("threshold", {
                "type": "threshold", "expression": "prometheus_math",
                "conditions": [{"evaluator": {"type": "gt", "params": [0]}}]}),
        ],
        "noDataState": "OK",  # Prometheus: no series, no alert
        "execErrState": "Error",  # a failing query shows as an error, not as silence
        "for": alert.get("for", "0s"),
        "labels": dict(alert.get("labels") or {}),
        "annotations": dict(alert.get("annotations") or {}),
        "isPaused": False,
    }


def _expression(ref_id: str, model: dict) -> dict:
    return {"refId": ref_id, "queryType": model["type"], "relativeTimeRange": {"from": 0, "to": 0},
            "datasourceUid": EXPRESSIONS,
            "model": {"refId": ref_id, "datasource": {"type": EXPRESSIONS, "uid": EXPRESSIONS},
                      **model, **_QUERY_DEFAULTS}}


# --- comparing -------------------------------------------------------------------------------

def normalize_group(group: dict) -> dict:
    """A rule group (as sent, or as GET returns it) without what Grafana adds (ids, provenance,
    `updated`, query defaults), `for` in seconds, and without the hash annotation."""
    return {"title": group.get("title"), "folderUid": group.get("folderUid"),
            "interval": int(group.get("interval") or 0),
            "rules": [normalize_rule(rule) for rule in group.get("rules") or []]}


def normalize_rule(rule: dict) -> dict:
    out = {key: rule.get(key) for key in _RULE_FIELDS}
    out["isPaused"] = bool(out["isPaused"])
    out["for"] = durations.parse(rule.get("for") or "0s")
    # In seconds, as `for`; absent when zero, which 12+ answers as "0s" for every rule and which
    # leaves the hash of a group without it as before the field was sent
    keep = durations.parse(rule.get("keep_firing_for") or "0s")
    if keep:
        out["keep_firing_for"] = keep
    out["labels"] = dict(rule.get("labels") or {})
    out["annotations"] = {k: v for k, v in (rule.get("annotations") or {}).items()
                          if k not in _MARKERS}
    out["data"] = [_normalize_query(query) for query in rule.get("data") or []]
    return out


def _normalize_query(query: dict) -> dict:
    model = {k: v for k, v in (query.get("model") or {}).items()
             if _QUERY_DEFAULTS.get(k, object()) != v}
    return {"refId": query.get("refId"), "queryType": query.get("queryType") or "",
            "relativeTimeRange": query.get("relativeTimeRange"),
            "datasourceUid": query.get("datasourceUid"), "model": model}


def group_hash(group: dict, editable: bool) -> str:
    return content_hash({"group": normalize_group(group), "editable": editable})


def live_group_hash(group: dict) -> str:
    """group_hash of a group as Grafana returns it: editable when its rules have provenance none."""
    provenance = next((rule.get("provenance") or "" for rule in group.get("rules") or []), "")
    return group_hash(group, editable=not provenance)


def recorded_group(group: dict) -> Recorded | None:
    """What dashsmith's annotations record, or None if the group carries no marker."""
    for rule in group.get("rules") or []:
        annotations = rule.get("annotations") or {}
        if annotations.get(HASH_ANNOTATION):  # releases before projects wrote no project
            return Recorded(annotations[HASH_ANNOTATION], annotations.get(PROJECT_ANNOTATION))
    return None


# --- Prometheus rule files -------------------------------------------------------------------

def recording_rules_only(rule_files: dict[str, dict]) -> dict[str, dict]:
    """The rule files with the alerting rules taken out (and groups left empty dropped): what
    Prometheus keeps when Grafana evaluates the alerts."""
    out = {}
    for name, data in rule_files.items():
        groups = []
        for group in data["groups"]:
            records = [rule for rule in group["rules"] if "record" in rule]
            if records:
                groups.append({**group, "rules": records})
        if groups:
            out[name] = {"groups": groups}
    return out
