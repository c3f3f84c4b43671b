"""The report as a pull-request comment (GitHub-flavoured Markdown).

Each changed dashboard is a section with one bullet per panel, variable and query change;
long values are named in the bullet (only the words that differ) and shown whole as a
```diff block in a collapsed <details> after the list. A long list is collapsed too.

A comment has to fit GitHub's limit (65,536 characters; the API refuses a longer body). A
report that does not fit is shortened as tfcmt and Atlantis shorten a plan, one step at a time
until it fits, and says what it left out: first the whole values of long fields go, then each
dashboard's list becomes one summary line, from the last dashboard up, then the last sections
are dropped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from dashsmith.compare.changes import ADDED, REMOVED, Diff, FieldChange, Report, where
from dashsmith.compare.wording import (
    SYMBOLS,
    changed_parts,
    heading,
    is_long,
    show,
    summary_line,
)

MARKER = "<!-- dashsmith-diff -->"  # lets a CI job find and update its earlier comment
# GitHub's limit on a comment body is 65,536 characters; below it, room for the lines a CI job
# adds (the link to the pictures).
MAX_CHARS = 65_000
COLLAPSE_OVER = 15  # list lines; a longer list goes inside <details>
_CHANGED_PART = 40  # characters of the differing words shown in a bullet
# A field's bullet, and the diff blocks of its long values that follow the list.
_Item = tuple[str, list[str]]


@dataclass(frozen=True)
class Preview:
    """A dashboard's layout picture before and after the change: URLs when `linked`, else
    file names (in the CI artifact holding the pictures); or the `page` showing both."""

    before: str | None = None
    after: str | None = None
    linked: bool = True
    page: str | None = None


# How much of each section a comment holds, from all to least.
FULL, NO_VALUES, OUTLINE = "full", "no values", "outline"


def render(report: Report, previews: dict[str, Preview] | None = None,
           max_chars: int = MAX_CHARS) -> str:
    """The comment, at most `max_chars` long (shortened as the module says)."""
    previews = previews or {}
    head = [MARKER, f"### Monitoring changes: {_code(report.base)} → {_code(report.head)}", ""]
    if not report:
        return "\n".join(head + ["No changes to dashboards or alert rules."]) + "\n"
    head += [f"**{summary_line(report)}**", ""]
    text = _joined(head, _sections(report, previews, FULL))
    if len(text) <= max_chars:
        return text
    # Sections without their long values, as many as fit, the rest as one line each; then, if
    # even that is too long, the last sections dropped.
    detailed = _sections(report, previews, NO_VALUES)
    outlined = _sections(report, previews, OUTLINE)
    for kept in range(len(detailed), -1, -1):
        note = _left_out(outlined=len(detailed) - kept, cut=0)
        text = _joined(head + note, detailed[:kept] + outlined[kept:])
        if len(text) <= max_chars:
            return text
    for shown in range(len(outlined) - 1, -1, -1):
        note = _left_out(outlined=shown, cut=len(outlined) - shown)
        text = _joined(head + note, outlined[:shown])
        if len(text) <= max_chars:
            return text
    return text


def _sections(report: Report, previews: dict[str, Preview], detail: str) -> list[list[str]]:
    """The report's parts in order, one per dashboard, then the rules: at each detail, the
    same parts."""
    sections = [_dashboard(diff, previews.get(diff.name), detail) for diff in report.dashboards]
    if report.rules:
        rules = [_outline_line(rule) for rule in report.rules] + [""] if detail == OUTLINE \
            else _section(report.rules, detail=detail)
        sections.append(["#### Alert and recording rules", "", *rules])
    if not report.rules_compared:
        sections.append([f"_Alert and recording rules are not compared with {report.base}._",
                         ""])
    return sections


def _joined(head: list[str], sections: list[list[str]]) -> str:
    return "\n".join(head + [line for section in sections for line in section]) + "\n"


def _left_out(outlined: int, cut: int) -> list[str]:
    """The note on a shortened comment: what is not in it, and where to see it whole."""
    gone = ["the whole values of long fields (queries, descriptions)"]
    if outlined:
        gone.append(f"the changes inside the last {outlined} sections (one line each below)")
    if cut:
        gone.append(f"the last {cut} sections altogether")
    return [f"> [!NOTE]\n> Shortened to fit a GitHub comment: left out are {_listed(gone)}. "
            "The whole report is in the CI job's summary, and `dashsmith diff` on the branch "
            "prints it.", ""]


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _dashboard(diff: Diff, preview: Preview | None, detail: str = FULL) -> list[str]:
    symbol = SYMBOLS[diff.status]
    out = [f"#### {symbol} Dashboard **{_text(diff.title)}** ({_code(diff.name)}) {diff.status}",
           ""]
    facts = [_code(where(diff.source))] if diff.source else []
    if diff.summary:
        facts.insert(0, _text(diff.summary))
    if preview:
        facts.append(_preview_links(preview))
    if facts:
        out += [" · ".join(facts), ""]
    if diff.status == REMOVED:
        return out
    if detail == OUTLINE:
        return out + [f"_{_tally(list(diff.fields) + list(diff.children))} with changes, "
                      "left out to fit the comment_", ""]
    path = [f"dashboard {diff.name}"]
    items = [_field_item(change, path, 0) for change in diff.fields]
    # A new dashboard's panel list is there to look up, not to read: always collapsed.
    return out + _section(items + list(diff.children), path, collapse=diff.status == ADDED,
                          detail=detail)


def _outline_line(diff: Diff) -> str:
    line = f"- {SYMBOLS[diff.status]} {diff.kind} **{_text(diff.name)}** {diff.status}"
    return line + (f" · {_code(where(diff.source))}" if diff.source else "")


def _section(entries: Sequence[_Item | Diff], path: Sequence[str] = (),
             collapse: bool = False, detail: str = FULL) -> list[str]:
    """A bullet list of field items (already text) and entities, then the diff blocks of its
    long values (left out below FULL detail); collapsed when long."""
    lines: list[str] = []
    blocks: list[str] = []
    for entry in entries:
        if isinstance(entry, Diff):
            _entity(entry, list(path), 0, lines, blocks)
        else:
            line, block = entry
            lines.append(line)
            blocks += block
    if collapse or len(lines) > COLLAPSE_OVER:
        lines = [f"<details><summary>{_tally(entries)}</summary>", ""] + lines + \
                ["", "</details>"]
    return lines + [""] + (blocks if detail == FULL else [])


def _tally(entries: Sequence[_Item | Diff | FieldChange]) -> str:
    """'2 variables, 3 rows, 9 panels' for what a collapsed list holds."""
    kinds: dict[str, int] = {}
    for entry in entries:
        kind = entry.kind if isinstance(entry, Diff) else "field"
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in kinds.items())


def _entity(diff: Diff, path: list[str], depth: int, lines: list[str],
            blocks: list[str]) -> None:
    indent = "  " * depth
    name = f"{diff.kind} **{_text(diff.name)}**" if diff.kind != "dashboard" else heading(diff)
    line = f"{indent}- {SYMBOLS[diff.status]} {name}"
    if diff.summary:
        line += f": {_code(_one_line(diff.summary))}"
    if diff.source:
        line += f" · {_code(where(diff.source))}"
    lines.append(line)
    path = path + [f"{diff.kind} {diff.name}"]
    for change in diff.fields:
        text, block = _field_item(change, path, depth + 1, diff.status == ADDED)
        lines.append(text)
        blocks += block
    for child in diff.children:
        _entity(child, path, depth + 1, lines, blocks)


def _field_item(change: FieldChange, path: list[str], depth: int,
                added: bool = False) -> _Item:
    indent = "  " * depth
    name = f"{indent}- {_text(change.field)}"
    if added:
        return f"{name}: {_code(_one_line(show(change.new)))}", []
    if is_long(change.old, change.new):
        removed, inserted = changed_parts(str(change.old), str(change.new))
        text = (f"{name} changed: {_code(_clip(removed) or '…')} → "
                f"{_code(_clip(inserted) or '…')}")
        return text, _diff_block(_where(path, change), str(change.old), str(change.new))
    return f"{name}: {_code(show(change.old))} → {_code(show(change.new))}", []


def _where(path: list[str], change: FieldChange) -> str:
    return " / ".join(path + [change.field])


def _diff_block(title: str, old: str, new: str) -> list[str]:
    body = [f"-{line}" for line in old.splitlines()] + [f"+{line}" for line in new.splitlines()]
    fence = "````" if any("```" in line for line in body) else "```"
    return [f"<details><summary>{html.escape(title)}</summary>", "", f"{fence}diff", *body, fence,
            "", "</details>", ""]


def _preview_links(preview: Preview) -> str:
    if preview.page:
        return f"[pictures before and after]({preview.page})"
    shown = [(label, where) for label, where in (("before", preview.before),
                                                  ("after", preview.after)) if where]
    if preview.linked:
        return "preview: " + " · ".join(f"[{label}]({where})" for label, where in shown)
    return "preview: " + " · ".join(f"{label} {_code(where)}" for label, where in shown)


def _clip(text: str) -> str:
    text = _one_line(text)
    return text if len(text) <= _CHANGED_PART else text[: _CHANGED_PART - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _code(text: str) -> str:
    """Inline code that survives backticks in the value."""
    text = str(text)
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _text(text: str) -> str:
    """Plain Markdown text with the characters that would format it escaped."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in str(text))
