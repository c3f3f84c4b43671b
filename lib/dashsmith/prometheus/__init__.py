"""Talking to Prometheus and its Alertmanager over their HTTP APIs (api.py): one client for
verify, the verify stack, preview and deploy."""
