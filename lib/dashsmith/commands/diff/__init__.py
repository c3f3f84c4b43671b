"""`dashsmith diff`: two snapshots of the project (a git ref, the working tree or what Grafana
holds) compared by meaning, panel by panel and rule by rule (the comparison is
dashsmith.compare's, shared with deploy's plan).

  command          the click command; live: what Grafana holds, as a snapshot
  render_markdown  the report for a pull-request comment
"""
