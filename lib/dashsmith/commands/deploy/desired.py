"""What Grafana should hold after a deploy, from the build: folders (parent first), dashboards
(with dashsmith's marker and the hash of their normalized content) and, with --grafana-alerts,
rule groups and the notification routing; and a digest of it all, which a plan records.

The dashboards' hashes (and the digest, which needs them) are computed on a thread of their
own, started by hash_dashboards (or desired_state): for 1,000 dashboards they are ~0.15 s of
CPU that would otherwise come before deploy's first request to Grafana, and its requests
mostly wait on the network (a no-op redeploy on the /apis path is a few of them). Whoever
first needs a hash waits for it; an error in hashing is raised there."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from dashsmith.commands.deploy.alerting import DesiredGroup
from dashsmith.commands.deploy.notifications import DesiredRouting
from dashsmith.grafana.content import (
    content_hash,
    dashboard_hash,
    normalize_dashboard,
    stored_form,
)
from dashsmith.grafana.ownership import with_marker
from dashsmith.model import folders
from dashsmith.model.source import Source


@dataclass(frozen=True)
class DesiredFolder:
    uid: str
    title: str
    parent_uid: str | None
    path: str

    @property
    def depth(self) -> int:
        return len(folders.parts(self.path))


T = TypeVar("T")
V = TypeVar("V")


def in_background(work: Callable[[], T]) -> Future[T]:
    """`work()` on a thread of its own (a daemon: an interrupted deploy does not wait for it)."""
    future: Future[T] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(work())
            except BaseException as error:  # noqa: BLE001 - raised to whoever waits for it
                future.set_exception(error)

    threading.Thread(target=run, name="dashsmith-hashing", daemon=True).start()
    return future


class Pending(Generic[V]):
    """One value of what a background computation (in_background) gives: get() waits for it."""

    __slots__ = ("_future", "_pick")

    def __init__(self, future: Future[T], pick: Callable[[T], V]):
        self._future: Future = future
        self._pick: Callable[[Any], V] = pick

    def get(self) -> V:
        return self._pick(self._future.result())

    def __repr__(self) -> str:
        return f"Pending({'done' if self._future.done() else 'under way'})"


@dataclass(frozen=True)
class DesiredDashboard:
    uid: str
    title: str
    folder_uid: str
    json: dict  # as saved: the build's JSON with the marker tag, without id and version
    hashed: str | Pending[str]  # of the normalized JSON (or its computation under way)
    source: Source

    @property
    def hash(self) -> str:
        """Of the normalized JSON (dashboard_hash of the build's JSON)."""
        hashed = self.hashed
        return hashed if isinstance(hashed, str) else hashed.get()

    @functools.cached_property
    def normalized(self) -> dict:
        """Only for showing a difference: the hash is what deploy compares."""
        return normalize_dashboard(self.json)

    @functools.cached_property
    def stored_normalized(self) -> dict:
        """normalized, in the form Grafana stores it through /apis (schema-migrated,
        content.stored_form): what a dashboard read there (LiveDashboard.stored) is shown
        against, so that Grafana's own migrations do not show as differences."""
        return normalize_dashboard(stored_form(self.json))

    def compared_with(self, stored: bool) -> dict:
        """The form to show a live dashboard against: stored_normalized when it was read in
        Grafana's stored form (LiveDashboard.stored), else normalized."""
        return self.stored_normalized if stored else self.normalized


@dataclass
class Desired:
    folders: list[DesiredFolder]
    dashboards: list[DesiredDashboard]
    groups: list[DesiredGroup] = field(default_factory=list)
    routing: DesiredRouting | None = None
    # of the build's desired state (desired_state), before existing folders (or its
    # computation under way)
    digested: str | Pending[str] = ""

    @property
    def digest(self) -> str:
        digested = self.digested
        return digested if isinstance(digested, str) else digested.get()

    @property
    def hashes(self) -> dict[str, str]:
        return {d.uid: d.hash for d in self.dashboards}


def hash_dashboards(compiled_dashboards) -> Future[list[str]]:
    """Starts hashing the dashboards (dashboard_hash of each, in order) on a thread of its own,
    for desired_state(..., hashes=) of the same dashboards: deploy starts it before asking
    Grafana what it is, so that the hashing overlaps those requests too."""
    compiled_dashboards = list(compiled_dashboards)
    return in_background(lambda: [dashboard_hash(compiled.json)
                                  for compiled in compiled_dashboards])


def desired_state(compiled_dashboards, groups: Sequence[DesiredGroup] = (),
                  extra_folders: Sequence[str] = (),
                  routing: DesiredRouting | None = None,
                  hashes: Future[list[str]] | None = None) -> Desired:
    """`compiled_dashboards`: render.CompiledDashboard values (Build.dashboards);
    `extra_folders`: folder paths needed by something else (the alert rules' folder);
    `hashes`: hash_dashboards(compiled_dashboards), if it was started already."""
    compiled_dashboards = list(compiled_dashboards)
    paths = [d.folder for d in compiled_dashboards] + list(extra_folders)
    tree = folder_tree(paths)
    groups = list(groups)
    # "" at the root
    folder_uids = [compiled.folder_uid if folders.parts(compiled.folder) else ""
                   for compiled in compiled_dashboards]
    hashing = hashes if hashes is not None else hash_dashboards(compiled_dashboards)

    def digesting() -> tuple[list[str], str]:
        hashed = hashing.result()
        keys = [[compiled.uid, folder_uid, value] for compiled, folder_uid, value
                in zip(compiled_dashboards, folder_uids, hashed, strict=True)]
        return hashed, _digest(tree, keys, groups, routing)

    computed = in_background(digesting)
    dashboards = []
    for index, (compiled, folder_uid) in enumerate(zip(compiled_dashboards, folder_uids,
                                                       strict=True)):
        saved = {k: v for k, v in with_marker(compiled.json).items() if k not in ("id", "version")}
        dashboards.append(DesiredDashboard(compiled.uid, compiled.title, folder_uid, saved,
                                           Pending(computed, functools.partial(_nth_hash, index)),
                                           compiled.source))
    return Desired(tree, dashboards, groups, routing, Pending(computed, lambda done: done[1]))


def _nth_hash(index: int, computed: tuple[list[str], str]) -> str:
    return computed[0][index]


def _digest(tree, dashboards: list[list[str]], groups, routing: DesiredRouting | None) -> str:
    """sha256 of everything the desired state sends (secrets as their placeholders);
    `dashboards`: [uid, folder uid, hash] of each."""
    return content_hash({
        "folders": [[f.uid, f.title, f.parent_uid] for f in tree],
        "dashboards": dashboards,
        "rule_groups": [[g.key, g.hash] for g in groups],
        "routing": None if routing is None else [list(routing.contact_points),
                                                 routing.policy_tree,
                                                 list(routing.mute_timings)]})


def folder_tree(paths) -> list[DesiredFolder]:
    """Every folder the paths need, each once, parents before children."""
    found: dict[str, DesiredFolder] = {}
    for path in paths:
        names = folders.parts(path)
        for depth, (uid, title, parent) in enumerate(folders.lineage(path), start=1):
            found.setdefault(uid, DesiredFolder(uid, title, parent, "/".join(names[:depth])))
    return sorted(found.values(), key=lambda f: (f.depth, f.path))
