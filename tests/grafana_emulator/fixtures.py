"""pytest fixtures over the emulator: one server per test module, a clean one per test."""

from __future__ import annotations

import pytest

from .emulator import GrafanaEmulator


def emulator_fixtures(**options):
    """`(running, emu)` fixtures: `running` starts one emulator with `options` for the module;
    `emu` empties it before each test and fails the test if the emulator itself broke.
    Bind both at module level: `running, emu = emulator_fixtures(tokens={...})`."""

    @pytest.fixture(scope="module")
    def running():
        with GrafanaEmulator(**options) as emulator:
            yield emulator

    @pytest.fixture
    def emu(running):
        running.reset()
        yield running
        assert running.server_errors == []

    return running, emu
