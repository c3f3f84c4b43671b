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

import yaml

from dashsmith.checks.rules.file_format import FileFormat
from dashsmith.linter import locate
from dashsmith.model import durations
from dashsmith.model.problems import Problem
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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


@dataclass(frozen=True)
class Part:
    """Some of a test file's groups, as a test file of their own (`text`) promtool can run."""

    text: str
    steps: int  # rule evaluations promtool makes for its groups, each of every rule: its cost
    rule_files: tuple[str, ...]  # compiled names, as Part.steps is of each of their rules


def parts(text: str, count: int) -> list[Part]:
    """The test file `text` cut into at most `count` test files, each a run of its groups,
    costing promtool about as much as the others (the evaluation steps of its groups), each
    holding everything else of the file as written and its groups' own lines unchanged.

    promtool runs a file's groups one after another (each in a store of its own: one group's
    result never depends on another's), so the parts can run side by side. A file that cannot
    be cut exactly is one part, itself: one group, a flow-style `tests:`, YAML anchors shared
    between groups, anything whose parts would not read as the file's groups do."""
    try:
        data = yaml.load(text, Loader=_LOADER)
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return [Part(text, 0, ())]
    if not isinstance(data, dict):
        return [Part(text, 0, ())]
    written = data.get("rule_files") or []
    compiled = tuple(_compiled_name(str(f)) for f in
                     (written if isinstance(written, list) else [written]))
    whole = [Part(text, sum(_steps(group, data) for group in data.get("tests") or []
                            if isinstance(group, dict)), compiled)]
    spans = _group_spans(root, text) if count > 1 else None
    if spans is None or len(spans[1]) < 2 or len(spans[1]) != len(data.get("tests") or []):
        return whole
    (head, tail), groups = spans
    costs = [_steps(group, data) for group in data["tests"]]
    shares = _runs(costs, min(count, len(groups)))
    cut = []
    for share in shares:
        part = head + "".join(groups[i] for i in share) + tail
        try:
            same = yaml.load(part, Loader=_LOADER) == {
                **data, "tests": [data["tests"][i] for i in share]}
        except yaml.YAMLError:
            same = False
        if not same:
            return whole
        cut.append(Part(part, sum(costs[i] for i in share), compiled))
    return cut


def _runs(costs: list[int], count: int) -> list[list[int]]:
    """The indexes 0..len(costs)-1 cut into at most `count` runs of consecutive ones, each
    ending where the running total comes closest to its share of the whole. Consecutive, so
    that the parts' reports, one after the other, are the file's in its order."""
    total = sum(costs) or 1
    runs: list[list[int]] = [[]]
    spent = 0
    for index, cost in enumerate(costs):
        target = total * len(runs) / count
        if runs[-1] and len(runs) < count and abs(spent - target) <= abs(spent + cost - target):
            runs.append([])
        runs[-1].append(index)
        spent += cost
    return runs


def _group_spans(root, text: str) -> tuple[tuple[str, str], list[str]] | None:
    """((the text before the groups, the text after them), each group's lines) of a file
    whose `tests:` is a block sequence; None otherwise."""
    if not isinstance(root, yaml.MappingNode):
        return None
    sequence = next((value for key, value in root.value
                     if isinstance(key, yaml.ScalarNode) and key.value == "tests"), None)
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
        return None
    lines = text.splitlines(keepends=True)
    # A group starts on the line of its "-" (the line its mapping starts on, or the line
    # before where the "-" stands alone) and runs to the next group's start; the last one to
    # where the sequence ends (the next key's line, or the end of the file).
    starts = []
    for item in sequence.value:
        line = item.start_mark.line
        if not lines[line][:item.start_mark.column].strip().startswith("-"):
            line -= 1
        starts.append(line)
    end = sequence.end_mark.line + (1 if sequence.end_mark.column else 0)
    bounds = [*starts, end]
    groups = ["".join(lines[bounds[i]:bounds[i + 1]]) for i in range(len(starts))]
    return ("".join(lines[:starts[0]]), "".join(lines[end:])), groups


def _steps(group: dict, data: dict) -> int:
    """How many times promtool evaluates the rules for the group: every evaluation_interval
    up to the last eval_time of its tests."""
    try:
        interval = durations.parse(str(data.get("evaluation_interval") or "1m"))
        last = max((durations.parse(str(test.get("eval_time") or "0"))
                    for kind in ("alert_rule_test", "promql_expr_test")
                    for test in group.get(kind) or [] if isinstance(test, dict)), default=0.0)
    except (ValueError, AttributeError, TypeError):
        return 1
    return int(last // interval) + 1 if interval > 0 else 1
