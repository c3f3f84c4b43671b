"""Rule groups in a Prometheus-style ruler over HTTP: Grafana Mimir, Cortex, Loki (client),
and dashsmith's groups there (groups)."""
