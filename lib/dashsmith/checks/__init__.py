"""Every check dashsmith makes on declarations and files, below the commands that report them:
build refuses on the structural ones, the linter (dashsmith.linter) runs them all.

  registry    every rule by id (ALL, BY_ID), found in rules/: one file per rule, holding its
              check, its messages and its documentation
  rule        what a rule is: id, severity, docstring, hooks
  subjects    what rules look at, one shape whether declared or read from a file
  context     what rules know besides (the catalog, recording rules, the scrape interval)
  labels      where a query names a label, and whether the label can be there
  gotemplate, units, pysource, literals   what some rules need to know: Go templates,
              Grafana's units, and where in a Python or YAML file a character was written
  suppress    what setup.cfg and `# dashsmith: disable=` comments turn off
"""
