"""What tests that talk to a Grafana (the emulator in tests/grafana_emulator, or a real one)
share: its Prometheus data source, the outside variables to clear, dashsmith's ownership tag."""

from __future__ import annotations

# The data source the project's dashboards read, as Grafana's API lists it.
PROMETHEUS_DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
                         "url": "http://prometheus:9090", "isDefault": True}

# Outside variables that would change what deploy and import connect to: for `env=` of Cli,
# where None unsets a variable.
NO_GRAFANA_ENV: dict[str, str | None] = dict.fromkeys((
    "GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER", "GRAFANA_PASSWORD",
    "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT", "GRAFANA_ORG_ID", "PROMETHEUS_URL")) | {
    # Tests that deploy to Grafana are not about the rules (tests/test_rules_delivery.py is).
    "DASHSMITH_RULES": "none"}

# The tag that marks a dashboard in Grafana as dashsmith's (spelled out: what users see).
MARKER = "managed-by:dashsmith"
