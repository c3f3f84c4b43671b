"""instrument's settings: the [dashsmith.instrument] section of setup.cfg.

  exporter   the catalog's name for the application (a metric's `exporter=`): the module
             holds the metrics of this exporter, and no others.
  output     where the module is written, relative to the project (a .py file outside the
             declarations and the build output, which dashsmith imports or replaces).

A project without the section generates no module (and lint expects none). Errors name the
line of setup.cfg they are about.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dashsmith.model.settings import Settings
from dashsmith.model.source import Source

SECTION = "dashsmith.instrument"
KEYS = ("exporter", "output")


class ConfigError(Exception):
    def __init__(self, source: Source, reason: str):
        self.source = source  # the line of setup.cfg
        self.reason = reason
        super().__init__(f"{source}: {reason}")


@dataclass(frozen=True)
class InstrumentSettings:
    exporter: str
    output: str  # absolute
    catalog: str  # the catalog directory, relative to the project: for the module's header

    def relative_output(self, root: str) -> str:
        return os.path.relpath(self.output, root)


def instrument_settings(settings: Settings) -> InstrumentSettings | None:
    """From a dashsmith Settings (its `sections`); None when the project has no such section."""
    if SECTION not in settings.sections:
        return None
    section = {key: value.strip() for key, value in settings.sections[SECTION].items()}
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ConfigError(_where(settings, unknown[0]), f"unknown setting(s) in [{SECTION}]: "
                          f"{', '.join(unknown)} (known: {', '.join(KEYS)})")
    for key in KEYS:
        if not section.get(key):
            raise ConfigError(_where(settings, key),
                              f"[{SECTION}] needs '{key} = ...' (see docs/instrument.md)")
    return InstrumentSettings(section["exporter"], _output(settings, section["output"]),
                              settings.catalog)


def _output(settings: Settings, value: str) -> str:
    root = settings.root
    path = os.path.normpath(os.path.join(root, value))
    problem = None
    if os.path.isabs(value) or not path.startswith(root + os.sep):
        problem = "must be a path inside the project"
    elif not path.endswith(".py"):
        problem = "must name a Python file (.py)"
    else:
        # dashsmith imports every module under the declaration directories (the generated
        # module would register its metrics in dashsmith's own process) and replaces `out`.
        for name in ("catalog", "dashboards", "alerts", "out"):
            if path.startswith(os.path.normpath(settings.path(name)) + os.sep):
                problem = f"must lie outside the '{name}' directory ({getattr(settings, name)})"
                break
    if problem:
        raise ConfigError(_where(settings, "output"),
                          f"[{SECTION}] output = '{value}': {problem}")
    return path


def _where(settings: Settings, key: str) -> Source:
    return settings.key_source(SECTION, key).relative_to(settings.root)
