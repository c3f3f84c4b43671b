"""Words and values as every report format shows them."""

from __future__ import annotations

import difflib
import re

from dashsmith.compare.changes import ADDED, CHANGED, REMOVED, Diff, Report

SYMBOLS = {ADDED: "+", REMOVED: "-", CHANGED: "~"}
LONG = 30  # longer values (and any with a newline) get an inline diff instead of old → new
# Numbers and durations ('0.95', '5m') are one word each.
_TOKEN = re.compile(r"\d+(?:\.\d+)?\w*|\w+|\s+|[^\w\s]")


def show(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) if value else "[]"
    return str(value)


def is_long(old: object, new: object) -> bool:
    """Both are text and one is long: worth a word diff rather than old → new."""
    return isinstance(old, str) and isinstance(new, str) and bool(old) and bool(new) \
        and any(len(v) > LONG or "\n" in v for v in (old, new))


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces, op '=' kept, '-' removed, '+' added; compared word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def changed_parts(old: str, new: str) -> tuple[str, str]:
    """Only what differs, e.g. ('0.95', '0.99'), for a one-line mention of a long change."""
    pieces = word_diff(old, new)
    removed = " … ".join(text.strip() for op, text in pieces if op == "-" and text.strip())
    added = " … ".join(text.strip() for op, text in pieces if op == "+" and text.strip())
    return removed, added


def heading(diff: Diff) -> str:
    """'panel "Latency P95"', 'dashboard ai-llm "AI / LLM"', 'alert HighErrorRate'."""
    if diff.kind == "dashboard":
        return f'dashboard {diff.name} "{diff.title}"'
    if diff.kind in ("panel", "row"):
        return f'{diff.kind} "{diff.name}"'
    return f"{diff.kind} {diff.name}"


def summary_line(report: Report) -> str:
    """'1 dashboard changed (2 panels changed, 1 added), 3 rules changed'"""
    counts = report.counts()
    parts = []
    if counts["dashboards"]:
        text = _counted("dashboard", counts["dashboards"])
        if counts["panels"]:
            text += f" ({_counted('panel', counts['panels'])})"
        parts.append(text)
    if counts["rules"]:
        parts.append(_counted("rule", counts["rules"]))
    return ", ".join(parts) if parts else "no changes"


def _counted(noun: str, counts: dict[str, int]) -> str:
    words: list[str] = []
    for status in (CHANGED, ADDED, REMOVED):
        if status in counts:
            n = counts[status]
            words.append(f"{n} {status}" if words
                         else f"{n} {noun}{'' if n == 1 else 's'} {status}")
    return ", ".join(words)
