#!/usr/bin/env python3
"""Benchmark and census of `dashsmith import` on real dashboards.

Every dashboard JSON under DIRECTORY (default: ../shared/corpus, next to the repository) is
imported as a new user would, `dashsmith import FILE`, into a project of its own that holds
nothing else (setup.cfg and a copy of the platform's catalog), so its time is the time of that
one import. Then, for the dashboards that imported:

- builds back: the modules, gathered into projects (two dashboards with the same uid go to
  different ones), pass `dashsmith build`;
- round-trips: the JSON build writes equals the original after grafana.equivalence.normalize;
- re-imports: importing the built JSON again gives the same module;
- lints clean: `dashsmith lint --no-tools` has no finding in the module (findings of
  catalog/unknown-metric are counted apart: they say the catalog lacks the metric, not that the
  module is wrong).

Refused imports (exit 2) are grouped by the class of their reason: the message without the file
name, quoted names and numbers.

Time per dashboard is compared with a baseline measured in the same run: reading the JSON and
rendering the imported declaration back to JSON once (the least an import that checks its
result must do). The interpreter's start-up with dashsmith loaded is printed too: a user's
`dashsmith import` pays it once per command.

    .venv/bin/python scripts/bench_import.py [DIRECTORY] [--limit N] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson
from click.testing import CliRunner

from dashsmith.cli import main
from dashsmith.commands.import_.roundtrip import declared_by
from dashsmith.compiler.render import render_dashboard
from dashsmith.grafana.equivalence import differences, normalize

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SETUP_CFG = "[dashsmith]\ndashboards = dashboards\nalerts = alerts\ncatalog = metrics\n"
# lint's findings outside the imported modules (in the inferred metrics/imported.py)
INFERRED_FINDINGS: Counter[str] = Counter()
EXAMPLES: dict[str, list[str]] = {}  # rule → messages of catalog findings, for --verbose


@dataclass
class Outcome:
    path: str  # relative to the directory benchmarked
    seconds: float = 0.0  # the import command
    cpu: float = 0.0  # its processor time (what other work on a shared machine does not add)
    baseline: float = 0.0  # JSON read + one render of the declaration
    refused: str | None = None  # the reason class, when refused
    message: str = ""
    module: str | None = None  # the module's text, when imported
    uid: str = ""
    builds: bool = False
    round_trips: bool = False
    reimports: bool = False
    findings: list[str] = field(default_factory=list)  # rule ids, catalog rules aside
    catalog_findings: list[str] = field(default_factory=list)  # catalog/* rule ids
    panels: int = 0  # in the original, rows' panels included


def panel_count(dashboard: dict) -> int:
    count = 0
    for panel in dashboard.get("panels") or []:
        count += 1 + len(panel.get("panels") or [])
    for row in dashboard.get("rows") or []:
        count += len(row.get("panels") or [])
    return count


def project(root: str, catalog: str) -> str:
    """A project of its own: the platform's catalog, file by file (import writes the metrics
    it infers beside them, into metrics/imported.py)."""
    os.makedirs(os.path.join(root, "dashboards"))
    with open(os.path.join(root, "setup.cfg"), "w") as handle:
        handle.write(SETUP_CFG)
    os.makedirs(os.path.join(root, "metrics"))
    for name in os.listdir(catalog):
        os.symlink(os.path.join(catalog, name), os.path.join(root, "metrics", name))
    return root


def run(root: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", root, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        error = result.exception
        return 3, f"crash: {type(error).__name__}: {error}"
    return result.exit_code, result.output


def reason_class(message: str, path: str) -> str:
    """A refusal's message as a class: without file names, quoted text and numbers."""
    text = message.replace(path, "FILE").strip()
    text = re.sub(r"^dashsmith: ", "", text.splitlines()[-1] if text else "")
    text = re.sub(r"\S+\.json", "FILE", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"; nothing was written$", "", text)
    return text[:150]


def import_one(path: str, relative: str, scratch: str, catalog: str) -> Outcome:
    outcome = Outcome(relative)
    root = project(tempfile.mkdtemp(dir=scratch), catalog)
    start, cpu = time.perf_counter(), time.process_time()
    code, output = run(root, "import", path)
    outcome.seconds = time.perf_counter() - start
    outcome.cpu = time.process_time() - cpu
    if code != 0:
        outcome.refused = reason_class(output, path) if code == 2 else f"exit {code}: " + \
            reason_class(output, path)
        outcome.message = output.strip()
        shutil.rmtree(root)
        return outcome
    [written] = [f for f in os.listdir(os.path.join(root, "dashboards")) if f.endswith(".py")]
    module_path = os.path.join(root, "dashboards", written)
    with open(module_path, encoding="utf-8") as handle:
        outcome.module = handle.read()
    start = time.perf_counter()
    with open(path, "rb") as handle:
        original = orjson.loads(handle.read())
    render_dashboard(declared_by(outcome.module, module_path))
    outcome.baseline = time.perf_counter() - start
    original = original.get("dashboard", original) if isinstance(original, dict) else original
    outcome.uid = original["uid"]
    outcome.panels = panel_count(original)
    shutil.rmtree(root)
    return outcome


def check_built(outcomes: list[Outcome], files: dict[str, str], scratch: str,
                catalog: str) -> None:
    """Gather the dashboards that imported into projects (one uid once per project), import
    each project's at once, as a user adopting a set would (so the metrics import infers for
    them land in one metrics/imported.py), then build and lint each project."""
    groups: list[list[Outcome]] = []
    for outcome in (o for o in outcomes if o.module is not None):
        group = next((g for g in groups if outcome.uid not in {o.uid for o in g}), None)
        if group is None:
            group = []
            groups.append(group)
        group.append(outcome)
    for number, group in enumerate(groups):
        root = project(os.path.join(scratch, f"estate{number}"), catalog)
        code, output = run(root, "import", *(files[o.path] for o in group))
        if code != 0:
            print(f"import of {len(group)} dashboards at once failed:\n{output[-2000:]}")
            continue
        by_uid = {o.uid: o for o in group}
        names: dict[str, Outcome] = {}
        for match in re.finditer(r"^wrote (dashboards/\S+\.py): .* \(uid (\S+)\) in folder",
                                 output, re.MULTILINE):
            names[match.group(1)] = by_uid[match.group(2)]
        code, output = run(root, "build")
        if code != 0:
            print(f"build of {len(group)} imported modules failed:\n{output[:2000]}")
            continue
        for outcome in group:
            outcome.builds = True
            [built] = [os.path.join(d, f) for d, _, fs in
                       os.walk(os.path.join(root, "build", "dashboards"))
                       for f in fs if f == f"{outcome.uid}.json"]
            with open(built, "rb") as handle:
                built_json = orjson.loads(handle.read())
            with open(files[outcome.path], "rb") as handle:
                original = orjson.loads(handle.read())
            original = original.get("dashboard", original)
            outcome.round_trips = differences(normalize(original), normalize(built_json)) == []
            outcome.reimports = reimports(built, outcome, scratch, catalog)
        code, output = run(root, "lint", "--no-tools", "--format", "json")
        start = output.find("[")
        if code not in (0, 1) or start < 0:
            print(f"lint of {len(group)} imported modules failed (exit {code}):\n"
                  f"{output[:2000]}")
        for finding in json.loads(output[start:]) if start >= 0 else []:
            owner = names.get(finding.get("path"))
            if owner is None:
                INFERRED_FINDINGS[finding["rule"]] += 1
            elif finding["rule"].startswith("catalog/"):
                owner.catalog_findings.append(finding["rule"])
                EXAMPLES.setdefault(finding["rule"], []).append(
                    f"{owner.path}: {finding['message']}")
            else:
                owner.findings.append(finding["rule"])


def reimports(built: str, outcome: Outcome, scratch: str, catalog: str) -> bool:
    """Whether importing the built JSON again writes the same module (the header line that
    names the input file aside)."""
    root = project(tempfile.mkdtemp(dir=scratch), catalog)
    code, _ = run(root, "import", built)
    if code != 0:
        return False
    [written] = [f for f in os.listdir(os.path.join(root, "dashboards")) if f.endswith(".py")]
    with open(os.path.join(root, "dashboards", written), encoding="utf-8") as handle:
        again = handle.read()
    shutil.rmtree(root)

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("# Imported from ")]
    return body(again) == body(outcome.module or "")


def startup_floor() -> float:
    """Seconds for a fresh interpreter to load the import command with what it imports
    (grafanalib, the Grafana client ...), which a user's `dashsmith import` pays once per
    command and the in-process runs here once in all (best of three)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import dashsmith.cli, "
                        "dashsmith.commands.import_.command"], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def report(outcomes: list[Outcome], total: float, verbose: bool) -> None:
    imported = [o for o in outcomes if o.module is not None]
    refused = [o for o in outcomes if o.module is None]
    print(f"dashboards:    {len(outcomes)}")
    print(f"refused:       {len(refused)}")
    for reason, count in Counter(o.refused for o in refused).most_common():
        print(f"  {count:4}  {reason}")
        if verbose:
            for o in refused:
                if o.refused == reason:
                    print(f"          {o.path}: {o.message.splitlines()[-1][:300]}")
    print(f"imported:      {len(imported)}")
    print(f"builds back:   {sum(o.builds for o in imported)}")
    print(f"round-trips:   {sum(o.round_trips for o in imported)}")
    print(f"re-imports:    {sum(o.reimports for o in imported)} (the built JSON gives the same "
          "module)")
    clean = [o for o in imported if o.builds and not o.findings and not o.catalog_findings]
    catalog_clean = [o for o in imported if o.builds and not o.catalog_findings]
    print(f"lints clean:   {len(clean)} (no finding at all, with the metrics import inferred)")
    print(f"catalog clean: {len(catalog_clean)} (no catalog/* finding: the inferred metrics fit "
          "the queries)")
    for title, pick in (("catalog/* findings", lambda o: o.catalog_findings),
                        ("other findings (the source dashboards' own)", lambda o: o.findings)):
        rules = Counter(rule for o in imported for rule in pick(o))
        print(f"  {title}: {sum(rules.values())}")
        for rule, count in rules.most_common():
            modules = sum(rule in pick(o) for o in imported)
            print(f"    {count:5} {rule} in {modules} modules")
            if verbose:
                for example in EXAMPLES.get(rule, [])[:6]:
                    print(f"            {example[:220]}")
    if INFERRED_FINDINGS:
        print(f"  in the inferred metrics modules: {dict(INFERRED_FINDINGS)}")
    if verbose:
        for o in imported:
            if o.builds and not (o.round_trips and o.reimports):
                print(f"  not the same: {o.path} (round-trip {o.round_trips}, "
                      f"re-import {o.reimports})")
    seconds = sorted(o.seconds for o in outcomes)
    print(f"import time:   {sum(seconds):.1f} s for all (target: the corpus in <= 60 s), median "
          f"{seconds[len(seconds) // 2]:.3f} s, max {seconds[-1]:.2f} s; processor time "
          f"{sum(o.cpu for o in outcomes):.1f} s (the wall time less what other work took)")
    largest = max(imported, key=lambda o: o.panels, default=None)
    if largest is not None:
        print(f"largest:       {largest.panels} panels in {largest.seconds:.2f} s, processor "
              f"{largest.cpu:.2f} s (target: 125 panels in <= 2 s)  {largest.path}")
    slowest = sorted(imported, key=lambda o: -o.seconds)[:5]
    for o in slowest:
        print(f"  {o.seconds:6.2f} s (baseline {o.baseline:.3f} s, x{o.seconds / o.baseline:.0f})"
              f"  {o.panels:4} panels  {o.path}")
    baseline = sum(o.baseline for o in imported)
    ratio = sum(o.seconds for o in imported) / baseline if baseline else 0
    print(f"baseline:      {baseline:.1f} s (JSON read + one render of each imported "
          f"declaration); import / baseline = {ratio:.1f}")
    print(f"start-up:      {startup_floor():.2f} s per command (interpreter + the import "
          "command's modules; paid once here, before the first dashboard)")
    print(f"whole run:     {total:.1f} s")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N dashboards")
    parser.add_argument("--verbose", action="store_true", help="each refusal's message")
    options = parser.parse_args()
    files = {}
    for directory, _, names in sorted(os.walk(options.directory)):
        for name in sorted(names):
            if name.endswith(".json"):
                full = os.path.join(directory, name)
                files[os.path.relpath(full, options.directory)] = full
    if options.limit:
        files = dict(list(files.items())[:options.limit])
    with tempfile.TemporaryDirectory() as scratch:
        catalog = os.path.join(scratch, "catalog")
        shutil.copytree(os.path.join(REPO, "metrics"), catalog,
                        ignore=shutil.ignore_patterns("__pycache__"))
        # the modules an import loads, loaded once before the clock starts (start-up apart)
        warm = project(os.path.join(scratch, "warm"), catalog)
        run(warm, "import", "--dry-run", next(iter(files.values())))
        start = time.perf_counter()
        outcomes = [import_one(full, relative, scratch, catalog)
                    for relative, full in files.items()]
        check_built(outcomes, files, scratch, catalog)
        total = time.perf_counter() - start
    report(outcomes, total, options.verbose)


if __name__ == "__main__":
    main_()
