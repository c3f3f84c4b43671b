"""Shared test fixtures: a scratch copy of the project and the CLI on it.

Fixtures only; the helpers tests import live in tests/support (`from support import ...`).
"""

from __future__ import annotations

import pytest

from support import Cli, copy_project
from support.prometheus import self_scraping_prometheus


@pytest.fixture
def project(tmp_path):
    """A copy of this repository's declarations in a temp dir; returns its path."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def cli(project):
    return Cli(project)


@pytest.fixture(scope="session")
def shipped_test(tmp_path_factory):
    """`dashsmith test ARGS` on an untouched copy of the project, run once per ARGS in the
    session and shared by the tests that only read its report: each run is promtool over every
    group of alerts/tests (seconds of CPU). A test that changes the project runs its own."""
    root = copy_project(tmp_path_factory.mktemp("shipped") / "project")
    results: dict = {}

    def run(*args: str):
        if args not in results:
            results[args] = Cli(root)("test", *args)
        return results[args]

    return run


@pytest.fixture(scope="session")
def self_scraping(tmp_path_factory):
    """A real Prometheus scraping itself (support.prometheus.self_scraping_prometheus), started
    once for the session: the verify tests only read it (seconds to start and fill)."""
    with self_scraping_prometheus(tmp_path_factory.mktemp("self-scraping")) as url:
        yield url
