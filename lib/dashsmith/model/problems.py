"""Problems found in declarations: plain data that every reporter formats."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from dashsmith.model.source import Source


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Problem:
    rule: str
    severity: Severity
    message: str
    source: Source

    def __str__(self) -> str:
        return f"{self.source}: {self.severity} {self.rule} {self.message}"


class DeclarationError(Exception):
    """The declarations cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
