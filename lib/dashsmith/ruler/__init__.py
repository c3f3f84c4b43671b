"""Rule groups in a Prometheus-style ruler over HTTP: Grafana Mimir, Cortex, Loki (client).
Which of them are dashsmith's, and how they compare: deploy/ruler_groups.py."""
