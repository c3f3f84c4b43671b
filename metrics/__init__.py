"""The metric catalog: every metric the dashboards and alerts read, one module per exporter;
and config.py, the selectors and thresholds the dashboards and alerts share.

dashsmith collects the metrics declared at module level here; lint checks every query against
them (names, types, labels, label values).
"""
