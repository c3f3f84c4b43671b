"""Build: the estate compiled to files, in memory, then written as one tree.

  dashboards/<folder-uid>/<uid>.json           dashboard JSON, for the API or by hand
  rules/<module>.yml                            Prometheus rule files (rule_files:)
  provisioning/grafana/dashboards.yaml          Grafana dashboard provider
  provisioning/grafana/dashboards/<Folder>/<uid>.json
  provisioning/grafana/datasources.yaml         the Prometheus data source
  provisioning/prometheus/rules/<module>.yml
  alertmanager/alertmanager.yml                 the routing, when one is declared
  provisioning/alertmanager/alertmanager.yml
"""

from __future__ import annotations

from dataclasses import dataclass

from dashsmith.compiler import output, serialize, validate
from dashsmith.compiler.estate import Estate
from dashsmith.compiler.render import CompiledDashboard, render_rule_file
from dashsmith.model import folders
from dashsmith.model.problems import DeclarationError, Severity
from dashsmith.routing import alertmanager

PROVISIONING_DASHBOARDS = "/etc/grafana/provisioning/dashboards/dashsmith"


@dataclass
class Build:
    dashboards: list[CompiledDashboard]
    rule_files: dict[str, dict]  # name → Prometheus rule-file data
    files: dict[str, bytes]
    alertmanager: dict | None = None  # alertmanager.yml data, if a Routing is declared


def compile_estate(estate: Estate, max_for: str | None = None) -> Build:
    """Everything the estate compiles to; DeclarationError if it cannot be built."""
    found = validate.problems(estate)
    dashboards = sorted(validate.rendered(estate.dashboards, found), key=lambda d: d.uid)
    errors = sorted((p for p in found if p.severity is Severity.ERROR),
                    key=lambda p: (p.source, p.rule, p.message))
    if errors:
        raise DeclarationError(errors)
    rule_files = {rf.name: render_rule_file(rf, estate.settings, max_for)
                  for rf in sorted(estate.rule_files, key=lambda rf: rf.name)}
    routing = alertmanager.config(estate.routing) if estate.routing else None
    return Build(dashboards, rule_files, _files(estate, dashboards, rule_files, routing), routing)


def write(build: Build, out_dir: str) -> None:
    output.replace_tree(out_dir, build.files)


def _files(estate: Estate, dashboards, rule_files, routing) -> dict[str, bytes]:
    files = {}
    for dashboard in dashboards:
        data = serialize.to_json(dashboard.json)
        files[f"dashboards/{dashboard.folder_uid}/{dashboard.uid}.json"] = data
        folder_path = "/".join(folders.parts(dashboard.folder))
        files[f"provisioning/grafana/dashboards/{folder_path}/{dashboard.uid}.json"] = data
    for name, data in rule_files.items():
        text = serialize.to_yaml(data)
        files[f"rules/{name}.yml"] = text
        files[f"provisioning/prometheus/rules/{name}.yml"] = text
    files["provisioning/grafana/dashboards.yaml"] = serialize.to_yaml(_dashboard_provider())
    files["provisioning/grafana/datasources.yaml"] = serialize.to_yaml(
        _datasource(estate.settings.datasource, estate.settings.scrape_interval))
    if routing:
        text = serialize.to_yaml(routing)
        files["alertmanager/alertmanager.yml"] = text
        files["provisioning/alertmanager/alertmanager.yml"] = text
    return files


def _dashboard_provider() -> dict:
    return {"apiVersion": 1, "providers": [{
        "name": "dashsmith",
        "type": "file",
        "disableDeletion": False,
        "allowUiUpdates": False,
        "updateIntervalSeconds": 30,
        "options": {"path": PROVISIONING_DASHBOARDS, "foldersFromFilesStructure": True},
    }]}


def _datasource(name: str, scrape_interval: str) -> dict:
    return {"apiVersion": 1, "datasources": [{
        "name": name,
        "uid": "prometheus",
        "type": "prometheus",
        "access": "proxy",
        "url": "http://prometheus:9090",
        "isDefault": True,
        # Grafana's $__rate_interval is derived from this; keep it equal to Prometheus's.
        "jsonData": {"timeInterval": scrape_interval},
    }]}
