"""From a project directory (its settings: model.settings) to the files Grafana and Prometheus
read, one way:

  discover   import the declaration modules and collect what they declare
  estate     everything declared in one project; project: its settings, estate and build
  render     declarations to dashboard JSON (through grafanalib, templates.py caches its output)
             and rule-file data, with a map back to the Python lines
  validate   what makes the declarations impossible to build (the structural checks)
  build      the whole output tree, in memory; serialize: its deterministic bytes;
             output: written so that readers see the old tree or the new, never a mix
  snapshot   the project as built at a git revision, or now (what diff compares)
  gc_pause   no cycle collection while a command builds objects that live until it ends
"""
