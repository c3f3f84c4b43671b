"""The metric catalog: every metric the dashboards and alerts read, one module per exporter.

dashsmith collects the metrics declared at module level here; lint checks every query against
them (names, types, labels, label values).
"""
