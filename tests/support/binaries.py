"""Programs from Debian's packages that live tests run (prometheus, promtool, postgres, ...)."""

from __future__ import annotations

import os
import shutil

import pytest

# Where Debian installs programs that are not on an ordinary user's PATH.
_SBIN = ("/usr/sbin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
         "/usr/lib/postgresql/17/bin")


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
    for directory in _SBIN:
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None
