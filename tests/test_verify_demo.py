"""`dashsmith demo` as a user runs it: the whole stack in the foreground, on the ports asked
for, printing how to watch the dashboards' numbers (no Grafana runs here: `dashsmith preview
--prometheus`), and gone after SIGTERM. Against the real Debian programs."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time

import pytest

from dashsmith.commands.verify.stack import Stack, StackError, free_port, parse_ports
from dashsmith.compiler.project import Project
from support.binaries import require_binary
from support.project import REPO
from support.prometheus import api


@pytest.mark.live
def test_demo_listens_where_asked_and_prints_how_to_watch_the_dashboards(cli, project, tmp_path):
    for program in ("prometheus", "prometheus-alertmanager", "postgres"):
        require_binary(program)
    prometheus_port, alertmanager_port = free_port(), free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "dashsmith", "--project", str(project), "demo",
         "--port", str(prometheus_port), "--port", f"alertmanager={alertmanager_port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        lines = _lines_until(demo, "Ctrl-C stops the stack.", timeout=120)
        printed = {line.split(":", 1)[0]: line.split(":", 1)[1].strip()
                   for line in lines if ":" in line and not line.startswith(" ")}
        url = f"http://127.0.0.1:{prometheus_port}"
        assert printed["Prometheus"].startswith(f"{url} ")
        assert printed["Alertmanager"] == f"http://127.0.0.1:{alertmanager_port}"
        assert [s["value"][1] for s in api(url, "/api/v1/query", query='up{job="node"}')] == ["1"]

        # The printed preview command, run as printed, draws every dashboard from that Prometheus.
        watch = printed["Dashboards"].split("  (")[0]
        assert watch.startswith(f"dashsmith preview --prometheus {url} ")
        out = tmp_path / "pictures"
        result = cli(*shlex.split(watch)[1:], "--out", str(out))
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir() if p.suffix == ".png") == sorted(
            f"{d.uid}.png" for d in Project(str(project)).build().dashboards)
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        _, stderr = demo.communicate(timeout=30)
    assert demo.returncode == 0, stderr
    assert "stopping ..." in stderr
    for port in (prometheus_port, alertmanager_port):  # the programs are gone with the demo
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()


def _lines_until(process: subprocess.Popen, last: str, timeout: float) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"demo exited ({process.wait()}): {process.stderr.read()}")
        lines.append(line.rstrip("\n"))
        if lines[-1] == last:
            return lines
    pytest.fail(f"demo printed no {last!r} in {timeout}s: {lines}")


def test_ports_are_read_as_demo_takes_them():
    assert parse_ports(["9090", "alertmanager=9093", "postgres=5433"]) == {
        "prometheus": 9090, "alertmanager": 9093, "postgres": 5433}
    for bad, says in (("grafana=3000", "no port named 'grafana'"), ("90x", "use PORT"),
                      ("prometheus=0", "use PORT"), ("70000", "use PORT")):
        with pytest.raises(ValueError, match=says):
            parse_ports([bad])


def test_demo_refuses_a_port_it_cannot_read(cli):
    result = cli("demo", "--port", "grafana=3000")
    assert result.exit_code == 2
    assert "--port" in result.output and "no port named 'grafana'" in result.output


@pytest.mark.live
def test_a_port_in_use_stops_the_stack_before_any_program_starts():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        stack = Stack(Project(REPO), components=("prometheus",), fixed_ports={"prometheus": port})
        with pytest.raises(StackError, match=f"port {port} for prometheus is in use"):
            stack.start()
    assert stack.processes == []
    both = Stack(Project(REPO), components=("prometheus",),
                 fixed_ports={"prometheus": port, "node": port})
    with pytest.raises(StackError, match=f"port {port} is given to both prometheus and node"):
        both.start()
