#!/usr/bin/env python3
"""Benchmark `dashsmith lint`.

1. A Prometheus rule file of 10,000 alerting rules over the platform's catalog (metrics/):
   `dashsmith lint --no-tools FILE` (every offline check of dashsmith's own: parsing,
   catalog, labels, templates, duplicates) against `promtool check rules FILE`, one run each.
   Target: time ratio lint / promtool <= 1.0, lint peak memory <= 300 MB.
2. A declared estate of 1,000 dashboards x 20 panels: `dashsmith lint --no-tools` against
   `dashsmith build` of the same estate (the baseline: rendering is the work both share).
   Target: lint peak memory <= 300 MB.

3. The real-world corpus (../shared/corpus, or --corpus DIR; skipped when absent): lint
   --no-tools of its rule files (all files at once, and one file holding every group of them)
   against `promtool check rules` on the same input, and lint of its dashboards; each lint
   run outside any project, as a new user lints files, and its findings counted per rule id.
   Also measured: the floor every lint run pays, `dashsmith --version` (interpreter start-up
   and imports), and reading the dashboards' JSON with positions against json.loads.
   Target: lint of the rules <= 1.0x promtool.

Each command runs as a fresh process (after one warm-up run that compiles bytecode), in a
temporary directory made here; time is wall clock (CPU time is printed too: for lint, that of
the process and of the processes it forks to check files side by side, one per CPU, see
linter/runner.py; for promtool, of its threads), memory the process's peak RSS. A command
that fails (a finding, for lint) stops the benchmark: the generated inputs lint clean.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIME_TARGET = 1.0
MEMORY_TARGET_MB = 300

# Alert expressions as the platform writes them; {i} makes each rule's threshold its own.
EXPRESSIONS = [
    'sum by (provider) (rate(ai_errors_total{{error_type=~"rate_limit_error|overloaded_error"}}'
    '[5m])) > {i}',
    'histogram_quantile(0.95, sum by (le, provider, tier) '
    '(rate(ai_latency_seconds_bucket{{tier="fast"}}[5m]))) > {i}',
    'sum(rate(tradingagents_analyses_total{{status="error"}}[5m])) '
    '/ sum(rate(tradingagents_analyses_total[5m])) > {i}',
    'sum by (instance) (pg_stat_activity_count) '
    '/ max by (instance) (pg_settings_max_connections) > {i}',
    'node_filesystem_avail_bytes{{fstype!~"tmpfs|overlay"}} '
    '/ node_filesystem_size_bytes{{fstype!~"tmpfs|overlay"}} * 100 < {i}',
]
# Each rule's text is its own, so no cache makes a repeated template free.
DESCRIPTIONS = [
    "{{{{ $labels.provider }}}} refused {{{{ $value | humanize }}}} calls per second ({i}).",
    "p95 latency of {{{{ $labels.provider }}}} is {{{{ $value | humanizeDuration }}}} ({i}).",
    "{{{{ $value | humanizePercentage }}}} of analyses failed (over {i}).",
    "{{{{ $labels.instance }}}} uses {{{{ $value | humanizePercentage }}}} of connections ({i}).",
    "{{{{ $labels.mountpoint }}}} on {{{{ $labels.instance }}}} has {{{{ $value }}}}% left ({i}).",
]


def rule_file(count: int) -> dict:
    rules = []
    for i in range(count):
        kind = i % len(EXPRESSIONS)
        rules.append({
            "alert": f"BenchAlert{i}",
            "expr": EXPRESSIONS[kind].format(i=i + 1),
            "for": "5m",
            "labels": {"severity": "warning"},
            "annotations": {"summary": f"Bench alert {i} fires.",
                            "description": DESCRIPTIONS[kind].format(i=i + 1),
                            "runbook_url": f"https://example.com/runbook.md#benchalert{i}"},
        })
    return {"groups": [{"name": f"bench-{g}", "rules": rules[g * 100:(g + 1) * 100]}
                       for g in range((count + 99) // 100)]}


# Formatted once with the panel's numbers: doubled braces stand for PromQL's.
EXPRESSION = ('sum by (provider) (rate(ai_errors_total{{job=~"$job",error_type="api_error"}}'
              '[$__rate_interval]))')


def project(root: str) -> None:
    benchlib.write_setup_cfg(root)
    shutil.copytree(os.path.join(REPO, "metrics"), os.path.join(root, "metrics"),
                    ignore=shutil.ignore_patterns("__pycache__"))


def measure(command: list[str]) -> tuple[float, float, float]:
    m = benchlib.measure(command, failure="failed (the generated input should lint clean)")
    return m.wall, m.cpu, m.peak_mb


def _median(results: list[tuple]) -> tuple:
    """Each measure's median over the runs."""
    return tuple(sorted(values)[len(values) // 2] for values in zip(*results, strict=True))


def find_corpus(given: str | None) -> str | None:
    path = given or os.path.join(os.path.dirname(REPO), "shared", "corpus")
    return path if os.path.isdir(path) else None


def corpus_files(corpus: str) -> tuple[list[str], list[str]]:
    """(rule files, dashboards) under the corpus, in a stable order."""
    rules, dashboards = [], []
    for directory, subdirs, files in os.walk(corpus):
        subdirs.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.endswith((".yml", ".yaml")):
                rules.append(path)
            elif name.endswith(".json"):
                dashboards.append(path)
    return rules, dashboards


def one_rule_file(paths: list[str], into: str) -> int:
    """Every group of `paths` in one file (names made unique); the number of rules."""
    groups = []
    for number, path in enumerate(paths):
        with open(path) as handle:
            data = yaml.safe_load(handle) or {}
        for group in data.get("groups") or []:
            groups.append({**group, "name": f"{number}-{group.get('name')}"})
    with open(into, "w") as handle:
        yaml.safe_dump({"groups": groups}, handle, sort_keys=False)
    return sum(len(group.get("rules") or []) for group in groups)


def run_any(command: list[str], cwd: str) -> tuple[benchlib.Measurement, str]:
    """One run of `command` whatever its exit status (lint exits 1 on findings, promtool on
    an error): the measurement and its standard output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd,
                                   env=benchlib.ENV)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"exit {os.waitstatus_to_exitcode(status)}: {' '.join(command[:6])} ...")
    return benchlib.Measurement(wall, usage.ru_utime + usage.ru_stime,
                                usage.ru_maxrss / 1024), output


def _triple(m: benchlib.Measurement) -> tuple[float, float, float]:
    return m.wall, m.cpu, m.peak_mb


def read_json(paths: list[str], repeat: int) -> None:
    """Reading the dashboards as lint does (every object's line noted: linter/locate.py)
    against the standard library's C decoder, which notes none, in this process: the price of
    the positions."""
    from dashsmith.linter import locate

    texts = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            texts.append(handle.read())
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            locate.load_json(text)
        ours = time.process_time() - start
        start = time.process_time()
        for text in texts:
            json.loads(text)
        timings.append((ours, time.process_time() - start))
    ours, plain = _median(timings)
    print(f"  reading {len(paths)} dashboards' JSON with positions: {ours:.2f} s cpu, "
          f"json.loads {plain:.2f} s: ratio {ours / plain:.1f}")


UNAVOIDABLE = "import click, yaml, promql_parser"
LINT_IMPORTS = ("import dashsmith.cli, dashsmith.commands.lint, dashsmith.linter.engine, "
                "dashsmith.linter.runner as r; r.registry.hooked({'rule_file', 'rule', 'query'}, "
                "{'rule'})")


def bench_corpus(corpus: str, repeat: int, promtool: str | None) -> bool:
    dashsmith = [sys.executable, "-m", "dashsmith"]
    rules, dashboards = corpus_files(corpus)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-lint-corpus-") as scratch:
        merged = os.path.join(scratch, "all.rules.yml")
        count = one_rule_file(rules, merged)
        run_any([*dashsmith, "--version"], scratch)  # compiles bytecode
        floor = _median([_triple(run_any([*dashsmith, "--version"], scratch)[0])
                         for _ in range(repeat)])
        python = _median([_triple(run_any([sys.executable, "-c", "pass"], scratch)[0])
                          for _ in range(repeat)])
        # What no lint of rule files can do without: the command line, the C YAML parser and
        # the PromQL parser; then everything lint of files imports before it reads a file.
        libraries = _median([_triple(run_any([sys.executable, "-c", UNAVOIDABLE], scratch)[0])
                             for _ in range(repeat)])
        imports = _median([_triple(run_any([sys.executable, "-c", LINT_IMPORTS], scratch)[0])
                           for _ in range(repeat)])
        print(f"corpus {corpus}: {len(rules)} rule files ({count} rules), "
              f"{len(dashboards)} dashboards")
        print(f"  floor: dashsmith --version {floor[0]:.2f} s wall {floor[1]:.2f} s cpu "
              "(interpreter and imports, paid by every run); the interpreter alone "
              f"{python[0]:.2f} s wall {python[1]:.2f} s cpu; with the libraries lint cannot do "
              f"without (click, yaml, promql_parser) {libraries[0]:.2f} s wall "
              f"{libraries[1]:.2f} s cpu; with lint's own imports {imports[0]:.2f} s wall "
              f"{imports[1]:.2f} s cpu")
        by_id: collections.Counter[str] = collections.Counter()
        in_project = [*dashsmith, "--project", REPO]
        for label, paths, command in (
                (f"{len(rules)} rule files", rules, dashsmith),
                (f"one file, {count} rules", [merged], dashsmith),
                (f"{len(rules)} rule files in this repository's project (its catalog: every "
                 "unknown metric looked up)", rules, in_project)):
            lint = [*command, "lint", "--no-tools", "--format", "json", *paths]
            runs = []
            for _ in range(repeat):
                ours, output = run_any(lint, scratch)
                theirs = run_any([promtool, "check", "rules", *paths], scratch)[0] \
                    if promtool else None
                runs.append((_triple(ours), _triple(theirs) if theirs else None))
            lint_s, lint_cpu, lint_mb = _median([r[0] for r in runs])
            print(f"  {label}:")
            print(f"    dashsmith lint      {lint_s:7.2f} s {lint_cpu:7.2f} s {lint_mb:6.0f} MB")
            if promtool:
                tool_s, tool_cpu, tool_mb = _median([r[1] for r in runs])
                print(f"    promtool check      {tool_s:7.2f} s {tool_cpu:7.2f} s "
                      f"{tool_mb:6.0f} MB")
                print(f"    ratio lint/promtool {lint_s / tool_s:.2f} wall, "
                      f"{lint_cpu / tool_cpu:.2f} cpu (target <= {TIME_TARGET})")
                ok &= lint_s / tool_s <= TIME_TARGET
            ok &= lint_mb <= MEMORY_TARGET_MB
            if command is dashsmith and paths is rules:
                by_id.update(p["rule"] for p in json.loads(output or "[]"))
        read_json(dashboards, repeat)
        lint = [*dashsmith, "lint", "--no-tools", "--format", "json", *dashboards]
        measured, output = run_any(lint, scratch)
        by_id.update(p["rule"] for p in json.loads(output or "[]"))
        print(f"  {len(dashboards)} dashboards:")
        print(f"    dashsmith lint      {measured.wall:7.2f} s {measured.cpu:7.2f} s "
              f"{measured.peak_mb:6.0f} MB")
        ok &= measured.peak_mb <= MEMORY_TARGET_MB
    print("  findings per rule id (rule files and dashboards, outside a project):")
    for rule_id, number in sorted(by_id.items(), key=lambda item: (-item[1], item[0])):
        print(f"    {number:6}  {rule_id}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--dashboards", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="Run lint and promtool this many times, alternating, and compare "
                             "medians (a shared machine's load swings single runs).")
    parser.add_argument("--corpus", help="The real-world corpus (default ../shared/corpus).")
    parser.add_argument("--corpus-only", action="store_true",
                        help="Measure only the corpus, not the synthetic inputs.")
    args = parser.parse_args()
    promtool = shutil.which("promtool")
    corpus = find_corpus(args.corpus)
    ok = True
    if corpus is not None:
        ok &= bench_corpus(corpus, args.repeat, promtool)
    elif args.corpus_only:
        sys.exit("no corpus: pass --corpus DIR")
    if args.corpus_only:
        print("targets met" if ok else "targets NOT met")
        return 0 if ok else 1
    dashsmith = [sys.executable, "-m", "dashsmith"]
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as scratch:
        root = os.path.join(scratch, "rules-project")
        project(root)
        os.makedirs(os.path.join(root, "dashboards"))
        os.makedirs(os.path.join(root, "alerts"))
        path = os.path.join(scratch, "bench.rules.yml")
        with open(path, "w") as handle:
            yaml.safe_dump(rule_file(args.rules), handle, sort_keys=False)
        lint = [*dashsmith, "--project", root, "lint", "--no-tools", path]
        measure(lint)  # compiles dashsmith's bytecode, as every run after the first has it
        runs = [(measure(lint), measure([promtool, "check", "rules", path]) if promtool else None)
                for _ in range(args.repeat)]
        lint_s, lint_cpu, lint_mb = _median([ours for ours, _ in runs])
        print(f"rule file, {args.rules} alerts:      wall       cpu     peak")
        print(f"  dashsmith lint      {lint_s:7.2f} s {lint_cpu:7.2f} s {lint_mb:6.0f} MB")
        if promtool:
            tool_s, tool_cpu, tool_mb = _median([theirs for _, theirs in runs])
            ratio = lint_s / tool_s
            print(f"  promtool check      {tool_s:7.2f} s {tool_cpu:7.2f} s {tool_mb:6.0f} MB")
            print(f"  ratio lint/promtool {ratio:.2f} wall, {lint_cpu / tool_cpu:.2f} cpu "
                  f"(target <= {TIME_TARGET})")
            ok &= ratio <= TIME_TARGET
        else:
            print("  promtool is not installed: no baseline")
        ok &= lint_mb <= MEMORY_TARGET_MB

        root = os.path.join(scratch, "estate")
        project(root)
        os.makedirs(os.path.join(root, "alerts"))
        benchlib.write_dashboards(root, args.dashboards, expr=EXPRESSION,
                                  legend="{{provider}}", job_metric="ai_completions_total")
        build = [*dashsmith, "--project", root, "build", "--out", os.path.join(scratch, "out")]
        measure(build)  # compiles the estate's modules once, for both
        build_s, build_cpu, build_mb = measure(build)
        lint_s, lint_cpu, lint_mb = measure([*dashsmith, "--project", root, "lint",
                                             "--no-tools"])
        print(f"estate, {args.dashboards} dashboards x 20 panels:")
        print(f"  dashsmith lint      {lint_s:7.2f} s {lint_cpu:7.2f} s {lint_mb:6.0f} MB")
        print(f"  dashsmith build     {build_s:7.2f} s {build_cpu:7.2f} s {build_mb:6.0f} MB")
        print(f"  ratio lint/build {lint_s / build_s:.2f}; memory target <= {MEMORY_TARGET_MB} MB")
        ok &= lint_mb <= MEMORY_TARGET_MB
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
