"""Shared test fixtures: a scratch copy of the project and the CLI on it.

Fixtures only; the helpers tests import live in tests/support (`from support import ...`).
"""

from __future__ import annotations

import pytest

from support import Cli, copy_project


@pytest.fixture
def project(tmp_path):
    """A copy of this repository's declarations in a temp dir; returns its path."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def cli(project):
    return Cli(project)
