"""Alertmanager's amtool, run by lint on the compiled routing (`amtool check-config`). It is
optional, except where DASHSMITH_REQUIRE_LIVE is set (CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from dashsmith.checks.rules.routing_amtool import RoutingAmtool
from dashsmith.compiler import serialize
from dashsmith.linter.promtool import REQUIRE_VARIABLE
from dashsmith.model.problems import Problem

TIMEOUT = 60


class AmtoolMissing(Exception):
    pass


def find() -> str | None:
    """amtool's path; None if it is not installed and not required."""
    path = shutil.which("amtool")
    if path is None and os.environ.get(REQUIRE_VARIABLE):
        raise AmtoolMissing("amtool is not installed (Debian package 'prometheus-alertmanager') "
                            f"and {REQUIRE_VARIABLE} is set")
    return path


def check_config(amtool: str, estate) -> list[Problem]:
    """`amtool check-config` on the compiled alertmanager.yml; its complaint as a finding."""
    if estate.routing is None:
        return []
    # Imported here: only a declared routing is checked; lint of files does not import it.
    from dashsmith.routing import alertmanager

    data = serialize.to_yaml(alertmanager.config(estate.routing))
    with tempfile.TemporaryDirectory(prefix="dashsmith-amtool-") as directory:
        path = os.path.join(directory, "alertmanager.yml")
        with open(path, "wb") as handle:
            handle.write(data)
        result = subprocess.run([amtool, "check-config", path], capture_output=True, text=True,
                                timeout=TIMEOUT)
    if result.returncode == 0:
        return []
    output = (result.stdout + result.stderr).replace(path, "alertmanager.yml").strip()
    return [RoutingAmtool().refused(output, estate.routing)]
