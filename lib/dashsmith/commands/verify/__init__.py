"""Verify the monitoring against live servers: a synthetic workload exporter, a real Prometheus
stack to run it in, and `dashsmith verify`, which evaluates every panel query and rule
expression on a live Prometheus and reports what shows nothing or cannot fire."""
