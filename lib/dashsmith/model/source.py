"""Where a declaration was written: the file and line of the Python call that made it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass(frozen=True, order=True)
class Source:
    file: str
    line: int
    column: int = 0

    def relative_to(self, root: str) -> Source:
        try:
            path = os.path.relpath(self.file, root)
        except ValueError:
            return self
        return self if path.startswith("..") else Source(path, self.line, self.column)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column or 1}"


def _is_internal(filename: str) -> bool:
    # "<string>" frames are code that dataclasses and attrs generate (their __init__).
    return filename.startswith((_PACKAGE_DIR, "<"))


def caller() -> Source:
    """The first frame outside dashsmith itself: the declaration being made."""
    frame = sys._getframe(1)
    while frame.f_back is not None and _is_internal(frame.f_code.co_filename):
        frame = frame.f_back
    return Source(frame.f_code.co_filename, frame.f_lineno)
