"""Grafana's legend template, a Prometheus query's `legendFormat`: `{{label}}`, spaces allowed
inside the braces (`{{ provider }}`), replaced by the series' value of that label, or by
nothing where the series lacks it. The one reading of it that lint (checks/labels.py), import
(the labels a legend shows) and preview (the legend drawn) share.

Grafana's own is `legendFormatRegexp = \\{\\{\\s*(.+?)\\s*\\}\\}` with the name trimmed
(grafana/grafana pkg/promlib/querydata/request.go and promql/framing.go, getName): anything
between the braces is the name, a Prometheus 3 UTF-8 label such as `{{service.name}}` too, so
no identifier pattern. The one difference: the name must hold a non-space character, so a
name-less `{{ }}` is no label (Grafana blanks it; here it stays as written) and the group is
always the trimmed name."""

from __future__ import annotations

import re

LEGEND_LABEL = re.compile(r"\{\{\s*(\S.*?)\s*\}\}")
