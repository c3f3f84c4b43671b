"""The linter: every check of dashsmith.checks run over a project's declarations or over files
(Grafana dashboard JSON, Prometheus rule files), with promtool and amtool beside them.

  engine       lint_project and lint_paths: findings after suppressions, sorted by place
  inputs       what is linted, one shape whether declared in Python or read from a file;
               locate: JSON and YAML read with the line and column of every value
  runner       each rule's hooks over the inputs
  promtool, amtool   Prometheus's and Alertmanager's own checkers, run on the compiled files
  alert_tests  the alert rules' unit tests (`dashsmith test`) and what they cover

It sits above the compiler (it lints what the compiler built) and below the commands that
report its findings: lint, deploy (which refuses to deploy what lint rejects) and verify.
"""
