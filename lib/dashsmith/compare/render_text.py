"""The report for a terminal: one line per change, nested by dashboard, panel and query.
Long values show a word diff inline: [-removed-]{+added+}. Colour comes from click.style;
click.echo drops it when the output is not a terminal."""

from __future__ import annotations

import click

from dashsmith.compare.changes import ADDED, Diff, FieldChange, Report, where
from dashsmith.compare.wording import SYMBOLS, heading, is_long, show, summary_line, word_diff

INDENT = "  "
COLOURS = {"+": "green", "-": "red", "~": "yellow"}


def render(report: Report) -> str:
    if not report:
        # Said, not left silent, as `terraform plan` does: an empty output reads as a failure.
        compared = "dashboards and alert rules" if report.rules_compared else "dashboards"
        return f"No changes. The {compared} in {report.base} and {report.head} are the same.\n"
    lines = [f"dashsmith diff: {report.base} → {report.head}"]
    for diff in report.dashboards:
        lines += _entity(diff, 0)
    for diff in report.rules:
        lines += _entity(diff, 0)
    if not report.rules_compared:
        lines.append(f"(alert and recording rules are not compared with {report.base})")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def details(diff: Diff, indent: str) -> list[str]:
    """What changed inside `diff` (its fields, then its panels, variables and queries), each
    line after `indent`: for a report that has its own line for the entity (deploy's plan)."""
    lines = [_field(change, 0, diff.status == ADDED) for change in diff.fields]
    for child in diff.children:
        lines += _entity(child, 0)
    return [indent + line.replace("\n", "\n" + indent) for line in lines]


def _entity(diff: Diff, depth: int) -> list[str]:
    symbol = SYMBOLS[diff.status]
    text = f"{INDENT * depth}{click.style(symbol, fg=COLOURS[symbol])} {heading(diff)}"
    if diff.summary:
        text += f": {_multiline(diff.summary, depth + 1)}"
    if diff.source:
        text += click.style(f"  {where(diff.source)}", dim=True)
    lines = [text]
    lines += [f"{INDENT * (depth + 1)}{_field(change, depth + 1, diff.status == ADDED)}"
              for change in diff.fields]
    for child in diff.children:
        lines += _entity(child, depth + 1)
    return lines


def _field(change: FieldChange, depth: int, added: bool) -> str:
    if added:
        return f"{change.field}: {_multiline(show(change.new), depth)}"
    if is_long(change.old, change.new):
        return f"{change.field}: {_multiline(inline_diff(str(change.old), str(change.new)), depth)}"
    return f"{change.field}: {show(change.old)} → {show(change.new)}"


def inline_diff(old: str, new: str) -> str:
    out = []
    for op, text in word_diff(old, new):
        if op == "-":
            out.append(click.style(f"[-{text}-]", fg="red"))
        elif op == "+":
            out.append(click.style(f"{{+{text}+}}", fg="green"))
        else:
            out.append(text)
    return "".join(out)


def _multiline(text: str, depth: int) -> str:
    return text.replace("\n", "\n" + INDENT * (depth + 1))

