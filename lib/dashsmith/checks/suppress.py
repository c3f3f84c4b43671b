"""Turning rules off, always with a reason, and saying when that is no longer needed. lint and
verify honour the same suppressions (rules.lint_config.HONOURED_BY), each for the ids it
reports.

For the whole project, in setup.cfg:

    [dashsmith.lint]
    disable =
        promql/regexp: exporters name jobs by pattern

For one declaration, a comment on its line or the line above (also in YAML rule files):

    # dashsmith: disable=panel/description,panel/unit -- a heading panel, no data

A rule may be a pattern (`catalog/*`: every rule of the namespace it can turn off). For the
files under a path, with `disable-in` (paths relative to the project, `**` any depth): how
content from elsewhere (vendored mixins, exported dashboards, JSON having no comments) is
marked as such:

    [dashsmith.lint]
    disable-in =
        vendor/**: catalog/*, panel/description -- vendored mixins: their metrics, their style

A suppression without a reason, of an unknown rule, of a structural rule or of a rule that
only other commands report (deploy's) is a `lint/config` error, which lint reports; one that
suppresses nothing is a `lint/unused-suppression` warning, from the command that reports the
rule it turns off.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field

from dashsmith.checks import pysource, registry
from dashsmith.checks.context import LINT_SECTION
from dashsmith.checks.registry import named
from dashsmith.checks.rules import alert_severity, promql_version
from dashsmith.checks.rules.lint_config import LintConfig
from dashsmith.checks.rules.lint_unused_suppression import UnusedSuppression
from dashsmith.model.problems import Problem
from dashsmith.model.settings import DIRECTORIES
from dashsmith.model.source import Source

SECTION = LINT_SECTION
IN_PATHS = "disable-in"  # [dashsmith.lint] disable-in = PATH: RULE[, RULE] -- reason
_IN_PATHS_ENTRY = re.compile(r"^(?P<paths>[^:]+?)\s*:\s*(?P<ids>[\w/\-*?]+(?:\s*,\s*[\w/\-*?]+)*)"
                             r"\s*(?:--\s*(?P<reason>.*))?$")
# [dashsmith.lint]'s settings besides `disable`
SETTINGS = (alert_severity.SETTING, promql_version.SETTING)
_COMMENT = re.compile(r"#\s*dashsmith\s*:\s*(?P<body>.*?)\s*$")
_DISABLE = re.compile(r"^disable\s*=\s*(?P<ids>[\w/\-*?]+(?:\s*,\s*[\w/\-*?]+)*)\s*"
                      r"(?:--\s*(?P<reason>.*))?$")


@dataclass
class Suppression:
    rules: tuple[str, ...]
    source: Source  # where it is written
    file: str | None = None  # None: the whole project
    used: set[str] = field(default_factory=set)
    # As written, when it is more than one id: a pattern (`catalog/*`) is unused only when none
    # of its rules finds anything, and is reported once, as written.
    written: tuple[str, ...] = ()
    paths: re.Pattern[str] | None = None  # disable-in: the files it covers
    root: str = ""  # what `paths` are relative to

    def covers(self, problem: Problem) -> bool:
        if problem.rule not in self.rules:
            return False
        if self.paths is not None:
            path = os.path.relpath(os.path.abspath(problem.source.file), self.root)
            return bool(self.paths.match(path.replace(os.sep, "/")))
        if self.file is None:
            return True
        source = problem.source
        # A finding at a character of a query inside a call's arguments is also on the
        # declaring call's line, where the comment goes.
        lines = {source.line, pysource.declaring_line(source)}
        return (bool(lines & {self.source.line, self.source.line + 1})
                and os.path.abspath(source.file) == self.file)


def of_project(settings, problems: list[Problem]) -> list[Suppression]:
    """setup.cfg's suppressions and the comments in the declaration modules (and in any file
    one of `problems` is in). A malformed one is left out, and added to `problems` as a
    lint/config finding."""
    return project(settings, problems) + comments(declaration_files(settings, problems),
                                                  problems)


def project(settings, problems: list[Problem]) -> list[Suppression]:
    """The suppressions of setup.cfg's [dashsmith.lint] section."""
    section = settings.sections.get(SECTION) or {}
    found = []
    for key, value in section.items():
        if key == IN_PATHS:
            found += _in_paths(settings, value, problems)
            continue
        if key == promql_version.SETTING and promql_version.target(section) is None:
            problems.append(LintConfig().bad_value(SECTION, key, value, "a Prometheus version "
                                                   "such as 3 or 2.53",
                                                   settings.key_source(SECTION, key)))
        if key in SETTINGS:  # read by the rule it is of
            continue
        if key != "disable":
            problems.append(LintConfig().unknown_setting(SECTION, key,
                                                         settings.key_source(SECTION, key)))
            continue
        for entry in (e.strip() for e in value.splitlines()):
            if not entry:
                continue
            written, _, reason = entry.partition(":")
            source = settings.source(SECTION, entry)
            rules = _valid(written.strip(), reason.strip(), source, problems)
            if rules is not None:
                found.append(Suppression(rules, source, written=(written.strip(),)))
    return found


def _in_paths(settings, value: str, problems: list[Problem]) -> list[Suppression]:
    """disable-in's entries: `PATH[ PATH...]: RULE[, RULE] -- reason`."""
    found = []
    for entry in (e.strip() for e in value.splitlines()):
        if not entry:
            continue
        source = settings.source(SECTION, entry)
        match = _IN_PATHS_ENTRY.match(entry)
        if match is None:
            problems.append(LintConfig().not_understood_in_paths(source))
            continue
        reason = (match.group("reason") or "").strip()
        written = tuple(w.strip() for w in match.group("ids").split(","))
        rules = [_valid(w, reason, source, problems) for w in written]
        if None in rules:
            continue
        patterns = "|".join(_glob(p) for p in match.group("paths").split())
        found.append(Suppression(tuple(r for group in rules if group for r in group), source,
                                 written=written, paths=re.compile(f"(?:{patterns})$"),
                                 root=os.path.abspath(settings.root)))
    return found


def _glob(pattern: str) -> str:
    """A path pattern as a regex: `**` any depth (also none), `*` and `?` within a name; a
    directory stands for everything under it."""
    pattern = pattern.strip("/")
    out, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out) + "(?:/.*)?"


def comments(files, problems: list[Problem]) -> list[Suppression]:
    """The `# dashsmith: disable=...` comments in these files."""
    found = []
    for path in sorted({os.path.abspath(f) for f in files}):
        for number, text in enumerate(_lines(path), start=1):
            if "dashsmith" not in text:
                continue
            comment = _COMMENT.search(text)
            if comment is None:
                continue
            source = Source(path, number, comment.start() + 1)
            match = _DISABLE.match(comment.group("body"))
            if match is None:
                problems.append(LintConfig().not_understood(source))
                continue
            reason = (match.group("reason") or "").strip()
            written = tuple(w.strip() for w in match.group("ids").split(","))
            rules = [_valid(w, reason, source, problems) for w in written]
            if None not in rules:
                found.append(Suppression(tuple(r for group in rules if group for r in group),
                                         source, path, written=written))
    return found


def declaration_files(settings, problems: list[Problem]) -> set[str]:
    """Where suppression comments can be: the declaration modules, and any file a finding is in."""
    files: set[str] = set()
    for name in DIRECTORIES:
        for directory, subdirs, names in os.walk(settings.path(name)):
            subdirs[:] = [d for d in subdirs if not d.startswith((".", "__"))]
            files.update(os.path.join(directory, n) for n in names if n.endswith(".py"))
    files.update(p.source.file for p in problems
                 if p.source.file.endswith((".py", ".yml", ".yaml"))
                 and os.path.isfile(p.source.file))
    return files


def _valid(written: str, reason: str, source: Source, problems: list[Problem]
           ) -> tuple[str, ...] | None:
    """The ids of the rules `written` turns off: a rule's id (a former id names the rule's
    id now), or a pattern (`catalog/*`), which turns off the rules it matches that can be
    turned off; None, with a lint/config finding in `problems`, when it cannot be so."""
    if "*" in written or "?" in written:
        matched = [rule for rule in registry.ALL if fnmatch.fnmatchcase(rule.id, written)]
        allowed = tuple(rule.id for rule in matched
                        if LintConfig().refusal(rule.id, rule, reason, source) is None)
        if allowed:
            return allowed
        refusal = LintConfig().pattern_refusal(written, bool(matched), reason, source)
        problems.append(refusal)
        return None
    rule = named(written)
    refusal = LintConfig().refusal(written, rule, reason, source)
    if refusal is not None:
        problems.append(refusal)
        return None
    return (rule.id,) if rule is not None else None


def apply(problems: list[Problem], suppressions: list[Suppression], command: str
          ) -> list[Problem]:
    """The problems no suppression covers, plus one for each suppression of a rule `command`
    reports that covered none (another command's rules it cannot see)."""
    kept = []
    for problem in problems:
        covering = [s for s in suppressions if s.covers(problem)]
        for suppression in covering:
            suppression.used.add(problem.rule)
        if not covering:
            kept.append(problem)
    for suppression in suppressions:
        project_wide = suppression.file is None
        for written in suppression.written or suppression.rules:
            rules = _matching(suppression.rules, written)
            if not rules or any(rule in suppression.used for rule in rules):
                continue
            if any(command in registry.BY_ID[rule].commands() for rule in rules):
                kept.append(UnusedSuppression().unused(written, project_wide,
                                                       suppression.source))
    return kept


def _matching(rules: tuple[str, ...], written: str) -> list[str]:
    """The rules of a suppression that `written` (an id, a former id or a pattern) names."""
    if "*" in written or "?" in written:
        return [rule for rule in rules if fnmatch.fnmatchcase(rule, written)]
    rule = named(written)
    return [rule.id] if rule is not None and rule.id in rules else []


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return []
