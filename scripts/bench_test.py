#!/usr/bin/env python3
"""Benchmark running the alert unit tests (`dashsmith test`'s promtool part) on the project's
own alerts/tests (73 groups in 5 files).

Baseline, measured in the same run: `promtool test rules` on each test file, whole, one
after another (what `dashsmith test` did until each file was cut into parts). Against it:
dashsmith.linter.promtool.test_rules, which cuts each file into runs of its groups and runs the
parts side by side, one per core. Both read the same compiled rules; their reports must be
equal (checked: the benchmark stops otherwise).

Two cases: every test passing, and three groups failing in two files (a failure is reported
as promtool reports the whole file, without running it again). Each is run --repeat times
(default 3), the best time kept. Target on 2 cores or more: test_rules at most 0.7x the
baseline's wall time when the tests pass (the bound is max(slowest file, total / cores): the
SLO file alone is two thirds of the whole). A missed target is printed, not an error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

from dashsmith.compiler import serialize  # noqa: E402
from dashsmith.compiler.project import Project  # noqa: E402
from dashsmith.linter import promtool, runner  # noqa: E402
from support import copy_project  # noqa: E402

TARGET = 0.7


def baseline(path: str, rule_files: dict, tests: list[str]) -> list:
    """One promtool run per whole file, one after another."""
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in rule_files.items():
            with open(os.path.join(scratch, f"{name}.yml"), "wb") as handle:
                handle.write(serialize.to_yaml(data))
        for test in tests:
            copy = os.path.join(scratch, os.path.basename(test))
            shutil.copyfile(test, copy)
            run = subprocess.run([path, "test", "rules", copy], capture_output=True, text=True,
                                 cwd=scratch)
            output = (run.stdout + run.stderr).replace(scratch + os.sep, "")
            results.append((test, run.returncode, promtool._without_header(output)))
    return results


def best(repeat: int, function, *args) -> tuple[float, float, object]:
    """(best wall seconds, its CPU seconds of the children, the result)"""
    times = []
    for _ in range(repeat):
        before = os.times()
        started = time.perf_counter()
        result = function(*args)
        wall = time.perf_counter() - started
        after = os.times()
        cpu = (after.children_user - before.children_user
               + after.children_system - before.children_system)
        times.append((wall, cpu, result))
    return min(times, key=lambda t: t[0])


def break_tests(root) -> None:
    """Three groups fail: two of ai.test.yml (one near each end, so in different parts) and
    the last of slo.test.yml."""
    ai = root / "alerts/tests/ai.test.yml"
    text = ai.read_text()
    first = text.index("exp_alerts: []")
    last = text.rindex("exp_alerts: []")
    wrong = "exp_alerts: [{exp_labels: {severity: none}}]"
    text = text[:last] + wrong + text[last + len("exp_alerts: []"):]
    ai.write_text(text[:first] + wrong + text[first + len("exp_alerts: []"):])
    slo = root / "alerts/tests/slo.test.yml"
    text = slo.read_text()
    last = text.rindex("exp_alerts: []")
    slo.write_text(text[:last] + wrong + text[last + len("exp_alerts: []"):])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = promtool.find()
    if path is None:
        print("promtool is not installed (Debian package 'prometheus')")
        return 2
    cores = runner.cores()
    print(f"cores: {cores}")
    missed = False
    with tempfile.TemporaryDirectory(prefix="bench-test-") as scratch:
        for case in ("passing", "failing"):
            root = copy_project(os.path.join(scratch, case))
            if case == "failing":
                break_tests(root)
            build = Project(str(root)).build()
            tests = sorted(str(p) for p in (root / "alerts/tests").glob("*.test.yml"))
            base_wall, base_cpu, expected = best(args.repeat, baseline, path, build.rule_files,
                                                 tests)
            wall, cpu, got = best(args.repeat, promtool.test_rules, path, build.rule_files,
                                  tests)
            if got != expected:
                print(f"{case}: test_rules reports differently from promtool on the whole files")
                return 1
            failed = sum(1 for _, status, _ in got if status != 0)
            ratio = wall / base_wall
            print(f"{case} ({failed} of {len(tests)} files failing): baseline {base_wall:.2f} s "
                  f"(CPU {base_cpu:.2f} s), test_rules {wall:.2f} s (CPU {cpu:.2f} s): "
                  f"{ratio:.2f}x")
            if case == "passing" and cores >= 2 and ratio > TARGET:
                print(f"  target missed: {ratio:.2f}x > {TARGET}x")
                missed = True
    print("target met" if not missed else "target missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
