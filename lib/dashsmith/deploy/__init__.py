"""`dashsmith deploy`: the estate into Grafana through its HTTP API, or into files to mount.

The run, in order (each step a module):

  desired           the build → what Grafana should hold (folders, dashboards, rule groups)
  live              what Grafana holds now, read without writing (the "refresh")
  plan              desired + live → a Plan: create / update / unchanged / drifted / delete,
                    computed without side effects (a value: printed by --dry-run, then applied)
  apply             the Plan, in order (folders parent-first, dashboards, rule groups,
                    deletes), with bounded concurrency, retries and optimistic locking
  report            the plan and the outcome as text or JSON
  prometheus_rules  rule files into a directory, then /-/reload and a check that they loaded
  provisioning      the path without GRAFANA_URL: files for Grafana's file provisioning

Talking to Grafana (the connection, retries, reads, bounded concurrency, what both sides are
compared by and dashsmith's ownership markers) is the grafana package's, shared with import
and diff --live; Prometheus's API is the prometheus package's. alerting turns alert
declarations into Grafana-managed rule groups.
"""
