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

from ..problems import Problem
from ..settings import Settings
from ..source import Source
from . import locate
from .rules import structure

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


@dataclass
class Suite:
    files: list[TestFile]
    alerts: dict[str, list] = field(default_factory=dict)  # rule file name → alert RuleDocs
    rule_files: set[str] = field(default_factory=set)  # names of all compiled rule files


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
    for path in paths(settings):
        test_file = _read(path, problems)
        if test_file is not None:
            files.append(test_file)
    return Suite(files, alerts, set(rule_files))


def _read(path: str, problems: list[Problem]) -> TestFile | None:
    try:
        with open(path, encoding="utf-8") as handle:
            data = locate.load_yaml(handle.read())
    except (OSError, UnicodeDecodeError) as error:
        problems.append(structure.FileParse().problem(f"cannot read: {error}", Source(path, 1)))
        return None
    except locate.FormatError as error:
        problems.append(structure.FileParse().problem(str(error),
                                                      Source(path, error.line, error.column)))
        return None
    shape = structure.FileFormat()
    if not isinstance(data, dict) or not isinstance(data.get("tests", []), list):
        problems.append(shape.problem("not a promtool test file: expected a mapping with "
                                      "'rule_files' and a list 'tests'",
                                      Source(path, locate.line_of(data))))
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
    return TestFile(path, [str(f) for f in rule_files], cases, Source(path, data.line))
