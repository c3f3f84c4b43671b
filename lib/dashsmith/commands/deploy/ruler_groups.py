"""dashsmith's rule groups in a ruler: their namespaces, their marks, and comparing them.

One namespace per rule file (per alerts module): `<project>:<file>`. The namespace says which
project deployed a group (a project name has no ':'), so a deploy lists, updates and prunes
only groups in its own namespaces, never another project's or anything deployed by hand.

A ruler keeps a group as Prometheus's rule format, which has no place for a note on the group;
so, as for Grafana-managed rules (deploy/alerting.py), every alerting rule carries two
annotations: the project and the hash of the group as deployed (without these annotations).
A group whose content no longer has that hash was changed in the ruler since: drift. A group of
recording rules only has no annotation to carry them (a label would change the series it
records): it is compared by content alone, and a difference is the code's to write.

The comparison is on what the ruler gives back (pkg/ruler/rulespb FromProto: durations as
Prometheus prints them, empty fields left out), so a group read back as it was sent is equal.
"""

from __future__ import annotations

from dashsmith.commands.deploy.alerting import HASH_ANNOTATION, PROJECT_ANNOTATION
from dashsmith.grafana.content import content_hash
from dashsmith.model import durations

SEPARATOR = ":"
_MARKERS = (HASH_ANNOTATION, PROJECT_ANNOTATION)
_DURATIONS = ("for", "keep_firing_for")


def namespace(project: str, file: str) -> str:
    return f"{project}{SEPARATOR}{file}"


def owned(project: str, name: str) -> bool:
    return name.startswith(project + SEPARATOR)


def normalized(group: dict) -> dict:
    """The group as a ruler gives it back, without dashsmith's annotations."""
    out: dict = {"name": group["name"]}
    if group.get("interval"):
        out["interval"] = durations.format(durations.parse(str(group["interval"])))
    out["rules"] = [_rule(rule) for rule in group.get("rules") or []]
    return out


def _rule(rule: dict) -> dict:
    out: dict = {}
    for key in ("record", "alert"):
        if rule.get(key):
            out[key] = str(rule[key])
    out["expr"] = str(rule.get("expr", "")).strip()
    for key in _DURATIONS:
        if rule.get(key) and durations.parse(str(rule[key])):
            out[key] = durations.format(durations.parse(str(rule[key])))
    if rule.get("labels"):
        out["labels"] = {str(k): str(v) for k, v in sorted(rule["labels"].items())}
    annotations = {str(k): str(v) for k, v in sorted((rule.get("annotations") or {}).items())
                   if k not in _MARKERS}
    if annotations:
        out["annotations"] = annotations
    return out


def group_hash(group: dict) -> str:
    return content_hash(normalized(group))


def marked(group: dict, project: str) -> dict:
    """The group as deploy sends it: normalized, each alerting rule with the two marks."""
    body = normalized(group)
    digest = content_hash(body)
    for rule in body["rules"]:
        if "alert" in rule:
            rule["annotations"] = {**rule.get("annotations", {}), PROJECT_ANNOTATION: project,
                                   HASH_ANNOTATION: digest}
    return body


def recorded(group: dict) -> tuple[str, str] | None:
    """(project, hash) the group's alerting rules carry, if they carry dashsmith's marks."""
    for rule in group.get("rules") or []:
        annotations = rule.get("annotations") or {}
        if "alert" in rule and HASH_ANNOTATION in annotations:
            return str(annotations.get(PROJECT_ANNOTATION, "")), str(annotations[HASH_ANNOTATION])
    return None
