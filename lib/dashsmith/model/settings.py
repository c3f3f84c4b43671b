"""dashsmith's settings, read from the [dashsmith] section of the project's setup.cfg."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from dashsmith.model import durations
from dashsmith.model.source import Source

if TYPE_CHECKING:
    import configparser

CONFIG_FILE = "setup.cfg"
SECTION = "dashsmith"
# The settings that name a directory of declarations. A value other than the default must name an
# existing directory: a typo would otherwise build, or lint, without those declarations. A missing
# default directory is a project without that kind of declaration (e.g. no alerts).
DIRECTORIES = ("dashboards", "alerts", "catalog")
# The settings that take one of a few words.
CHOICES = {"ai_metrics": ("app", "otel-genai"), "otel_metric_names": ("underscores", "utf8"),
           "ai_cost": ("prices", "openlit")}


class SettingsError(Exception):
    pass


class NoProjectError(SettingsError):
    """No setup.cfg with a [dashsmith] section: distinct from a project whose settings are wrong."""


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
    # Where the AI / LLM metrics come from (docs/ai-metrics.md): the application's own ai_*
    # counters (app), or the OpenTelemetry GenAI metrics its instrumentation emits (otel-genai).
    ai_metrics: str = "app"
    # How the GenAI metric and label names arrive in Prometheus: dots as underscores (the
    # Prometheus exporter, and OTLP's default translation), or as they are (utf8: Prometheus 3
    # with otlp.translation_strategy NoUTF8EscapingWithSuffixes).
    otel_metric_names: str = "underscores"
    # With otel-genai, what the spend is: tokens × the price table (prices), or the cost
    # OpenLIT reports itself, gen_ai.usage.cost (openlit).
    ai_cost: str = "prices"
    # Other [dashsmith.*] sections (e.g. dashsmith.lint), as read, for the commands that use them.
    sections: dict = field(default_factory=dict, compare=False)

    def path(self, name: str) -> str:
        return os.path.join(self.root, getattr(self, name))

    def source(self, section: str, text: str) -> Source:
        """Where `text` (a value) is written in setup.cfg's [section], for errors."""
        return source_in(os.path.join(self.root, CONFIG_FILE), section, text)

    def key_source(self, section: str, key: str) -> Source:
        """The line of setup.cfg's [section] that sets `key`, for errors."""
        return key_source(os.path.join(self.root, CONFIG_FILE), section, key)


# The settings' defaults, all strings (`root` has none, `sections` a factory).
_DEFAULTS = {f.name: f.default for f in fields(Settings) if isinstance(f.default, str)}


def source_in(path: str, section: str, text: str) -> Source:
    """The first line at or after the [section] header of `path` that contains `text` (configparser
    keeps no line numbers); the header's line when `text` is not found."""
    return _first_line(path, section, lambda line: text in line)


def key_source(path: str, section: str, key: str) -> Source:
    """The line of [section] that sets `key`; unlike source_in, not a comment that mentions it."""
    sets_key = re.compile(rf"\s*{re.escape(key)}\s*[=:]", re.IGNORECASE).match
    return _first_line(path, section, sets_key)


def _first_line(path: str, section: str, matches: Callable[[str], object]) -> Source:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return Source(path, 1)
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), 0)
    found = next((i for i in range(start, len(lines)) if matches(lines[i])), start)
    return Source(path, found + 1)


def shown(source: Source) -> Source:
    """`source` as the user's terminal reaches it: relative to the current directory when the file
    lies under it, so messages do not depend on where the project is checked out."""
    return source.relative_to(os.getcwd())


def find_root(start: str) -> str:
    """The nearest directory at or above `start` whose setup.cfg has a [dashsmith] section."""
    here = os.path.abspath(start)
    while True:
        if _has_section(os.path.join(here, CONFIG_FILE)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            raise NoProjectError(f"no {CONFIG_FILE} with a [{SECTION}] section at or above {start}")
        here = parent


def _has_section(path: str) -> bool:
    if not os.path.isfile(path):
        return False
    return _read(path).has_section(SECTION)


def _read(path: str) -> configparser.ConfigParser:
    import configparser  # here: lint of files outside a project reads no setup.cfg

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        line, reason = _parse_failure(error)
        raise SettingsError(f"{shown(Source(path, line))}: {reason}") from error
    return parser


def _parse_failure(error: configparser.Error) -> tuple[int, str]:
    """The line and reason of a configparser error (its own message names the absolute path)."""
    import configparser

    if isinstance(error, configparser.MissingSectionHeaderError):
        return error.lineno, "text before the first [section] header"
    if isinstance(error, configparser.ParsingError) and error.errors:
        return error.errors[0][0], "neither a [section] header nor a 'key = value' line"
    if isinstance(error, configparser.DuplicateOptionError):
        return error.lineno or 1, f"'{error.option}' is set twice in [{error.section}]"
    if isinstance(error, configparser.DuplicateSectionError):
        return error.lineno or 1, f"[{error.section}] appears twice"
    return getattr(error, "lineno", None) or 1, str(error)


def load(root: str) -> Settings:
    """The settings of the project at `root`; SettingsError naming the setup.cfg line of a setting
    that is unknown or has a value dashsmith cannot use."""
    path = os.path.join(root, CONFIG_FILE)
    parser = _read(path)
    known = {f.name for f in fields(Settings)} - {"root", "sections"}
    values = {}
    for key, value in parser.items(SECTION):
        if key not in known:
            raise SettingsError(f"{shown(key_source(path, SECTION, key))}: unknown setting '{key}' "
                                f"in [{SECTION}] (known: {', '.join(sorted(known))})")
        values[key] = value.strip()
        problem = _problem(root, key, values[key])
        if problem:
            raise SettingsError(f"{shown(key_source(path, SECTION, key))}: [{SECTION}] {key} = "
                                f"'{values[key]}': {problem}")
    sections = {name: dict(parser.items(name)) for name in parser.sections()
                if name.startswith(SECTION + ".")}
    return Settings(root=os.path.abspath(root), sections=sections, **values)


def _problem(root: str, key: str, value: str) -> str | None:
    """What is wrong with a value set in [dashsmith], or None."""
    if not value:
        return "must not be empty"
    if key in DIRECTORIES:
        return _directory_problem(root, value, default=_DEFAULTS[key])
    if key == "scrape_interval":
        return _interval_problem(value)
    if key in CHOICES and value not in CHOICES[key]:
        return f"must be one of: {', '.join(CHOICES[key])}"
    return None


def _directory_problem(root: str, value: str, default: str) -> str | None:
    root = os.path.abspath(root)
    directory = os.path.normpath(os.path.join(root, value))
    if not directory.startswith(root + os.sep):
        return "must name a directory inside the project"
    if os.path.isdir(directory) or os.path.normpath(value) == default:
        return None
    return f"no such directory {shown(Source(directory, 1)).file}"


def _interval_problem(value: str) -> str | None:
    try:
        seconds = durations.parse(value)
    except ValueError:
        return "not a duration (use e.g. 15s, 30s, 1m)"
    return None if seconds > 0 else "must be longer than 0s"
