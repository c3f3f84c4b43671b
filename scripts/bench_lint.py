#!/usr/bin/env python3
"""Benchmark `dashsmith lint`.

1. A Prometheus rule file of 10,000 alerting rules over the platform's catalog (metrics/):
   `dashsmith lint --no-tools FILE` (every offline check of dashsmith's own: parsing,
   catalog, labels, templates, duplicates) against `promtool check rules FILE`, one run each.
   Target: time ratio lint / promtool <= 1.0, lint peak memory <= 300 MB.
2. A declared estate of 1,000 dashboards x 20 panels: `dashsmith lint --no-tools` against
   `dashsmith build` of the same estate (the baseline: rendering is the work both share).
   Target: lint peak memory <= 300 MB.

Each command runs as a fresh process (after one warm-up run that compiles bytecode), in a
temporary directory made here; time is wall clock (CPU time is printed too), memory the
process's peak RSS. A command that fails (a finding, for lint) stops the benchmark: the
generated inputs lint clean.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

import yaml

import benchlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIME_TARGET = 1.0
MEMORY_TARGET_MB = 300

# Alert expressions as the platform writes them; {i} makes each rule's threshold its own.
EXPRESSIONS = [
    'sum by (provider) (rate(ai_errors_total{{error_type=~"rate_limit_error|overloaded_error"}}[5m])) > {i}',
    'histogram_quantile(0.95, sum by (le, provider, tier) (rate(ai_latency_seconds_bucket{{tier="fast"}}[5m]))) > {i}',
    'sum(rate(tradingagents_analyses_total{{status="error"}}[5m])) / sum(rate(tradingagents_analyses_total[5m])) > {i}',
    'sum by (instance) (pg_stat_activity_count) / max by (instance) (pg_settings_max_connections) > {i}',
    'node_filesystem_avail_bytes{{fstype!~"tmpfs|overlay"}} / node_filesystem_size_bytes{{fstype!~"tmpfs|overlay"}} * 100 < {i}',
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
    return tuple(sorted(values)[len(values) // 2] for values in zip(*results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--dashboards", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="Run lint and promtool this many times, alternating, and compare "
                             "medians (a shared machine's load swings single runs).")
    args = parser.parse_args()
    promtool = shutil.which("promtool")
    dashsmith = [sys.executable, "-m", "dashsmith"]
    ok = True
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
