"""The names Prometheus accepts when it loads a rule file (prometheus/common's model, with the
legacy name rules Prometheus 2 applies); Alertmanager reads label names the same way."""

from __future__ import annotations

import re

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def is_label_name(name: object) -> bool:
    """A label name a rule may set: `__name__` is the metric's own and cannot be set."""
    return isinstance(name, str) and bool(LABEL_NAME.match(name)) and name != "__name__"
