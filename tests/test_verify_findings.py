"""What verify prints on a healthy stack: its findings, with the info ones (catalog metrics
nothing reads) counted in one line unless -v asks for them; json and github list every one.
Against a real Prometheus that scrapes only itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import Cli

pytestmark = pytest.mark.live

DASHBOARD = '''\
from dashsmith import Dashboard, timeseries

dashboard = Dashboard(uid="verified", title="Verified", folder="Tests", rows=[
    timeseries("Up", 'sum(up{job="prometheus"})', unit="short", description="d", legend="up"),
])
'''
CATALOG = '''\
from dashsmith import Counter, Gauge

METRICS = [
    Gauge("up", "Whether the target was scraped.", exporter="prometheus"),
    Gauge("process_open_fds", "Open file descriptors.", exporter="prometheus"),
    Gauge("process_max_fds", "File descriptor limit.", exporter="prometheus"),
    Counter("prometheus_http_requests_total", "HTTP requests.", exporter="prometheus"),
]
'''


@pytest.fixture
def prometheus(self_scraping):
    return self_scraping  # the session's (conftest.py): these tests only read it


@pytest.fixture
def healthy(tmp_path) -> Cli:
    """A project whose one panel shows data and whose catalog has three metrics nothing reads."""
    for directory in ("dashboards", "metrics"):
        (tmp_path / directory).mkdir()
    (tmp_path / "setup.cfg").write_text("[dashsmith]\nscrape_interval = 1s\n")
    (tmp_path / "dashboards" / "verified.py").write_text(DASHBOARD)
    (tmp_path / "metrics" / "prometheus.py").write_text(CATALOG)
    return Cli(tmp_path)


def verify(cli: Cli, url: str, *args: str):
    return cli.subprocess("verify", "--prometheus", url, "--range", "1m", *args)


def test_info_findings_are_counted_in_one_line(healthy, prometheus):
    result = verify(healthy, prometheus)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "info: 3 finding(s) not listed (catalog/unread 3); -v lists them"]
    assert "verify: 3 problem(s): 3 info(s)" in result.stderr


def test_verbose_lists_them(healthy, prometheus):
    result = verify(healthy, prometheus, "-v")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and all(" info catalog/unread metric " in line for line in lines)
    assert any("process_open_fds" in line for line in lines)


def test_json_and_github_list_every_finding(healthy, prometheus):
    found = json.loads(verify(healthy, prometheus, "--format", "json").stdout)
    assert sorted(p["message"].split()[1] for p in found) == [
        "process_max_fds", "process_open_fds", "prometheus_http_requests_total"]
    annotations = verify(healthy, prometheus, "--format", "github").stdout.splitlines()
    assert len(annotations) == 3 and all(a.startswith("::notice ") for a in annotations)


def test_warnings_and_errors_are_still_listed_beside_the_count(healthy, prometheus):
    broken = DASHBOARD.replace('uid="verified", title="Verified"', 'uid="gone", title="Gone"')
    broken = broken.replace("sum(up{job=\"prometheus\"})", "sum(nothing_here_total)")
    (Path(healthy.root) / "dashboards" / "gone.py").write_text(broken)
    result = verify(healthy, prometheus)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "error promql/series dashboard 'Gone' panel 'Up'" in lines[0]
    assert lines[-1] == "info: 3 finding(s) not listed (catalog/unread 3); -v lists them"
