"""promtool unit tests of the declared alerts.

Convention: the tests of alerts/<module>.py live in alerts/tests/<module>.test.yml, in
promtool's test format, with `rule_files: [<module>.yml]` naming the compiled rule file by its
base name. `dashsmith test` compiles the rules into a temporary directory, puts the test files
beside them and runs `promtool test rules`; lint reads the same files to check that every
alert has a case where it fires and one where it stays silent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from dashsmith.checks.rules.file_format import FileFormat
from dashsmith.linter import locate
from dashsmith.model.problems import Problem
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source

TESTS_DIRECTORY = "tests"
SUFFIXES = (".test.yml", ".test.yaml")


@dataclass(frozen=True)
class Case:
    """One alert_rule_test entry: at eval_time, `alertname` is expected to fire or not."""

    alertname: str
    fires: bool
    source: Source


@dataclass
class TestFile:
    path: str
    rule_files: list[str]  # base names as written, e.g. "ai.yml"
    cases: list[Case]
    source: Source

    def compiled_names(self) -> list[tuple[str, str]]:
        """(as written, compiled rule file) for each of `rule_files`: 'ai.yml' is alerts/ai.py's
        rule file 'ai'."""
        return [(written, _compiled_name(written)) for written in self.rule_files]


@dataclass
class Suite:
    files: list[TestFile]
    alerts: dict[str, list] = field(default_factory=dict)  # rule file name → alert RuleDocs
    rule_files: set[str] = field(default_factory=set)  # names of all compiled rule files
    # modules whose test file could not be read: one file/parse finding says so, and their
    # alerts' coverage is not known (not "untested")
    unreadable: set[str] = field(default_factory=set)


def directory(settings: Settings) -> str:
    return os.path.join(settings.path("alerts"), TESTS_DIRECTORY)


def paths(settings: Settings) -> list[str]:
    base = directory(settings)
    if not os.path.isdir(base):
        return []
    return [os.path.join(base, name) for name in sorted(os.listdir(base))
            if name.endswith(SUFFIXES)]


def load(settings: Settings, rules, rule_files, problems: list[Problem]) -> Suite:
    alerts: dict[str, list] = {}
    for rule in rules:
        if rule.is_alert:
            alerts.setdefault(rule.file, []).append(rule)
    files = []
    unreadable: set[str] = set()
    for path in paths(settings):
        test_file = _read(path, problems)
        if test_file is not None:
            files.append(test_file)
        else:
            unreadable.add(_compiled_name(os.path.basename(path).replace(".test.", ".")))
    return Suite(files, alerts, set(rule_files), unreadable)


def _read(path: str, problems: list[Problem]) -> TestFile | None:
    read = locate.read(path, problems)
    if read is None:
        return None
    data = read[0]
    if not isinstance(data, dict) or not isinstance(data.get("tests", []), list):
        problems.append(FileFormat().not_a_test_file(Source(path, locate.line_of(data))))
        return None
    rule_files = data.get("rule_files") or []
    if not isinstance(rule_files, list):
        rule_files = [rule_files]
    cases = []
    for group in data.get("tests") or []:
        tests = group.get("alert_rule_test") if isinstance(group, dict) else None
        for test in tests if isinstance(tests, list) else []:
            if isinstance(test, dict) and isinstance(test.get("alertname"), str):
                cases.append(Case(test["alertname"], bool(test.get("exp_alerts")),
                                  Source(path, locate.line_of(test))))
    return TestFile(path, [str(f) for f in rule_files], cases, Source(path, locate.line_of(data)))


def _compiled_name(written: str) -> str:
    name = os.path.basename(written)
    for suffix in (".yml", ".yaml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
