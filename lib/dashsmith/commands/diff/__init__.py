"""`dashsmith diff`: two snapshots of the project (a git ref, the working tree or what Grafana
holds) compared by meaning, panel by panel and rule by rule.

  command          the click command; live: what Grafana holds, as a snapshot
  semantic         the comparison (matching pairs renamed or moved panels and rules)
  changes          what it finds, as data; wording: how a change reads
  render_text, render_markdown   the report for a terminal and for a pull-request comment
"""
