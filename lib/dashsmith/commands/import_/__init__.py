"""`dashsmith import`: Grafana dashboards turned into Python declarations.

inputs (read and check) → codegen (fit variables, panels, rows and layout; module text) →
roundtrip (run, build, compare by grafana.equivalence) → buildable (build's checks, with the
project) → command (write all or nothing).
"""
