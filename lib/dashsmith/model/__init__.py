"""The declaration model: what a declaration module builds, each object remembering the file and
line that declared it (source.py). Declarations import these through `dashsmith` itself.

  catalog     the metrics the application exports: Counter, Gauge, Histogram, Summary, Label
  dashboard   Dashboard, Row and the variables' constructors; panels: the panel kinds and Query
  variables   what a dashboard variable is and how its values reach a query
  rules       Alert, Record and RuleGroup; durations: Prometheus durations as seconds and back
  selectors   Selector, the label matchers a query repeats
  folders     a dashboard's folder as a title path with stable uids
  verbatim    Grafana JSON that grafanalib does not model (plugin and library panels)
  prices      LLM prices as code; project_settings: the settings a declaration may follow
  problems    Problem and DeclarationError: what can be wrong, as plain data
  settings    the [dashsmith] sections of setup.cfg, which commands and declarations follow
"""
