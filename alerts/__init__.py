"""Prometheus alerting and recording rules, one module per area; each compiles to
rules/<module>.yml. The thresholds they fire on, which the dashboards draw too, are in
metrics/config.py."""
