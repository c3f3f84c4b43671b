from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.model.source import Source


class FileParse(Rule):
    """A dashboard JSON, rule YAML or alert unit-test file cannot be read or does not parse.

    The finding points at the line where the parser stopped. Duplicate keys in YAML are
    reported too: Prometheus refuses them, and one of the two values would be lost.

    Anti-pattern:
        expr: sum(rate(x[5m])
        expr: sum(rate(x[5m]))

    Best practice:
        expr: sum(rate(x[5m]))
    """

    id = "file/parse"

    def unreadable(self, path: str, error: Exception):
        return self.problem(f"cannot read: {error}", Source(path, 1))

    def unparsable(self, path: str, message: str, line: int, column: int):
        return self.problem(message, Source(path, line, column))
