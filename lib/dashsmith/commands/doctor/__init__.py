"""`dashsmith doctor`: what deploy will meet at the configured Grafana — its version and API
path (grafana.server), the credentials' permissions (grafana.permissions) and, with --probe, how
it answers a stale save, an identical save and a search (probe.py) — before deploy writes."""
