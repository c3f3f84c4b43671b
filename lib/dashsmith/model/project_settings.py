"""The settings of the project a declaration module belongs to, for a declaration that follows
a setting (metrics/ai_source.py follows [dashsmith] ai_metrics and [dashsmith.prices]).

Every command imports the declaration modules through discover.load_estate. A module finds its
project as the commands find theirs: the nearest setup.cfg with a [dashsmith] section at or
above its own file. A git ref's worktree (`dashsmith diff --base`) holds its own setup.cfg, so
each side of a diff follows its own settings.
"""

from __future__ import annotations

import os

from dashsmith.model import settings
from dashsmith.model.settings import Settings


def of_module(module_file: str) -> Settings:
    """The settings of the project holding the module at `module_file` (its `__file__`)."""
    return settings.load(settings.find_root(os.path.dirname(os.path.abspath(module_file))))
