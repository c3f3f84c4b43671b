from __future__ import annotations

import functools
import os
import re
from urllib.parse import unquote, urlsplit

from dashsmith.checks.rule import Rule
from dashsmith.model import settings
from dashsmith.model.problems import Severity


class AlertRunbookUrl(Rule):
    """An alert has no runbook_url annotation, or it links a section its runbook lacks.

    dashsmith sets runbook_url for declared alerts from the `runbook_url` setting plus the
    alert's anchor (its name in lower case, or `runbook=`); rule files written by hand need it
    too, so the person paged knows what to do. Where the runbook is a Markdown file of the
    project (a relative path, or a URL into the project's own repository: the one its
    `runbook_url` setting or its git remote names), the anchor must be one of its headings, as
    GitHub makes them (`### AIErrorRatioHigh` is `#aierrorratiohigh`), or an explicit
    `<a id="...">`. A link into another repository (a mixin's runbooks) is not checked against
    the project's files.

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
    of the project at `root`; None when it links something else (a wiki, another site,
    another repository). A URL is a project's file only inside a project, and only when it
    points into the project's own repository: a README.md of prometheus-operator/runbooks is
    not the project's README.md. A relative path is the project's."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    is_url = bool(parts.scheme or parts.netloc)
    if not path.endswith((".md", ".markdown")) or (is_url and root is None):
        return None
    root = root or os.getcwd()
    if is_url and not _is_own(parts, root, _mtime(os.path.join(root, "setup.cfg"))):
        return None
    full = _project_file(path, is_url, root)
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


# Where a forge's file URL leaves the repository for a ref and a path: GitHub's and Gitea's
# /blob/<ref>/, /tree/, /raw/, Gitea's and Bitbucket's /src/, GitLab's /-/blob/.
_FORGE_MARKERS = frozenset({"blob", "tree", "raw", "src", "-"})


def _is_own(parts, root: str, setup_mtime: float) -> bool:
    """Whether an absolute URL points into the project's own repository or runbook site."""
    where = _location(parts.netloc, parts.path)
    return any(where.startswith(prefix) for prefix in _own_prefixes(root, setup_mtime))


@functools.lru_cache(maxsize=16)
def _own_prefixes(root: str, setup_mtime: float) -> tuple[str, ...]:
    """The `host/path/` prefixes of URLs into the project: its repository (or, for a site
    that is no forge, the runbook's directory) as the `runbook_url` setting names it, which
    is what dashsmith writes into declared alerts; and its git remotes' repositories."""
    import configparser  # here: asked only within a project

    prefixes = []
    try:
        runbook_url = settings.load(root).runbook_url
    except (settings.SettingsError, configparser.Error):
        runbook_url = ""
    parts = urlsplit(runbook_url)
    if parts.netloc:
        prefixes.append(_repository(parts.netloc, parts.path)
                        or _location(parts.netloc, parts.path.rsplit("/", 1)[0]).rstrip("/") + "/")
    for remote in _remotes(root):
        found = _remote_repository(remote)
        if found:
            prefixes.append(found)
    return tuple(prefixes)


def _location(host: str, path: str) -> str:
    host = host.rsplit("@", 1)[-1].lower()
    return f"{host}/{unquote(path).strip('/').lower()}"


def _repository(host: str, path: str) -> str | None:
    """`host/owner/name/` of a forge's file URL (the segments before /blob/, /-/blob/, ...);
    None for a URL that has no such marker."""
    segments = [s for s in unquote(path).split("/") if s]
    for index, segment in enumerate(segments):
        if segment in _FORGE_MARKERS and index >= 2:
            return _location(host, "/".join(segments[:index]).removesuffix(".git")) + "/"
    return None


def _remote_repository(remote: str) -> str | None:
    """`host/owner/name/` of a git remote: https://github.com/o/r.git,
    ssh://git@github.com/o/r.git or the scp-like git@github.com:o/r.git."""
    parts = urlsplit(remote)
    if parts.netloc:
        host, path = parts.hostname or "", parts.path
    elif re.match(r"^[\w.-]+@[\w.-]+:", remote):
        host, path = remote.split("@", 1)[1].split(":", 1)
    else:
        return None  # a local path
    path = path.strip("/").removesuffix(".git")
    return _location(host, path) + "/" if host and path.count("/") >= 1 else None


def _remotes(root: str) -> list[str]:
    """The URLs of the git remotes of the repository holding `root` (none outside one)."""
    import subprocess  # here: asked only within a project, and lint of files starts faster

    try:
        result = subprocess.run(
            ["git", "-C", root, "config", "--get-regexp", r"^remote\..*\.url$"],
            capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.split(None, 1)[1] for line in result.stdout.splitlines() if " " in line]


def _mtime(path: str) -> float:
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0.0


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
