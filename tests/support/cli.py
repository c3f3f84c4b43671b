"""Running the `dashsmith` command against a project directory."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from dashsmith.cli import main


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
