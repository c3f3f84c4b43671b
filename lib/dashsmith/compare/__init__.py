"""Two versions of the dashboards and alert rules compared by meaning, panel by panel and rule
by rule: what `dashsmith diff` reports and what `deploy` shows in its plan.

  semantic      the comparison (matching pairs renamed or moved panels and rules)
  changes       what it finds, as data; wording: how a change reads
  render_text   the report for a terminal (commands/diff renders the pull-request comment)
"""
