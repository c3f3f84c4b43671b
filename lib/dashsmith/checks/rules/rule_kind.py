from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import rule_kind


class RuleKind(Rule):
    """A rule is neither an alerting rule nor a recording rule (or both), or has no name.

    Each entry of a group's rules is an alert (`alert:`, or Alert(...) in Python) or a record
    (`record:`, Record(...)) with a name; Prometheus refuses to load a file with any other.

    Anti-pattern:
        {"name": "HighErrorRate", "expr": "..."}

    Best practice:
        {"alert": "HighErrorRate", "expr": "...", "for": "5m"}
    """

    id = "rule/kind"
    structural = True

    def rule_file(self, doc, context):
        for group in doc.groups:
            for index, (entry, source) in enumerate(group.entries, start=1):
                message = _what_is_wrong(entry, f"rule #{index} of group '{group.name}'")
                if message:
                    yield self.problem(message, source)


def _what_is_wrong(entry, where: str) -> str | None:
    if not isinstance(entry, dict):
        return f"{where} is {_describe(entry)}, not an alerting or recording rule"
    if ("alert" in entry) == ("record" in entry):
        keys = "both 'alert' and 'record'" if "alert" in entry else "neither 'alert' nor 'record'"
        return f"{where} has {keys}"
    if rule_kind(entry) is None:
        key = "alert" if "alert" in entry else "record"
        return f"{where} has an empty '{key}': name the {_NAMED[key]}"
    return None


_NAMED = {"alert": "alert", "record": "series it records"}


def _describe(entry) -> str:
    if entry is None:
        return "empty"
    if isinstance(entry, str):
        return f"the text {entry!r}"
    return f"a {type(entry).__name__}"
