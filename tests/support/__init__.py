"""Helpers for dashsmith's tests, imported as a package: `from support import Cli, REPO`.

tests/ is on sys.path through `pythonpath` in pyproject.toml's [tool.pytest.ini_options], so
nothing here depends on how pytest imports conftest.py; conftest.py holds only fixtures.

- project:      the repository (REPO), a scratch copy of its declarations, editing its files
- cli:          Cli, running `dashsmith` in-process or as a subprocess
- binaries:     require_binary, the live-program policy (skip, or fail under CI)
- prometheus:   running_prometheus, a real Prometheus for a test, and reading its HTTP API
- samples:      sample content several test files share (the import corpus)
- grafana:      what tests that talk to a Grafana (or the emulator) share
- expectations: what panels must show on the synthetic workload (tests/test_e2e_stack.py)
"""

from __future__ import annotations

from .binaries import require_binary
from .cli import Cli
from .project import PROJECT_FILES, REPO, copy_project, edit, set_settings, tree

__all__ = ["PROJECT_FILES", "REPO", "Cli", "copy_project", "edit", "require_binary",
           "set_settings", "tree"]
