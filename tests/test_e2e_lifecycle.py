"""The stack starts and stops cleanly: no process outlives it and its temp dir goes, also when
a test fails inside it or a component cannot start; `dashsmith demo` stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from dashsmith.commands.verify import stack as stack_module
from dashsmith.commands.verify.stack import Stack, StackError, stray_processes
from dashsmith.compiler.project import Project
from support import REPO, require_binary

pytestmark = pytest.mark.live


@pytest.fixture(autouse=True)
def programs():
    for program in ("prometheus", "prometheus-node-exporter"):
        require_binary(program)


def test_a_failing_test_inside_the_stack_leaves_no_process_and_no_temp_dir():
    stack = Stack(Project(REPO), components=("exporter", "node", "prometheus"))
    with pytest.raises(RuntimeError, match="a test failed"), stack:
        pids, root = stack.pids(), stack.root
        assert len(stray_processes(pids)) >= len(pids)  # all running
        raise RuntimeError("a test failed")
    assert stray_processes(pids) == []
    assert not os.path.exists(root)


def test_a_component_that_cannot_start_is_named_and_the_rest_is_stopped(monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1]] + [stack_module.free_port() for _ in range(5)])
    monkeypatch.setattr(stack_module, "free_port", lambda: next(ports))
    started = []
    spawn = Stack._spawn

    def recording_spawn(self, *args, **kwargs):
        process = spawn(self, *args, **kwargs)
        started.append(process.popen.pid)
        return process

    monkeypatch.setattr(Stack, "_spawn", recording_spawn)
    stack = Stack(Project(REPO), components=("exporter", "node", "prometheus"))
    try:
        with pytest.raises(StackError, match=r"(?s)prometheus exited .*address already in use"):
            stack.start()
    finally:
        taken.close()
    assert started and stray_processes(started) == []
    assert stack.root == "" and stack.processes == []


def _read_until(process, marker: str, timeout: float) -> str:
    """The process's output up to the line holding `marker` (or all of it by the timeout)."""
    lines: list[str] = []

    def read():
        for line in iter(process.stdout.readline, ""):
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not any(marker in line for line in lines) and time.monotonic() < deadline:
        if process.poll() is not None and not reader.is_alive():
            break
        time.sleep(0.1)
    return "".join(lines)


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as file:
                    if int(file.read().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def test_demo_prints_the_urls_and_stops_on_ctrl_c():
    for program in ("prometheus-alertmanager", "prometheus-postgres-exporter", "initdb"):
        require_binary(program)
    demo = subprocess.Popen([sys.executable, "-m", "dashsmith", "--project", REPO, "demo"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out = _read_until(demo, "Ctrl-C stops the stack.", timeout=90)
        assert "Ctrl-C stops the stack." in out, out + demo.stderr.read() if demo.poll() else out
        prometheus = re.search(r"Prometheus:\s+(\S+)", out).group(1)
        alertmanager = re.search(r"Alertmanager:\s+(\S+)", out).group(1)
        assert _answers(prometheus + "/api/v1/status/buildinfo")
        assert _answers(alertmanager + "/api/v2/status")
        assert "error-spike" in out and "/fault/" in out
        children = _children(demo.pid)
        roots = {m for pid in children for m in re.findall(
            r"/[^\s\x00]*dashsmith-stack-[^/\s\x00]+", _cmdline(pid))}
        demo.send_signal(signal.SIGINT)
        assert demo.wait(30) == 0, demo.stderr.read()
    finally:
        if demo.poll() is None:  # a failed assertion: let the demo stop its stack, then kill
            demo.terminate()
            try:
                demo.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()
    assert stray_processes(children) == []
    assert roots and not any(os.path.exists(root) for root in roots)
    assert not _answers(prometheus + "/api/v1/status/buildinfo")


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", encoding="utf-8", errors="replace") as file:
            return file.read()
    except OSError:
        return ""
