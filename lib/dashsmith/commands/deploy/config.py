"""deploy's settings: the [dashsmith.deploy] section of setup.cfg.

  prometheus_rules_dir   the directory Prometheus reads the rule files from (rules_dir);
                         relative to the project. deploy replaces and removes only the files
                         it wrote there for this project (each is marked); other files stay.
                         Unset: the rule files are only written into the build tree
                         (<out>/provisioning/prometheus/rules/).
  grafana_alerts_folder  the folder (a title path) of the rule groups --grafana-alerts deploys.
  disable_provenance     true: send X-Disable-Provenance, so the rules stay editable in
                         Grafana's UI (deploy then detects edits as drift); false (default):
                         Grafana locks them as API-provisioned.
  project                the name this project deploys under (letters, digits, . _ -; default:
                         the project directory's name). Several projects may deploy to one
                         Grafana: each updates and prunes only what it saved itself.
  rules                  where the alert and recording rules are delivered: prometheus (the
                         rule files into prometheus_rules_dir, /-/reload, checked loaded;
                         needs PROMETHEUS_URL), grafana (--grafana-alerts), ruler (a Mimir,
                         Cortex or Loki ruler; needs RULER_URL) or none (this deploy need not
                         deliver them). Unset: whatever is configured (PROMETHEUS_URL,
                         RULER_URL, --grafana-alerts); a deploy to Grafana with none of them
                         refuses to run. DASHSMITH_RULES overrides it for one run.
  ruler_api              whose API the ruler (RULER_URL) speaks: mimir (default), cortex or
                         loki (ruler/client.py APIS); RULER_API overrides it for one run.
  prometheus_url         the Prometheus that reads the rule files (rules = prometheus): a
                         deploy to Grafana reloads it and checks the rules loaded;
                         PROMETHEUS_URL or --prometheus-url overrides it.
  concurrency            writes in flight at once (1-32, default 4); --concurrency overrides
                         it. Raise it for a Grafana on PostgreSQL or MySQL; on SQLite (one
                         writer) more only queue.
  ui_edits               allow (default) | block: whether Grafana's UI lets people edit the
                         dashboards dashsmith deploys through /apis (12.x, 13.x). dashsmith
                         stamps them as managed (grafana.app/managedBy kubectl, its project as
                         grafana.app/managerId); "allow" adds grafana.app/managerAllowsEdits,
                         "block" leaves it out, which makes Grafana's UI show them read-only.
                         With "allow", an edit in the UI is drift, which deploy reports.

Errors name the line of setup.cfg they are about.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

SECTION = "dashsmith.deploy"
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32
# The project is the value of the label dashsmith.dev/project on the /apis path, so it must be
# a Kubernetes label value (apimachinery validation.IsValidLabelValue: up to 63 characters,
# alphanumeric at both ends, '-', '_' or '.' between); the API server refuses any other.
_PROJECT = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")
RULES_TARGETS = ("prometheus", "ruler", "grafana", "none")
UI_EDITS = ("allow", "block")
RULER_APIS = ("mimir", "cortex", "loki")  # ruler/client.py APIS
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class DeploySettings:
    prometheus_rules_dir: str | None = None
    grafana_alerts_folder: str = "Alerts"
    disable_provenance: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    project: str = ""  # deploy_settings() always sets it
    rules: str | None = None  # one of RULES_TARGETS; None: whatever is configured
    ui_edits: str = "allow"  # one of UI_EDITS
    ruler_api: str = "mimir"  # one of RULER_APIS
    prometheus_url: str | None = None


def deploy_settings(settings) -> DeploySettings:
    """From a dashsmith Settings (its `sections`); ConfigError for unknown or bad values."""
    section = dict(settings.sections.get(SECTION, {}))
    known = {f.name for f in fields(DeploySettings)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"{_where(settings, unknown[0])}: unknown setting(s) in "
                          f"[{SECTION}]: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    values: dict = {}
    if section.get("prometheus_rules_dir", "").strip():
        values["prometheus_rules_dir"] = os.path.join(settings.root,
                                                      section["prometheus_rules_dir"].strip())
    if section.get("grafana_alerts_folder", "").strip():
        values["grafana_alerts_folder"] = section["grafana_alerts_folder"].strip()
    if "disable_provenance" in section:
        values["disable_provenance"] = _boolean(settings, "disable_provenance",
                                                section["disable_provenance"])
    if "concurrency" in section:
        values["concurrency"] = _concurrency(settings, section["concurrency"])
    if section.get("rules", "").strip():
        values["rules"] = _rules(settings, section["rules"])
    if section.get("ruler_api", "").strip():
        values["ruler_api"] = _choice(settings, "ruler_api", section["ruler_api"], RULER_APIS)
    if section.get("prometheus_url", "").strip():
        values["prometheus_url"] = section["prometheus_url"].strip()
    if section.get("ui_edits", "").strip():
        values["ui_edits"] = _choice(settings, "ui_edits", section["ui_edits"], UI_EDITS)
    values["project"] = _project(settings, section.get("project", "").strip())
    return DeploySettings(**values)


def _where(settings, key: str):
    return settings.key_source(SECTION, key).relative_to(settings.root)


def _boolean(settings, name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{_where(settings, name)}: [{SECTION}] {name} = {text!r}: "
                      "use true or false")


def _project(settings, name: str) -> str:
    if not name:  # the directory's name, made fit
        directory = os.path.basename(os.path.abspath(settings.root))
        # cut to 63 first, then strip: a cut may end on '-', '.' or '_'
        return re.sub(r"[^A-Za-z0-9._-]+", "-", directory)[:63].strip("-._") or "dashsmith"
    if _PROJECT.match(name):
        return name
    raise ConfigError(f"{_where(settings, 'project')}: [{SECTION}] project = {name!r}: use up to "
                      "63 letters, digits, '.', '_' or '-', starting and ending with a letter or "
                      "digit "
                      "(a Kubernetes label value)")


def _concurrency(settings, text: str) -> int:
    value = text.strip()
    if value.isdigit() and 1 <= int(value) <= MAX_CONCURRENCY:
        return int(value)
    raise ConfigError(f"{_where(settings, 'concurrency')}: [{SECTION}] concurrency = "
                      f"{text!r}: use a whole number from 1 to {MAX_CONCURRENCY}")


def _rules(settings, text: str) -> str:
    return _choice(settings, "rules", text, RULES_TARGETS)


def _choice(settings, name: str, text: str, choices: tuple[str, ...]) -> str:
    value = text.strip().lower()
    if value in choices:
        return value
    raise ConfigError(f"{_where(settings, name)}: [{SECTION}] {name} = {text!r}: use one of "
                      f"{' | '.join(choices)}")
