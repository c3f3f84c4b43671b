"""`dashsmith deploy`: the estate into Grafana through its HTTP API, or into files to mount.

The run, in order (each step a module; command.py names the phases):

  desired           the build → what Grafana should hold (folders, dashboards, rule groups and,
                    through notifications, the routing: contact points, policy tree, mute timings)
  live              what Grafana holds now, read without writing (the "refresh")
  plan              make_plan(live, desired, options) → a Plan: every change, each with what it
                    saw in Grafana and what it sends, computed without side effects; the safety
                    limits are the plan's own checks
  plan_file         a Plan saved to a file (--plan-out) and read back (--plan)
  preconditions     what a saved plan's writes find in Grafana now (is it still as planned?)
  apply             apply(grafana, plan) → a Result: the Plan, in order (folders parent-first,
                    dashboards, rule groups, deletes, routing), with bounded concurrency, retries
                    and optimistic locking
  report            the plan and the result as text or JSON
  rules_delivery    where the rules go ([dashsmith.deploy] rules): their changes in the plan,
                    delivered, then checked loaded by the engine
  prometheus_rules  rule files into a directory, then /-/reload and a check that they loaded
  ruler_groups      dashsmith's rule groups in a Mimir/Cortex/Loki ruler (the ruler package's
                    client): namespaces, marks, comparison
  provisioning      the path without GRAFANA_URL: files for Grafana's file provisioning

Talking to Grafana (the connection, retries, reads, bounded concurrency, what both sides are
compared by and dashsmith's ownership markers) is the grafana package's, shared with import
and diff --live; Prometheus's API is the prometheus package's. alerting turns alert
declarations into Grafana-managed rule groups.
"""
