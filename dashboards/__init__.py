"""Grafana dashboards, one module per dashboard. Queries read the metrics in metrics/."""
