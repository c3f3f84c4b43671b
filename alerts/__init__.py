"""Prometheus alerting and recording rules, one module per area; each compiles to
rules/<module>.yml. Thresholds shared with the dashboards are in thresholds.py."""
