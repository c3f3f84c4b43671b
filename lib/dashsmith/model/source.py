"""Where a declaration was written: the file and line of the Python call that made it, and
(`Source.keyword`) where one of that call's keyword arguments is written, so that a finding
about `unit=` points at `unit=`, not at the call's first line."""

from __future__ import annotations

import ast
import functools
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

    def keyword(self, name: str) -> Source:
        """Where the call this source points at (the one starting on its line) is given
        keyword argument `name`: its line and column (1-based). This source itself when the
        file cannot be read or parsed, or the argument is not written there (given through
        **options, or by a helper the declaration called)."""
        if not self.file.endswith(".py"):
            return self  # a JSON or YAML file's position is exact already
        found = _keywords(self.file, _modified(self.file)).get((self.line, name))
        return Source(self.file, *found) if found else self

    def call_name(self) -> str | None:
        """The name of the function called on this source's line (`timeseries` for
        `timeseries(...)` and `panels.timeseries(...)`); None when it cannot be read."""
        if not self.file.endswith(".py"):
            return None
        return _calls(self.file, _modified(self.file)).get(self.line)


def _modified(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=64)
def _tree(path: str, modified: float) -> ast.Module | None:
    """The file parsed once per version of it (`modified`: its mtime)."""
    if modified < 0:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return ast.parse(handle.read(), path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _calls_in(tree: ast.Module | None) -> list[ast.Call]:
    """Every call, outer ones before the calls on their line inside them (the frame's line is
    a call's first line; of calls starting on one line, the outer one is the declaration)."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)] \
        if tree is not None else []
    return sorted(calls, key=lambda call: (call.lineno, call.col_offset))


@functools.lru_cache(maxsize=64)
def _keywords(path: str, modified: float) -> dict[tuple[int, str], tuple[int, int]]:
    """(call's line, keyword) → (line, column) of `keyword=` in the outermost call starting
    on that line that is given it."""
    out: dict[tuple[int, str], tuple[int, int]] = {}
    for call in _calls_in(_tree(path, modified)):
        for keyword in call.keywords:
            if keyword.arg is not None:
                out.setdefault((call.lineno, keyword.arg), (keyword.lineno, keyword.col_offset + 1))
    return out


@functools.lru_cache(maxsize=64)
def _calls(path: str, modified: float) -> dict[int, str]:
    out: dict[int, str] = {}
    for call in _calls_in(_tree(path, modified)):
        if isinstance(call.func, ast.Name):
            out.setdefault(call.lineno, call.func.id)
        elif isinstance(call.func, ast.Attribute):
            out.setdefault(call.lineno, call.func.attr)
    return out


def _is_internal(filename: str) -> bool:
    # "<string>" frames are code that dataclasses and attrs generate (their __init__).
    return filename.startswith((_PACKAGE_DIR, "<"))


def caller() -> Source:
    """The first frame outside dashsmith itself: the declaration being made."""
    frame = sys._getframe(1)
    while frame.f_back is not None and _is_internal(frame.f_code.co_filename):
        frame = frame.f_back
    return Source(frame.f_code.co_filename, frame.f_lineno)
