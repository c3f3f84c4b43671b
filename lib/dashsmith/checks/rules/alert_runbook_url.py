from __future__ import annotations

import functools
import os
import re
from urllib.parse import unquote, urlsplit

from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Severity


class AlertRunbookUrl(Rule):
    """An alert has no runbook_url annotation, or it links a section its runbook lacks.

    dashsmith sets runbook_url for declared alerts from the `runbook_url` setting plus the
    alert's anchor (its name in lower case, or `runbook=`); rule files written by hand need it
    too, so the person paged knows what to do. Where the runbook is a Markdown file of the
    project (a path, or a URL whose path ends with one: a repository's docs/runbook.md), the
    anchor must be one of its headings, as GitHub makes them (`### AIErrorRatioHigh` is
    `#aierrorratiohigh`), or an explicit `<a id="...">`.

    Anti-pattern:
        annotations: {summary: "Disk full."}
        annotations: {summary: "Disk full.", runbook_url: "docs/runbook.md#no-such-section"}

    Best practice:
        annotations: {summary: "Disk full.", runbook_url: "https://.../runbook.md#diskfull"}
    """

    id = "alert/runbook-url"
    severity = Severity.WARNING

    def rule(self, rule, context):
        if not rule.is_alert:
            return
        url = rule.annotation("runbook_url")
        if not url:
            yield self.problem(f"alert '{rule.name}' has no runbook_url: link the runbook "
                               "section for it", rule.source)
            return
        found = _runbook(str(url), context.root)
        if found is None:
            return
        path, anchor, anchors = found
        if anchor and anchor not in anchors:
            how = ("add a heading for it, or name an existing section with runbook="
                   if not rule.external else "add a heading for it, or link an existing one")
            yield self.problem(f"alert '{rule.name}' links section '#{anchor}' of {path}, which "
                               f"has no such heading: {how}", rule.source)


def _runbook(url: str, root: str | None) -> tuple[str, str, frozenset[str]] | None:
    """(the project's file, the anchor, the file's anchors) when `url` links a Markdown file
    of the project at `root`; None when it links something else (a wiki, another site). A
    URL is a project's file only inside a project: outside one (a vendored mixin's rules), a
    runbook.md that happens to be at hand is no evidence; a relative path is one."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path.endswith((".md", ".markdown")) or (parts.scheme and root is None):
        return None
    root = root or os.getcwd()
    full = _project_file(path, bool(parts.scheme), root)
    if full is None:
        return None
    return (os.path.relpath(full, root), unquote(parts.fragment).lower(),
            _anchors(full, os.path.getmtime(full)))


@functools.lru_cache(maxsize=256)
def _project_file(path: str, is_url: bool, root: str) -> str | None:
    """The file of the project a runbook link's path names (asked once per path: a rule file
    links one runbook from every alert). A URL's path names it under the repository's own
    prefix (…/blob/main/docs/x.md): the longest of its tails that is a file of the project."""
    segments = [s for s in path.split("/") if s]
    candidates = ([] if is_url else [path]) + \
        ["/".join(segments[index:]) for index in range(len(segments))]
    for candidate in candidates:
        full = candidate if os.path.isabs(candidate) else os.path.join(root, candidate)
        if os.path.isfile(full):
            return os.path.abspath(full)
    return None


_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_EXPLICIT = re.compile(r"""<a\s+(?:name|id)=["']([^"']+)["']|\{#([\w-]+)\}""")


@functools.lru_cache(maxsize=16)
def _anchors(path: str, mtime: float) -> frozenset[str]:
    """The anchors of a Markdown file's headings as GitHub makes them (lower case, spaces to
    hyphens, punctuation dropped, a repeated heading numbered), and explicit anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    in_code = False
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        found.update(a.lower() for pair in _EXPLICIT.findall(line) for a in pair if a)
        heading = _HEADING.match(line) if not in_code else None
        if heading is None:
            continue
        text = re.sub(r"[`*]|<[^>]+>|\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))
        anchor = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        number = seen.get(anchor, 0)
        seen[anchor] = number + 1
        found.add(anchor if number == 0 else f"{anchor}-{number}")
    return frozenset(found)
