"""Prometheus rule files: which ones deploy writes, where, and making Prometheus load them.

After writing, with PROMETHEUS_URL set, deploy POSTs /-/reload (Prometheus must run with
--web.enable-lifecycle; the reload answers only once it is done, with the error if a file is
bad) and then checks /api/v1/rules: every group of every file must be loaded.
"""

from __future__ import annotations

import os

from .. import output, serialize
from ..prometheus.api import Prometheus, PrometheusError, Unreachable
from .alerting import recording_rules_only

BUILD_RULE_DIRS = ("rules/", "provisioning/prometheus/rules/")
RELOAD_RETRIES = 4  # a Prometheus that is restarting answers again within seconds


def rule_files(build, grafana_alerts: bool) -> dict[str, dict]:
    """{name: rule-file data} Prometheus should evaluate: all rules, or (when Grafana
    evaluates the alerts) only the recording rules."""
    return recording_rules_only(build.rule_files) if grafana_alerts else dict(build.rule_files)


def build_tree(build, files_for_rules: dict[str, dict]) -> dict[str, bytes]:
    """The build's files with its Prometheus rule files replaced by `files_for_rules`."""
    files = {path: data for path, data in build.files.items()
             if not path.startswith(BUILD_RULE_DIRS)}
    for name, data in files_for_rules.items():
        text = serialize.to_yaml(data)
        for directory in BUILD_RULE_DIRS:
            files[f"{directory}{name}.yml"] = text
    return files


def write_rules_dir(directory: str, files_for_rules: dict[str, dict]) -> None:
    """Replace `directory` with exactly these rule files (output.OutputError if the directory
    holds files dashsmith did not write)."""
    output.replace_tree(directory, {f"{name}.yml": serialize.to_yaml(data)
                                    for name, data in files_for_rules.items()})


def reload_and_check(url: str, files_for_rules: dict[str, dict], timeout: float = 10.0) -> int:
    """Reload Prometheus at `url` and check the groups loaded; the number of groups checked.
    PrometheusError with what went wrong."""
    prometheus = Prometheus(url, timeout=timeout, retries=RELOAD_RETRIES)
    base = prometheus.url
    try:
        prometheus.reload()
        groups = _loaded_groups(prometheus)
    except Unreachable as error:  # nothing answered
        raise PrometheusError(f"cannot reach Prometheus at {error}") from None
    loaded = {(os.path.basename(g.get("file", "")), g.get("name")) for g in groups}
    expected = {(f"{name}.yml", group["name"])
                for name, data in files_for_rules.items() for group in data["groups"]}
    missing = sorted(expected - loaded)
    if missing:
        shown = ", ".join(f"{group} ({file})" for file, group in missing[:10])
        raise PrometheusError(f"Prometheus at {base} reloaded but has not loaded {len(missing)} "
                              f"rule group(s): {shown}; check that its rule_files include the "
                              "directory deploy writes")
    return len(expected)


def _loaded_groups(prometheus: Prometheus) -> list[dict]:
    try:
        return prometheus.rule_groups()
    except PrometheusError as error:
        if error.status is None:
            raise
        raise PrometheusError(f"Prometheus at {prometheus.url}: /api/v1/rules answered "
                              f"{error.status}") from None
