"""dashsmith's settings, read from the [dashsmith] section of the project's setup.cfg."""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field, fields

from .source import Source

CONFIG_FILE = "setup.cfg"
SECTION = "dashsmith"


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    root: str
    dashboards: str = "dashboards"
    alerts: str = "alerts"
    catalog: str = "metrics"
    out: str = "build"
    runbook_url: str = "docs/runbook.md"
    datasource: str = "Prometheus"
    scrape_interval: str = "15s"
    # Other [dashsmith.*] sections (e.g. dashsmith.lint), as read, for the commands that use them.
    sections: dict = field(default_factory=dict, compare=False)

    def path(self, name: str) -> str:
        return os.path.join(self.root, getattr(self, name))

    def source(self, section: str, text: str) -> Source:
        """Where `text` (a key, or a value) is written in setup.cfg's [section], for errors."""
        return source_in(os.path.join(self.root, CONFIG_FILE), section, text)


def source_in(path: str, section: str, text: str) -> Source:
    """The first line at or after the [section] header of `path` that contains `text` (configparser
    keeps no line numbers); the header's line when `text` is not found."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return Source(path, 1)
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), 0)
    found = next((i for i in range(start, len(lines)) if text in lines[i]), start)
    return Source(path, found + 1)


def find_root(start: str) -> str:
    """The nearest directory at or above `start` whose setup.cfg has a [dashsmith] section."""
    here = os.path.abspath(start)
    while True:
        if _has_section(os.path.join(here, CONFIG_FILE)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            raise SettingsError(f"no {CONFIG_FILE} with a [{SECTION}] section at or above {start}")
        here = parent


def _has_section(path: str) -> bool:
    if not os.path.isfile(path):
        return False
    return _read(path).has_section(SECTION)


def _read(path: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        raise SettingsError(f"{path}: {error}") from error
    return parser


def load(root: str) -> Settings:
    path = os.path.join(root, CONFIG_FILE)
    parser = _read(path)
    known = {f.name for f in fields(Settings)} - {"root", "sections"}
    values = {}
    for key, value in parser.items(SECTION):
        if key not in known:
            raise SettingsError(f"{source_in(path, SECTION, key)}: unknown setting '{key}' in "
                                f"[{SECTION}] (known: {', '.join(sorted(known))})")
        values[key] = value.strip()
    sections = {name: dict(parser.items(name)) for name in parser.sections()
                if name.startswith(SECTION + ".")}
    return Settings(root=os.path.abspath(root), sections=sections, **values)
