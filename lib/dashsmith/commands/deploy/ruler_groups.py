"""dashsmith's rule groups in a ruler: their namespaces, their marks, and comparing them.

One namespace per rule file (per alerts module): `<project>:<file>`. The namespace says which
project deployed a group (a project name has no ':'), so a deploy lists, updates and prunes
only groups in its own namespaces, never another project's or anything deployed by hand.

A ruler keeps a group as Prometheus's rule format, which has no place for a note on the group;
so, as for Grafana-managed rules (deploy/alerting.py), every alerting rule carries two
annotations: the project and the hash of the group as deployed (without these annotations).
A group whose content no longer has that hash was changed in the ruler since: drift.

A recording rule may not carry annotations (Prometheus's rulefmt: "invalid field 'annotations'
in recording rule") and a label would change the series it records, so a group of recording
rules only carries the same two marks in a comment ending its first rule's expression:

    expr: sum by (job) (rate(x_total[5m]))
      # dashsmith_project=trading-platform dashsmith_hash=<sha256>

PromQL and LogQL skip a comment from '#' to the end of the line, so the ruler evaluates the
expression as written, and its configuration API gives the expression back as it was set
(rulespb keeps `expr` as the string sent), comment and all. A recording-only group in this
project's namespace without the comment was set before dashsmith wrote it (or by hand): the
code's to write, and it carries the marks from then on.

The comparison is on what the ruler gives back (pkg/ruler/rulespb FromProto: durations as
Prometheus prints them, empty fields left out), so a group read back as it was sent is equal.
"""

from __future__ import annotations

import re

from dashsmith.commands.deploy.alerting import HASH_ANNOTATION, PROJECT_ANNOTATION
from dashsmith.grafana.content import content_hash
from dashsmith.model import durations

SEPARATOR = ":"
_MARKERS = (HASH_ANNOTATION, PROJECT_ANNOTATION)
_DURATIONS = ("for", "keep_firing_for")
# the marks' comment at the end of an expression (see above)
_MARK_COMMENT = re.compile(r"\s*#\s*" + PROJECT_ANNOTATION + r"=(\S*)\s+" + HASH_ANNOTATION
                           + r"=([0-9a-f]{64})\s*$")


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
    out["expr"] = expression(rule)
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


def expression(rule: dict) -> str:
    """The rule's expression without the marks' comment."""
    return _MARK_COMMENT.sub("", str(rule.get("expr", ""))).strip()


def marked(group: dict, project: str) -> dict:
    """The group as deploy sends it: normalized, each alerting rule with the two marks, or (a
    group of recording rules only) the marks' comment after its first expression."""
    body = normalized(group)
    digest = content_hash(body)
    alerting = [rule for rule in body["rules"] if "alert" in rule]
    for rule in alerting:
        rule["annotations"] = {**rule.get("annotations", {}), PROJECT_ANNOTATION: project,
                               HASH_ANNOTATION: digest}
    if body["rules"] and not alerting:
        first = body["rules"][0]
        first["expr"] = (f"{first['expr']}\n# {PROJECT_ANNOTATION}={project} "
                         f"{HASH_ANNOTATION}={digest}")
    return body


def recorded(group: dict) -> tuple[str, str] | None:
    """(project, hash) the group carries, if it carries dashsmith's marks (on its alerting
    rules, or in the comment of a recording-only group's first expression)."""
    rules = group.get("rules") or []
    for rule in rules:
        annotations = rule.get("annotations") or {}
        if "alert" in rule and HASH_ANNOTATION in annotations:
            return str(annotations.get(PROJECT_ANNOTATION, "")), str(annotations[HASH_ANNOTATION])
    if rules and not any("alert" in rule for rule in rules):
        found = _MARK_COMMENT.search(str(rules[0].get("expr", "")))
        if found:
            return found.group(1), found.group(2)
    return None
