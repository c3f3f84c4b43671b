"""Deploying without GRAFANA_URL: the build tree is the deployment. Grafana reads the dashboards
through file provisioning and Prometheus reads the rule files; this says how to mount them."""

from __future__ import annotations

import os

from dashsmith.compiler.build import PROVISIONING_DASHBOARDS


def instructions(out_dir: str, project_root: str) -> list[str]:
    out = os.path.relpath(out_dir, project_root)
    compose = os.path.exists(os.path.join(project_root, "docker-compose.yml"))
    lines = [
        (f"GRAFANA_URL is not set: nothing was sent to Grafana; {out}/provisioning/ is the "
         "deployment."),
    ]
    if compose:
        lines += [
            "Serve them with the stack in docker-compose.yml (it mounts the project read-only, so",
            "every later deploy is picked up: Grafana rereads dashboards every 30 s; run",
            "`PROMETHEUS_URL=http://localhost:9090 make deploy-dashboards` to reload the rules):",
            "    docker compose up -d     # Grafana http://localhost:3001, Prometheus http://localhost:9090",
        ]
    lines += [
        "Or mount them into your own Grafana and Prometheus:",
        (f"    {out}/provisioning/grafana/dashboards.yaml  → "
         "/etc/grafana/provisioning/dashboards/dashsmith.yaml"),
        f"    {out}/provisioning/grafana/dashboards/      → {PROVISIONING_DASHBOARDS}",
        (f"    {out}/provisioning/grafana/datasources.yaml → "
         "/etc/grafana/provisioning/datasources/dashsmith.yaml"),
        (f"    {out}/provisioning/prometheus/rules/        → "
         "a directory named in prometheus.yml rule_files"),
        ("To deploy through Grafana's API instead: GRAFANA_URL=https://… GRAFANA_TOKEN=… "
         "make deploy-dashboards"),
    ]
    return lines
