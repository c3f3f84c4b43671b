"""Run the rules over what was read: the declarations as a whole, each dashboard and its
queries, each rule file, each rule and its expression, the alert unit tests. Dashboards pass
one at a time, so a large estate is never held in memory at once.

What was declared was checked as build checks it (validate): the structural rules look here
only at what was read from files, the others at everything.

Files given as paths can be checked by several processes at once (`workers`): the dashboards
and rule files, read once, are dealt out in shares (a rule file of many groups split between
its groups), each share checked in a forked process of its own, the findings sent back. A rule
that compares what it checks with other things of the run (`Rule.compares`: duplicates, a
group name used twice in a file) sees everything, whole, in this process, in the order a
single process would show it. The findings are the same whichever way the work is dealt out:
the engine sorts them."""

from __future__ import annotations

import functools
import itertools
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from dashsmith.checks import registry
from dashsmith.checks.context import Context
from dashsmith.checks.rule import HOOKS, Rule
from dashsmith.checks.subjects import (
    DashboardDoc,
    QuerySite,
    RuleDoc,
    RuleFileDoc,
    dashboard_sites,
    is_rule,
    rule_site,
)
from dashsmith.linter.inputs import Inputs
from dashsmith.model.problems import Problem

if TYPE_CHECKING:  # the alert unit tests are the declared estate's: lint of files needs none
    from dashsmith.linter.alert_tests import Suite

# Below this much work (rules, plus a dashboard's panels) a second process costs more than it
# saves: forking and sending the findings back take a few milliseconds.
WORK_PER_WORKER = 300


def rules_for(inputs: Inputs, suite: Suite | None = None) -> list[Rule]:
    """The rules that look at something `inputs` holds (a rule file's, a dashboard's, ...):
    only their modules are imported. Peeks at the dashboards (an iterator) to know if any."""
    hooks, sites = set(), set()
    if inputs.estate is not None:
        hooks.add("declared")
    first = next(inputs.dashboards, None)
    if first is not None:
        inputs.dashboards = itertools.chain([first], inputs.dashboards)
        hooks |= {"dashboard", "query"}
        sites |= {"panel", "variable"}
    if inputs.rule_files:
        hooks |= {"rule_file", "rule", "query"}
        sites.add("rule")
    if suite is not None:
        hooks.add("alert_tests")
    return registry.hooked(hooks, sites)


def workers_for(work: int) -> int:
    """How many processes to check `work` (rules and panels) with: one per CPU this process
    may use and nothing else is running on, each with at least WORK_PER_WORKER of it; one
    where threads run (forking a process with threads is unsafe) and off Linux: Windows has no
    fork, and macOS's system libraries are not fork-safe (CPython's multiprocessing stopped
    forking there by default in 3.8, bpo-33725).

    A CPU that is busy is not counted (as `make --load-average` starts no job on a busy
    machine): after the fork both processes copy each page of the data they share that they
    write to (a reference count is a write), which costs 10-15 % more CPU in all (20 ms of
    the corpus's 924 rules, 250 ms of its 307 dashboards), a price that only idle CPUs
    repay; measured on a 2-core machine at load 3, the corpus's dashboards took 2.1 s in one
    process and 2.6 s in two."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return 1
    cpus = cores()
    return max(1, min(cpus, work // WORK_PER_WORKER, _idle_cpus(cpus)))


def cores() -> int:
    """The cores this process may run on (its affinity, as taskset or a container's cpuset
    sets it), else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _idle_cpus(cpus: int) -> int:
    """How many of `cpus` nothing else runs on now: Linux's count of runnable threads
    (/proc/loadavg's fourth field, this one among them); else the 1-minute load average."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = int(handle.read().split()[3].split("/")[0]) - 1
    except (OSError, ValueError, IndexError):
        try:
            running = round(os.getloadavg()[0])
        except OSError:
            return cpus
    return cpus - running


class _Checks:
    """The rules' hooks, by what they look at, run over one subject at a time."""

    def __init__(self, rules: Iterable[Rule], context: Context) -> None:
        self.context = context
        rules = list(rules)
        self.hooked = {hook: [rule for rule in rules if hook in rule.hooks()] for hook in HOOKS}
        self.declared_hooked = {hook: [rule for rule in self.hooked[hook] if not rule.structural]
                                for hook in HOOKS}
        self.by_kind = {kind: [rule for rule in self.hooked["query"] if kind in rule.sites]
                        for kind in ("panel", "variable", "rule")}
        self.errors_by_kind = {kind: [rule for rule in kind_rules if rule.query_errors]
                               for kind, kind_rules in self.by_kind.items()}

    def _query(self, site: QuerySite, problems: list[Problem]) -> None:
        if not self.by_kind[site.kind]:
            return  # not parsed for nothing
        chosen = self.by_kind if site.expression.error is None else self.errors_by_kind
        for rule in chosen[site.kind]:
            problems.extend(rule.query(site, self.context))

    def dashboard(self, doc: DashboardDoc, problems: list[Problem]) -> None:
        for rule in (self.hooked if doc.external else self.declared_hooked)["dashboard"]:
            problems.extend(rule.dashboard(doc, self.context))
        for site in dashboard_sites(doc):
            self._query(site, problems)

    def rule_file(self, doc: RuleFileDoc, problems: list[Problem]) -> None:
        for rule in (self.hooked if doc.external else self.declared_hooked)["rule_file"]:
            problems.extend(rule.rule_file(doc, self.context))
        for rule_doc in doc.rules:
            self.rule(rule_doc, problems)

    def rule(self, rule_doc: RuleDoc, problems: list[Problem]) -> None:
        for rule in (self.hooked if rule_doc.external else self.declared_hooked)["rule"]:
            problems.extend(rule.rule(rule_doc, self.context))
        self._query(rule_site(rule_doc), problems)


def run(inputs: Inputs, context: Context, rules: list[Rule], suite: Suite | None = None,
        workers: int = 1) -> list[Problem]:
    """Every finding of `rules` on `inputs` (the reading's problems first). With workers > 1,
    files given as paths are checked by that many processes (see the module's docstring)."""
    if context.catalog is None:
        rules = [rule for rule in rules if not rule.needs_catalog]
    if workers > 1 and inputs.estate is None and suite is None:
        return list(inputs.problems) + _sharded(inputs, context, rules, workers)
    problems: list[Problem] = []
    checks = _Checks(rules, context)
    if inputs.estate is not None:
        for rule in checks.declared_hooked["declared"]:
            problems.extend(rule.declared(inputs.estate, context))
    for doc in inputs.dashboards:
        checks.dashboard(doc, problems)
    for rule_file in inputs.rule_files:
        checks.rule_file(rule_file, problems)
    if suite is not None:
        for rule in checks.hooked["alert_tests"]:
            problems.extend(rule.alert_tests(suite, context))
    # Read after the dashboards went by: rendering one can add a problem.
    return list(inputs.problems) + problems


# --- several processes -----------------------------------------------------------------------

def work_of(inputs: Inputs) -> int:
    """How much checking files read hold: their rules, and their dashboards' panels (a
    dashboard's are checked one by one, as a rule)."""
    dashboards = list(inputs.dashboards)
    inputs.dashboards = iter(dashboards)
    return (sum(len(doc.panels()) + 1 for doc in dashboards)
            + sum(len(rule_file.rules) + 1 for rule_file in inputs.rule_files))


def _sharded(inputs: Inputs, context: Context, rules: list[Rule],
             workers: int) -> list[Problem]:
    dashboards = list(inputs.dashboards)
    comparing = _Checks([rule for rule in rules if rule.compares], context)
    checks = _Checks([rule for rule in rules if not rule.compares], context)
    units: list[_Unit] = [(len(doc.panels()) + 1, doc) for doc in dashboards]
    units += [(len(part.rules) + 1, part) for rule_file in inputs.rule_files
              for part in _parts(rule_file, workers)]
    shares = _deal(units, workers)

    def compared() -> list[Problem]:
        """What compares sees everything, in the order of a single process."""
        found: list[Problem] = []
        for doc in dashboards:
            comparing.dashboard(doc, found)
        for rule_file in inputs.rule_files:
            comparing.rule_file(rule_file, found)
        return found

    def last_share() -> list[Problem]:
        return compared() + _checked(checks, shares[-1])

    # The comparing goes with the last share, to a child: this process has the findings'
    # sorting and writing still to do when the children are done.
    work = [functools.partial(_checked, checks, share) for share in shares[1:-1]] + [last_share]
    children = [_fork(job) for job in work]
    problems = _checked(checks, shares[0])
    for (pid, read), job in zip(children, work, strict=True):
        found = _collect(pid, read)
        problems += found if found is not None else job()  # the child failed: here then
    return problems


# A dashboard or (a part of) a rule file, with how much work it is.
_Unit = tuple[int, DashboardDoc | RuleFileDoc]


# A rule file is cut into up to this many parts per process, for the shares to come out even.
PARTS_PER_WORKER = 8


def _parts(doc: RuleFileDoc, workers: int) -> list[RuleFileDoc]:
    """A rule file read from a path, as parts of whole groups (up to PARTS_PER_WORKER per
    process), each with the rules of its groups (the file itself when it has one group, or
    its rules are not its groups' rule entries in order)."""
    counts = [sum(1 for entry, _ in group.entries if is_rule(entry)) for group in doc.groups]
    if len(doc.groups) < 2 or sum(counts) != len(doc.rules) or not doc.external:
        return [doc]
    size = -(-len(doc.rules) // (workers * PARTS_PER_WORKER))  # rules per part, rounded up
    parts, groups, start, taken = [], [], 0, 0
    for group, count in zip(doc.groups, counts, strict=True):
        groups.append(group)
        taken += count
        if taken - start >= size:
            parts.append(replace(doc, groups=groups, rules=doc.rules[start:taken]))
            groups, start = [], taken
    if groups:
        parts.append(replace(doc, groups=groups, rules=doc.rules[start:taken]))
    return parts


# The first share is this process's, a little larger: a forked child checks the same work
# ~20 % slower (its first write to each page it shares with this process copies the page) and
# does the comparing, while this process sorts and writes the findings after. Measured on the
# corpus's 924-rule file cut in halves: 48 ms CPU here, 57 (+8 comparing) in the child.
_OWN_SHARE = 1.15


def _deal(units: list[_Unit], workers: int) -> list[list[_Unit]]:
    """The units in `workers` runs of about equal time, in order (this process's first)."""
    total = sum(weight for weight, _ in units) or 1
    ends = [(_OWN_SHARE + index) / (_OWN_SHARE + workers - 1) * total
            for index in range(workers)]
    shares: list[list[_Unit]] = [[] for _ in range(workers)]
    done, share = 0, 0
    for unit in units:
        middle = done + unit[0] / 2  # a unit goes where most of it falls
        while share < workers - 1 and middle >= ends[share]:
            share += 1
        shares[share].append(unit)
        done += unit[0]
    return shares


def _checked(checks: _Checks, share: list[_Unit]) -> list[Problem]:
    found: list[Problem] = []
    for _, subject in share:
        if isinstance(subject, DashboardDoc):
            checks.dashboard(subject, found)
        else:
            checks.rule_file(subject, found)
    return found


def _fork(work: Callable[[], list[Problem]]) -> tuple[int, int]:
    """(pid, pipe) of a forked process that does `work` and sends back its findings."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)  # nothing of the parent's (its exit, its buffers) runs here
    os.close(write)
    return pid, read


def _collect(pid: int, read: int) -> list[Problem] | None:
    """A child's findings; None if it failed (the share is then checked here)."""
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    found: list[Problem] = pickle.loads(data)  # our own child's
    return found
