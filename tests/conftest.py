"""Shared test fixtures: a scratch copy of the project, the CLI, and the live-binary policy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dashsmith.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What a project consists of; copied into a temp dir so tests can change and build it freely.
PROJECT_FILES = ("setup.cfg", "dashboards", "alerts", "metrics", "docs")


def set_settings(root, section: str, **values: str) -> None:
    """Set `key = value` lines in [section] of the project's setup.cfg (replacing a line that
    sets the same key; adding the section at the end if it is missing)."""
    path = os.path.join(root, "setup.cfg")
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = f"[{section}]"
    if header not in lines:
        lines += ["", header]
    start = lines.index(header) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    for key, value in values.items():
        line = f"{key} = {value}"
        found = next((i for i in range(start, end) if lines[i].split("=")[0].strip() == key), None)
        if found is None:
            lines.insert(end, line)
            end += 1
        else:
            lines[found] = line
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def require_binary(name: str) -> str:
    """The path of a program from Debian's packages. Where DASHSMITH_REQUIRE_LIVE is set (CI),
    a missing program fails the test; elsewhere it skips it."""
    path = shutil.which(name) or _sbin(name)
    if path:
        return path
    message = f"{name} is not installed (Debian package; see .ci/run)"
    if os.environ.get("DASHSMITH_REQUIRE_LIVE"):
        pytest.fail(message + " and DASHSMITH_REQUIRE_LIVE is set")
    pytest.skip(message)


def _sbin(name: str) -> str | None:
    for directory in ("/usr/sbin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
                      "/usr/lib/postgresql/17/bin"):
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture
def project(tmp_path):
    """A copy of this repository's declarations in a temp dir; returns its path."""
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_FILES:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(source):
            shutil.copy(source, root / name)
    return root


class Cli:
    """Runs `dashsmith` in-process (fast) or as a real subprocess (exit codes, stdout/err)."""

    def __init__(self, root):
        self.root = str(root)

    def __call__(self, *args: str, env: dict | None = None):
        runner = CliRunner()
        return runner.invoke(main, ["--project", self.root, *args], env=env,
                             catch_exceptions=False)

    def subprocess(self, *args: str, env: dict | None = None, timeout: float = 120):
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([sys.executable, "-m", "dashsmith", "--project", self.root, *args],
                              capture_output=True, text=True, env=full_env, timeout=timeout)


@pytest.fixture
def cli(project):
    return Cli(project)
