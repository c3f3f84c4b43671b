"""Prometheus's promtool, run on the rule files lint checks (`check rules`) and on the alert
unit tests (`test rules`). It is optional, except where DASHSMITH_REQUIRE_LIVE is set (CI)."""

from __future__ import annotations

import functools
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable

from dashsmith.checks.rules.promtool_check_rules import PromtoolCheckRules
from dashsmith.checks.subjects import RuleDoc
from dashsmith.compiler import serialize
from dashsmith.linter.runner import cores
from dashsmith.model.problems import Problem, Severity
from dashsmith.model.source import Source

REQUIRE_VARIABLE = "DASHSMITH_REQUIRE_LIVE"
_FINDING = re.compile(r'^(?P<file>.+?): (?:(?P<line>\d+):(?P<column>\d+): )?'
                      r'(?:group "(?P<group>[^"]*)", rule (?P<rule>\d+), "[^"]*": )?'
                      r'(?P<message>.+)$')
TIMEOUT = 300


class PromtoolMissing(Exception):
    pass


def find() -> str | None:
    """promtool's path; None if it is not installed and not required."""
    path = shutil.which("promtool")
    if path is None and os.environ.get(REQUIRE_VARIABLE):
        raise PromtoolMissing(f"promtool is not installed (Debian package 'prometheus') and "
                              f"{REQUIRE_VARIABLE} is set")
    return path


@functools.lru_cache(maxsize=8)
def major_version(promtool: str) -> int | None:
    """promtool's major version (`promtool, version 2.42.0+ds ...`); None if it says none."""
    try:
        result = subprocess.run([promtool, "--version"], capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"version v?(\d+)\.", result.stdout + result.stderr)
    return int(found.group(1)) if found else None


# An older promtool's refusal of a rule-group field of Prometheus 3's rulefmt.RuleGroup
# (model/rulefmt/rulefmt.go: name, interval, query_offset, limit, rules, labels): query_offset
# came in 2.53, group labels in 3.x. Go's YAML decoder words it "field X not found in type".
NEWER_GROUP_FIELD = re.compile(r"field (?:query_offset|labels|limit) not found in type "
                               r"rulefmt\.RuleGroup")
# What an older promtool says about syntax and names Prometheus 3 accepts (quoted UTF-8 names,
# its new functions, new group fields): a refusal of the newer syntax, not of the rule.
SYNTAX_REFUSAL = re.compile(r"could not parse expression|invalid (?:label|annotation) name|"
                            r"invalid recording rule name|is not a valid metric name|"
                            + NEWER_GROUP_FIELD.pattern)
# Group fields that other rulers add to Prometheus's format, which Prometheus refuses: valid
# in a file only that ruler loads. Thanos Ruler: partial_response_strategy (its docs,
# "Partial Response"); Mimir's and Cortex's ruler: source_tenants (federated rule groups) and
# evaluation_delay (Mimir's query_offset before it had Prometheus's).
OTHER_RULERS = {"partial_response_strategy": "Thanos Ruler's",
                "source_tenants": "Mimir's and Cortex's ruler's",
                "evaluation_delay": "Mimir's and Cortex's ruler's"}
_GROUP_FIELD = re.compile(r"field (?P<field>\w+) not found in type rulefmt\.RuleGroup")


def older_than_target(problem: Problem, version: int) -> Problem:
    """Said once when promtool's refusals of newer syntax were set aside."""
    return PromtoolCheckRules().problem(
        f"promtool {version}.x is older than the Prometheus the rules target ([dashsmith.lint] "
        "prometheus): its refusals of syntax the newer version accepts (quoted UTF-8 names, "
        "new functions, new rule-group fields) are not reported; lint checked that syntax "
        "itself", problem.source, Severity.INFO)


def check_rules(promtool: str, files: list[tuple[str, dict | str | None]], rules
                ) -> list[Problem]:
    """Findings of `promtool check rules` on each (path, compiled data, text or None): data
    or text is written to a temporary file first (text keeps its line numbers: a manifest's
    spec on the manifest's lines); a path alone is checked where it is. One promtool run
    checks every file (a process per file cost more than the checks).

    Its duplicate-rules lint is off: rule/duplicate is lint's own, and knows that a rule
    is a duplicate only when its labels can collide too (promtool compares names and labels
    only, and the same problem should not be reported twice)."""
    located = _Locator(rules)
    # A finding's line is about the file promtool read: of a file written from data (compiled
    # rules, a manifest's spec), it is no line of the source.
    from_data = {name for name, data in files if data is not None and not isinstance(data, str)}

    def locate(name, group, index, line, column) -> Source:
        return located(name, group, index, None if name in from_data else line, column)

    problems: list[Problem] = []
    if not files:
        return problems
    with tempfile.TemporaryDirectory(prefix="dashsmith-promtool-") as scratch:
        names = {}
        for number, (name, data) in enumerate(files):
            path = name
            if data is not None:
                path = os.path.join(scratch, f"{number}-{os.path.basename(name)}.yml")
                with open(path, "wb") as handle:
                    handle.write(data.encode() if isinstance(data, str)
                                 else serialize.to_yaml(data))
            names[path] = name
        # stderr into stdout: its "Checking FILE" lines say which file each finding is of.
        result = subprocess.run([promtool, "check", "rules", "--lint=none", *names],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=TIMEOUT)
        for path, output in _by_file(result.stdout, names):
            problems += _findings(output, path, names[path], locate)
    return problems


def _by_file(output: str, paths) -> list[tuple[str, str]]:
    """promtool's output split at its "Checking FILE" lines: (file, what follows it)."""
    blocks: list[tuple[str, list[str]]] = []
    for line in output.splitlines():
        checking = line[len("Checking "):] if line.startswith("Checking ") else ""
        if checking in paths:
            blocks.append((checking, []))
        elif blocks:
            blocks[-1][1].append(line)
    return [(path, "\n".join(lines)) for path, lines in blocks]


_UNMARSHAL_LINE = re.compile(r"^line (?P<line>\d+): (?P<message>.+)$")


def _findings(output: str, path: str, name: str, locate) -> list[Problem]:
    found: list[tuple[str, Source]] = []
    loose: list[str] = []
    listing: int | None = None  # the "unmarshal errors:" finding whose lines follow
    listed: set[int] = set()  # such findings that did list lines: they are replaced by them
    for raw in output.splitlines():
        line = raw.strip()
        if not line or line == "FAILED:" or line.startswith("SUCCESS: "):
            continue
        match = _FINDING.match(line)
        unmarshal = _UNMARSHAL_LINE.match(line) if raw[:1].isspace() else None
        if match and match.group("file") == path:
            source = locate(name, match.group("group"), match.group("rule"),
                            match.group("line"), match.group("column"))
            found.append((match.group("message"), source))
            listing = len(found) - 1 if line.endswith("unmarshal errors:") else None
        elif unmarshal and listing is not None:
            # Go's YAML decoder lists each field it refused on a line of its own.
            listed.add(listing)
            found.append((f"yaml: {unmarshal.group('message')}",
                          locate(name, None, None, unmarshal.group("line"), None)))
        elif raw[:1].isspace() and found:
            found[-1] = (f"{found[-1][0]} {line}", found[-1][1])
        else:
            loose.append(line)
    found = [finding for index, finding in enumerate(found) if index not in listed]
    if loose:  # a message that names no file: about the file as a whole
        found.append((" ".join(loose), locate(name, None, None, None, None)))
    return [_finding(message, source) for message, source in found]


def _finding(message: str, source: Source) -> Problem:
    """promtool's finding; its refusal of another ruler's group field is a warning that names
    the ruler (Prometheus refuses the file, the ruler it is written for loads it)."""
    field = _GROUP_FIELD.search(message)
    ruler = OTHER_RULERS.get(field.group("field")) if field else None
    if field and ruler:
        return PromtoolCheckRules().problem(
            f"the group field {field.group('field')} is {ruler}, not Prometheus's: Prometheus "
            f"refuses the file (promtool: {message}); fine where only that ruler loads it",
            source, Severity.WARNING)
    return PromtoolCheckRules().problem(message, source)


class _Locator:
    """Where a promtool finding belongs: the rule it names, else the file."""

    def __init__(self, rules: Iterable[RuleDoc]) -> None:
        self.by_position: dict[tuple[str, str, int], Source] = {}
        self.first: dict[str, Source] = {}
        positions: dict[tuple[str, str], int] = {}
        for rule in rules:
            key = (rule.file, rule.group)
            positions[key] = positions.get(key, 0) + 1
            self.by_position[(rule.file, rule.group, positions[key])] = rule.source
            self.first.setdefault(rule.file, rule.source)

    def __call__(self, name, group, index, line, column) -> Source:
        if group is not None and index is not None:
            source = self.by_position.get((name, group, int(index)))
            if source is not None:
                return source
        if line is not None and os.path.exists(name):
            return Source(name, int(line), int(column or 0))
        first = self.first.get(name)
        return Source(first.file, first.line) if first else Source(name, 1)


def test_rules(promtool: str, rule_files: dict[str, dict], test_paths: list[str]):
    """Run the unit tests against freshly compiled rule files: [(test path, exit status,
    promtool's output)], one for each file so that each failure is reported under its file.

    promtool runs a file's groups one after another on one core, and one file can cost more
    than all the others (the example project's SLO tests evaluate 30 rules every minute of 10
    hours: 8 of its 12 s). So the costlier files are cut into parts (alert_tests.parts) and
    the parts of all the files run side by side, as many at once as there are cores, the
    costliest first. A file passes when all its parts pass; when one fails, the file is run again as
    it is, so that the report is promtool's own of the whole file (its lines, every group)."""
    from concurrent.futures import ThreadPoolExecutor

    from dashsmith.linter import alert_tests

    workers = cores()
    with tempfile.TemporaryDirectory(prefix="dashsmith-test-") as scratch:
        for name, data in rule_files.items():
            with open(os.path.join(scratch, f"{name}.yml"), "wb") as handle:
                handle.write(serialize.to_yaml(data))
        size = {name: max(1, sum(len(group.get("rules") or [])
                                 for group in (data or {}).get("groups") or []))
                for name, data in rule_files.items()}

        def cost(part: alert_tests.Part) -> int:  # its rules' evaluations
            return part.steps * sum(size.get(name, 1) for name in part.rule_files)

        texts: list[str | None] = []
        for path in test_paths:
            try:
                with open(path, encoding="utf-8") as source:
                    texts.append(source.read())
            except (OSError, UnicodeDecodeError):
                texts.append(None)
        wholes = [alert_tests.parts(text, 1)[0] if text is not None else None for text in texts]
        # A part costs at least 1/(2 x cores) of the whole run, so that there are enough to
        # share out evenly and not many more (a promtool process starts in some 40 ms).
        least = max(1, sum(cost(whole) for whole in wholes if whole) / (2 * workers))
        copies, runs = [], []  # runs: (cost, file's index, part's number, the part's path)
        for index, path in enumerate(test_paths):
            copy = os.path.join(scratch, os.path.basename(path))
            shutil.copyfile(path, copy)
            copies.append(copy)
            text, whole = texts[index], wholes[index]
            count = min(workers, math.ceil(cost(whole) / least)) if whole else 1
            cut = alert_tests.parts(text, count) if text is not None and count > 1 else \
                [whole or alert_tests.Part("", 0, ())]
            for number, part in enumerate(cut):
                part_path = copy
                if len(cut) > 1:
                    part_path = os.path.join(scratch, f".part{number}-{os.path.basename(path)}")
                    with open(part_path, "w", encoding="utf-8") as written:
                        written.write(part.text)
                runs.append((cost(part), index, number, part_path))

        def run(test_path: str) -> tuple[int, str]:
            result = subprocess.run([promtool, "test", "rules", test_path], capture_output=True,
                                    text=True, timeout=TIMEOUT, cwd=scratch)
            output = (result.stdout + result.stderr).replace(scratch + os.sep, "")
            return result.returncode, _without_header(output)

        runs.sort(key=lambda item: -item[0])
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = list(zip(runs, pool.map(run, [part for *_, part in runs]), strict=True))
            # each file's parts in its order: they were cut in the order of its groups
            outcomes = [[outcome for (_, of, _, _), outcome in sorted(done, key=lambda d: d[0][2])
                         if of == index] for index in range(len(test_paths))]
            merged = [_merged(outcome) for outcome in outcomes]
            again = [index for index, outcome in enumerate(merged) if outcome is None]
            reports = dict(zip(again, pool.map(run, [copies[i] for i in again]), strict=True))
    return [(path, *(merged[index] or reports[index])) for index, path in enumerate(test_paths)]


# What promtool says of a test file as a whole, before it runs a group (so each part says it):
# YAML it refuses (at a line of the part, not of the file), a warning about rule_files.
_ABOUT_THE_FILE = re.compile(r"^yaml:|\bline \d+\b|WARNING|group name repeated", re.MULTILINE)


def _merged(outcomes: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The parts' reports as promtool's report of the whole file: each failed group's errors,
    in the file's order, under one FAILED (what promtool writes: "  FAILED:", then the errors
    of each group in turn). None where that is not certain to be what promtool would say of
    the whole file (a finding about the file itself, every part saying the same): the file is
    then run as it is."""
    if len(outcomes) == 1:
        return outcomes[0]
    failed = [output for status, output in outcomes if status != 0]
    if not failed:
        return 0, "\n".join(dict.fromkeys(output for _, output in outcomes))
    heads, bodies = [], []
    for output in failed:
        head, _, body = output.partition("\n")
        heads.append(head)
        bodies.append(body)
    if (any(head.strip() != "FAILED:" or not body or _ABOUT_THE_FILE.search(body)
            for head, body in zip(heads, bodies, strict=True))
            or (len(failed) == len(outcomes) and len(set(failed)) == 1)):
        return None
    return next(status for status, _ in outcomes if status != 0), "\n".join([heads[0], *bodies])


def _without_header(output: str) -> str:
    """promtool's report without its "Unit Testing: <copy's name>" line (and blank lines)."""
    lines = [line for line in output.splitlines()
             if line.strip() and not line.startswith("Unit Testing:")]
    return "\n".join(lines)
