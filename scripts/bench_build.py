#!/usr/bin/env python3
"""Benchmark `dashsmith build` on a synthetic estate of 1,000 dashboards × 20 panels.

Baseline, measured in the same run: plain grafanalib building the same dashboards and writing
them with json.dumps(..., sort_keys=True, indent=2), as grafanalib's own generator does.
Both run as fresh processes; time is wall clock, memory is the process's peak RSS.

Targets: time ratio (dashsmith / baseline) ≤ 0.5, dashsmith peak memory ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import benchlib

PANELS_PER_ROW = 5
ROWS = 4

# Formatted once with the panel's numbers: doubled braces stand for PromQL's.
EXPRESSION = 'sum by (instance) (rate(metric_{n}_{r}_{p}_total{{job=~"$job"}}[$__rate_interval]))'

# The same dashboards built with grafanalib alone, then serialised the grafanalib way.
BASELINE = r'''
import json, os, sys
import grafanalib.core as g
from grafanalib._gen import DashboardEncoder

out, count = sys.argv[1], int(sys.argv[2])
DS = {"type": "prometheus", "uid": "${datasource}"}
for n in range(count):
    panels, y = [], 0
    for r in range(ROWS):
        panels.append(g.RowPanel(title=f"Row {r}", gridPos=g.GridPos(h=1, w=24, x=0, y=y)))
        y += 1
        for p in range(PANELS_PER_ROW):
            x = (p % 4) * 6
            if p and p % 4 == 0:
                y += 8
            panels.append(g.TimeSeries(
                title=f"Panel {r}.{p}", description=f"Synthetic panel {r}.{p}.", unit="ops",
                dataSource=DS, gridPos=g.GridPos(h=8, w=6, x=x, y=y),
                targets=[g.Target(
                    expr=f'sum by (instance) (rate(metric_{n}_{r}_{p}_total{{job=~"$job"}}'
                         f'[$__rate_interval]))',
                    legendFormat="{{instance}}", refId="A", datasource=DS)]))
        y += 8
    dashboard = g.Dashboard(
        title=f"Service {n}", uid=f"bench-{n}", tags=["bench"],
        description=f"Synthetic dashboard {n}.",
        templating=g.Templating(list=[
            g.Template(name="datasource", query="prometheus", type="datasource"),
            g.Template(name="job", query="label_values(up, job)", dataSource=DS, refresh=2)]),
        panels=panels).auto_panel_ids()
    folder = os.path.join(out, f"group-{n % 10}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"bench-{n}.json"), "w") as handle:
        json.dump(dashboard.to_json_data(), handle, sort_keys=True, indent=2, cls=DashboardEncoder)
        handle.write("\n")
'''.replace("ROWS", str(ROWS)).replace("PANELS_PER_ROW", str(PANELS_PER_ROW))


def write_estate(root: str, count: int) -> None:
    benchlib.write_setup_cfg(root)
    benchlib.write_dashboards(root, count, expr=EXPRESSION, legend="{{instance}}",
                              job_metric="up", folder="Bench/Group {group}", rows=ROWS,
                              panels=PANELS_PER_ROW)


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one process."""
    result = benchlib.measure(command)
    return result.wall, result.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboards", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        project = os.path.join(tmp, "project")
        write_estate(project, args.dashboards)
        # Python compiles the modules on first import; time a build that has its bytecode,
        # as every build after the first does.
        measure([sys.executable, "-m", "dashsmith", "--project", project, "build"])
        base_time, base_memory = measure(
            [sys.executable, "-c", BASELINE, os.path.join(tmp, "baseline"), str(args.dashboards)])
        ours_time, ours_memory = measure(
            [sys.executable, "-m", "dashsmith", "--project", project, "build"])
        sample = os.path.join(project, "build", "dashboards", "bench-group-0", "bench-0.json")
        with open(sample) as handle:
            panels = len(json.load(handle)["panels"])
    ratio = ours_time / base_time
    print(f"estate: {args.dashboards} dashboards x {panels - ROWS} panels (+{ROWS} rows)")
    print(f"baseline grafanalib + json.dumps: {base_time:6.2f} s  peak {base_memory:6.0f} MB")
    print(f"dashsmith build:                  {ours_time:6.2f} s  peak {ours_memory:6.0f} MB")
    print(f"ratio dashsmith/baseline: {ratio:.2f} (target <= 0.5)  "
          f"{'OK' if ratio <= 0.5 else 'MISSED'}")
    print(f"peak memory: {ours_memory:.0f} MB (target <= 500)  "
          f"{'OK' if ours_memory <= 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
