"""The repository's own project (its declarations), scratch copies of it, and edits to them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TESTS)
# What a project consists of; copied into a temp dir so tests can change and build it freely.
PROJECT_FILES = ("setup.cfg", "dashboards", "alerts", "metrics", "docs")


def copy_project(root) -> Path:
    """Copy this repository's declarations (PROJECT_FILES) into the new directory `root`."""
    root = Path(root)
    root.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(source):
            shutil.copy(source, root / name)
    return root


def set_settings(root, section: str, **values: str) -> None:
    """Set `key = value` lines in [section] of the project's setup.cfg (replacing a line that
    sets the same key; adding the section at the end if it is missing)."""
    path = os.path.join(root, "setup.cfg")
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = f"[{section}]"
    if header not in lines:
        lines += ["", header]
    start = lines.index(header) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    for key, value in values.items():
        line = f"{key} = {value}"
        found = next((i for i in range(start, end) if lines[i].split("=")[0].strip() == key), None)
        if found is None:
            lines.insert(end, line)
            end += 1
        else:
            lines[found] = line
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def edit(path, old: str, new: str, *, unique: bool = False) -> str:
    """Replace the first `old` in the file at `path` with `new`; the test fails if `old` is not
    there (or, with `unique`, is there more than once). Returns the text before the edit."""
    path = Path(path)
    text = path.read_text()
    if unique:
        assert text.count(old) == 1, f"{path.name} no longer has {old!r} exactly once"
    else:
        assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    return text


def tree(directory) -> dict:
    """Every file under `directory`, by its path relative to it, with its bytes: to compare a
    directory before and after a command that must not write."""
    directory = Path(directory)
    return {path.relative_to(directory): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}
