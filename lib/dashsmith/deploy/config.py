"""deploy's settings: the [dashsmith.deploy] section of setup.cfg.

  prometheus_rules_dir   a directory for the Prometheus rule files, which deploy replaces
                         as a whole (it must be dashsmith's: empty, or written by it before);
                         relative to the project. Unset: the rule files are only written into
                         the build tree (<out>/provisioning/prometheus/rules/).
  grafana_alerts_folder  the folder (a title path) of the rule groups --grafana-alerts deploys.
  disable_provenance     true: send X-Disable-Provenance, so the rules stay editable in
                         Grafana's UI (deploy then detects edits as drift); false (default):
                         Grafana locks them as API-provisioned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

SECTION = "dashsmith.deploy"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class DeploySettings:
    prometheus_rules_dir: str | None = None
    grafana_alerts_folder: str = "Alerts"
    disable_provenance: bool = False


def deploy_settings(settings) -> DeploySettings:
    """From a dashsmith Settings (its `sections`); ConfigError for unknown or bad values."""
    section = dict(settings.sections.get(SECTION, {}))
    known = {f.name for f in fields(DeploySettings)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"unknown setting(s) in [{SECTION}]: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
    values: dict = {}
    if section.get("prometheus_rules_dir", "").strip():
        values["prometheus_rules_dir"] = os.path.join(settings.root,
                                                      section["prometheus_rules_dir"].strip())
    if section.get("grafana_alerts_folder", "").strip():
        values["grafana_alerts_folder"] = section["grafana_alerts_folder"].strip()
    if "disable_provenance" in section:
        values["disable_provenance"] = _boolean(section["disable_provenance"], "disable_provenance")
    return DeploySettings(**values)


def _boolean(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"[{SECTION}] {name} = {text!r}: use true or false")
