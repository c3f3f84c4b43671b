"""The names Prometheus accepts when it loads a rule file (prometheus/common's model, with the
legacy name rules Prometheus 2 applies); Alertmanager reads label names the same way.

Prometheus 3 accepts any UTF-8 metric and label name (OpenTelemetry's `service.name`), quoted
in PromQL where it is not a legacy name: `{"gen_ai.client.token.usage", "service.name"="x"}`,
`sum by ("service.name") (...)` (https://prometheus.io/docs/prometheus/latest/migration/,
"UTF-8 names")."""

from __future__ import annotations

import re

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def is_label_name(name: object) -> bool:
    """A label name a rule may set: `__name__` is the metric's own and cannot be set."""
    return isinstance(name, str) and bool(LABEL_NAME.match(name)) and name != "__name__"


def is_legacy(name: str, pattern: re.Pattern[str] = METRIC_NAME) -> bool:
    """A name Prometheus 2 accepts (METRIC_NAME or LABEL_NAME), written unquoted in PromQL."""
    return bool(pattern.match(name))


def quoted_name(name: str, pattern: re.Pattern[str] = LABEL_NAME) -> str:
    """`name` as PromQL writes it: quoted when it is no legacy name (Prometheus 3)."""
    return name if pattern.match(name) else f'"{name}"'
