"""Prometheus's promtool, run on the rule files lint checks (`check rules`) and on the alert
unit tests (`test rules`). It is optional, except where DASHSMITH_REQUIRE_LIVE is set (CI)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from .. import serialize
from ..checks.rules.promtool_check_rules import PromtoolCheckRules
from ..problems import Problem
from ..source import Source

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


def check_rules(promtool: str, files: list[tuple[str, dict | None]], rules) -> list[Problem]:
    """Findings of `promtool check rules` on each (path, compiled data or None): compiled data
    is written to a temporary file first; a path alone is checked where it is."""
    locate = _Locator(rules)
    problems = []
    with tempfile.TemporaryDirectory(prefix="dashsmith-promtool-") as scratch:
        for name, data in files:
            path = name
            if data is not None:
                path = os.path.join(scratch, f"{name}.yml")
                with open(path, "wb") as handle:
                    handle.write(serialize.to_yaml(data))
            result = subprocess.run([promtool, "check", "rules", path], capture_output=True,
                                    text=True, timeout=TIMEOUT)
            problems += _findings(result.stderr, path, name, locate)
    return problems


def _findings(output: str, path: str, name: str, locate) -> list[Problem]:
    found, loose = [], []
    for line in (line.strip() for line in output.splitlines()):
        if not line or line == "FAILED:" or line.startswith("Checking "):
            continue
        match = _FINDING.match(line)
        if match and match.group("file") == path:
            source = locate(name, match.group("group"), match.group("rule"),
                            match.group("line"), match.group("column"))
            found.append(PromtoolCheckRules().problem(match.group("message"), source))
        else:
            loose.append(line)
    if loose:  # e.g. the duplicate-rules lint, which spans lines and names no file
        found.append(PromtoolCheckRules().problem(" ".join(loose), locate(name, None, None,
                                                                         None, None)))
    return found


class _Locator:
    """Where a promtool finding belongs: the rule it names, else the file."""

    def __init__(self, rules):
        self.by_position = {}
        self.first = {}
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
    """Run the unit tests against freshly compiled rule files, one test file at a time so
    each failure is reported under its file: [(test path, exit status, promtool's output)]."""
    results = []
    with tempfile.TemporaryDirectory(prefix="dashsmith-test-") as scratch:
        for name, data in rule_files.items():
            with open(os.path.join(scratch, f"{name}.yml"), "wb") as handle:
                handle.write(serialize.to_yaml(data))
        for path in test_paths:
            copy = os.path.join(scratch, os.path.basename(path))
            shutil.copyfile(path, copy)
            result = subprocess.run([promtool, "test", "rules", copy], capture_output=True,
                                    text=True, timeout=TIMEOUT, cwd=scratch)
            output = (result.stdout + result.stderr).replace(scratch + os.sep, "")
            results.append((path, result.returncode, _without_header(output)))
    return results


def _without_header(output: str) -> str:
    """promtool's report without its "Unit Testing: <copy's name>" line (and blank lines)."""
    lines = [line for line in output.splitlines()
             if line.strip() and not line.startswith("Unit Testing:")]
    return "\n".join(lines)
