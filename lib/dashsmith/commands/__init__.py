"""The commands, one module or package each, named as `dashsmith <command>` names them:

  build.py       build       compile the declarations to dashboard JSON and rule files
  lint.py        lint, test  offline checks (dashsmith.checks) and the alert rules' unit tests
  deploy/        deploy      plan and apply: Grafana, Prometheus or a ruler, Alertmanager routing
  verify/        verify      run the queries against a real Prometheus fed a synthetic workload
               + demo
  diff/          diff        semantic changes, panel by panel and rule by rule
  preview.py     preview     pictures of the dashboards (dashsmith.preview draws them)
  import_/       import      existing dashboard JSON to declaration modules
  instrument.py  instrument  the application's metrics module (dashsmith.instrument writes it)
  bridge.py      bridge      the LLM trace-store exporter (dashsmith.bridge serves it)
  doctor/        doctor      what a Grafana offers and whether the token can deploy to it

cli.py routes to them; commandline.py holds what they all share (exit statuses, the project,
giving up) and problem_formats.py how lint and verify print findings. A command imports no
other command; everything it needs lives below, in the model, the compiler and the shared
packages (checks, promql, grafana, prometheus, ruler, routing, slo).
"""
