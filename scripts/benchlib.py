"""What the benchmarks share: a synthetic estate of dashboard modules, and the measure of one
process (wall time, CPU time, peak memory)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

SETUP_CFG = "[dashsmith]\ndashboards = dashboards\nalerts = alerts\ncatalog = metrics\n"

# One dashboard module, as a person would write it with dashsmith's helpers.
DASHBOARD = '''\
from dashsmith import Dashboard, Row, label_variable, timeseries

dashboard = Dashboard(
    uid="bench-{n}",
    title="Service {n}",
    folder="{folder}",
    tags=["bench"],
    description="Synthetic dashboard {n}.",
    variables=[label_variable("job", "{job_metric}")],
    rows=[
{rows}
    ],
)
'''
ROW = '''        Row("Row {r}", [
{panels}
        ]),'''
PANEL = '''            timeseries(
                "Panel {r}.{p}",
                '{expr}',
                legend="{legend}",
                unit="ops",
                description="Synthetic panel {r}.{p}.",
            ),'''


def write_dashboards(root: str, count: int, *, expr: str, legend: str, job_metric: str,
                     folder: str = "Bench", rows: int = 4, panels: int = 5) -> None:
    """`count` modules under root/dashboards/; `expr` and `folder` may use {n}, {r}, {p} (the
    dashboard, row and panel numbers) and {group} (n % 10)."""
    os.makedirs(os.path.join(root, "dashboards"), exist_ok=True)
    for n in range(count):
        body = "\n".join(
            ROW.format(r=r, panels="\n".join(
                PANEL.format(r=r, p=p, legend=legend,
                             expr=expr.format(n=n, r=r, p=p, group=n % 10))
                for p in range(panels)))
            for r in range(rows))
        text = DASHBOARD.format(n=n, folder=folder.format(n=n, group=n % 10),
                                job_metric=job_metric, rows=body)
        with open(os.path.join(root, "dashboards", f"d{n:04}.py"), "w") as handle:
            handle.write(text)


def write_setup_cfg(root: str) -> None:
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "setup.cfg"), "w") as handle:
        handle.write(SETUP_CFG)


# Both sides may cache bytecode, as on a developer's machine (some CI images turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Measurement:
    wall: float  # seconds
    cpu: float  # user + system seconds: steadier than wall time on a shared machine
    peak_mb: float  # peak resident memory


def measure(command: list[str], *, failure: str = "failed") -> Measurement:
    """One run of `command` as a fresh process; exits the benchmark if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{failure}: {' '.join(command)}")
    return Measurement(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
