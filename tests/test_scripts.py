"""The scripts under scripts/ still run: each is run the way its docstring says, tiny, so it
cannot rot unnoticed when the code it drives moves."""

from __future__ import annotations

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_deploy_benchmark_runs_on_a_legacy_and_a_13x_grafana():
    result = subprocess.run(
        [sys.executable, os.path.join(REPO, "scripts", "bench_deploy.py"), "--dashboards", "5",
         "--rtt-ms", "0", "--read-ms", "0", "--write-ms", "0", "--concurrency", "2",
         "--grafana-version", "11.3", "13.2"],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "estate: 5 dashboards" in out
    for described in ("Grafana 11.3.0 · dashboards via /api (legacy)",
                      "Grafana 13.2.3 · dashboards via dashboard.grafana.app/v1"):
        assert described in out
    assert out.count("naive update loop") == 2
    assert out.count("first deploy, concurrency 2") == 2
    # the no-op redeploy writes nothing, on either release
    assert "targets at the default concurrency:" in out
    assert out.count("with 0 writes (0)") == 2, out
