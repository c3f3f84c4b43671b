"""What is compared: the estate compiled at a git ref, in the working tree, or as deployed.

A snapshot holds compiled dashboards (CompiledDashboard: JSON plus the Python lines behind
it) and compiled rules with their sources. The ref's estate is built from a temporary
`git worktree`; discover.load_estate imports each estate's modules afresh and restores
sys.modules afterwards, so both estates load in this one process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from dashsmith.compiler.build import Build
from dashsmith.compiler.estate import Estate
from dashsmith.compiler.project import Project
from dashsmith.compiler.render import CompiledDashboard
from dashsmith.model.problems import DeclarationError
from dashsmith.model.settings import SettingsError, find_root
from dashsmith.model.source import Source

# Where a clone's default branch may be, most telling first: origin/HEAD is what the remote calls
# its default; a repository with no remote has main or master.
DEFAULT_BRANCHES = ("origin/HEAD", "main", "master")


class SnapshotError(Exception):
    """A side of the comparison could not be built; the message says why."""


@dataclass(frozen=True)
class CompiledRule:
    """One alerting or recording rule as it appears in a rule file."""

    file: str  # rule file name, e.g. 'ai' for rules/ai.yml
    group: str
    data: dict  # the rule as Prometheus reads it
    source: Source | None = None

    @property
    def kind(self) -> str:
        return "alert" if "alert" in self.data else "record"

    @property
    def name(self) -> str:
        return self.data.get("alert") or self.data.get("record") or ""


@dataclass
class Snapshot:
    label: str  # how reports name this side: a ref, 'working tree' or 'Grafana'
    root: str | None  # the project directory its sources are relative to
    dashboards: list[CompiledDashboard]
    rules: list[CompiledRule] | None = field(default=None)  # None: this side has no rules

    def relative(self, source: Source | None) -> Source | None:
        if source is None or self.root is None:
            return source
        return source.relative_to(self.root)


def compiled_rules(estate: Estate, build: Build) -> list[CompiledRule]:
    """The build's rules, each with the source line of its declaration. render_rule_file keeps
    the estate's order of groups and rules, so the two are walked side by side."""
    rules: list[CompiledRule] = []
    for rule_file in estate.rule_files:
        data = build.rule_files.get(rule_file.name, {"groups": []})
        # Not strict: a rule file the build has not rendered has no groups, so nothing to pair.
        for group, group_data in zip(rule_file.groups, data["groups"], strict=False):
            # Strict: render_rule_file renders every rule of a group, one for one.
            for rule, rule_data in zip(group.rules, group_data["rules"], strict=True):
                rules.append(CompiledRule(rule_file.name, group.name, rule_data,
                                          getattr(rule, "source", group.source)))
    return sorted(rules, key=lambda r: (r.file, r.group))


def of_project(project: Project, label: str = "working tree") -> Snapshot:
    """The project as it is on disk. Raises DeclarationError when it cannot be built."""
    build = project.build()
    return Snapshot(label, project.root, build.dashboards, compiled_rules(project.estate, build))


def at_ref(project: Project, ref: str, label: str | None = None) -> Snapshot:
    """The project as committed at `ref`, named `label` (default: the ref). A ref that has no
    dashsmith project at this path (the change that introduces one) is an empty snapshot."""
    label = label or ref
    repo = _git_toplevel(project.root)
    commit = _resolve(repo, ref)
    inside = os.path.relpath(os.path.realpath(project.root), repo)
    with _worktree(repo, commit) as tree:
        root = os.path.normpath(os.path.join(tree, inside))
        if not _is_project(root):
            return Snapshot(label, root, [], [])
        try:
            return of_project(Project(root), label=label)
        except DeclarationError as error:
            problems = "\n".join(f"  {p.source.relative_to(root)}: {p.message}"
                                 for p in error.problems)
            raise SnapshotError(f"the declarations at {ref} cannot be built:\n{problems}") \
                from error
        except SettingsError as error:
            raise SnapshotError(f"at {ref}: {error}") from error


@dataclass(frozen=True)
class DefaultBase:
    """The base `dashsmith diff` compares with when given none, as `git diff` would be read in
    review: the merge base of HEAD and the default branch (only this branch's changes), or HEAD
    when there is no default branch (only the uncommitted changes)."""

    commit: str
    label: str  # how the report names it
    why: str  # a sentence for the user


def default_base(project: Project) -> DefaultBase:
    repo = _git_toplevel(project.root)
    head = _resolve(repo, "HEAD")
    for branch in DEFAULT_BRANCHES:
        try:
            tip = _git(repo, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}")
            commit = _git(repo, "merge-base", tip, head)
        except SnapshotError:
            continue
        short = commit[:12]
        if commit == head:
            return DefaultBase(commit, "HEAD", f"comparing with HEAD ({short}), which is where "
                               f"{branch} is: give --base REF to compare with another commit")
        return DefaultBase(commit, f"{branch} (merge base {short})",
                           f"comparing with the merge base of {branch} and HEAD ({short}): give "
                           "--base REF to compare with another commit")
    return DefaultBase(head, "HEAD", f"comparing with HEAD ({head[:12]}): no "
                       f"{', '.join(DEFAULT_BRANCHES)} to take a merge base with; give --base "
                       "REF to compare with another commit")


def _is_project(root: str) -> bool:
    try:
        return find_root(root) == root
    except SettingsError:
        return False


def _git(directory: str, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", directory, *args], capture_output=True, text=True,
                                timeout=120)
    except FileNotFoundError as error:
        raise SnapshotError("git is not installed") from error
    if result.returncode != 0:
        raise SnapshotError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def _git_toplevel(directory: str) -> str:
    try:
        return os.path.realpath(_git(directory, "rev-parse", "--show-toplevel"))
    except SnapshotError as error:
        raise SnapshotError(f"{directory} is not inside a git repository; --base needs one") \
            from error


def _resolve(repo: str, ref: str) -> str:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SnapshotError as error:
        raise SnapshotError(f"unknown git ref '{ref}' (for a pull request's base branch, fetch "
                            "it first, e.g. actions/checkout with fetch-depth: 0)") from error


@contextmanager
def _worktree(repo: str, commit: str) -> Iterator[str]:
    """A detached checkout of `commit` in a temp dir, removed afterwards."""
    parent = tempfile.mkdtemp(prefix="dashsmith-diff-")
    tree = os.path.join(parent, "tree")
    _git(repo, "worktree", "add", "--detach", "--quiet", tree, commit)
    try:
        yield tree
    finally:
        subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", tree],
                       capture_output=True)
        subprocess.run(["git", "-C", repo, "worktree", "prune"], capture_output=True)
        shutil.rmtree(parent, ignore_errors=True)
