"""The project a command works on: its settings, its estate and its build, loaded once."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from dashsmith.compiler.gc_pause import no_cycle_collection
from dashsmith.model import settings as settings_module
from dashsmith.model.problems import Problem
from dashsmith.model.settings import Settings

# Loading and compiling the declarations are imported where used: a command that reads only
# files (lint of rule files) does not pay for the compiler at start-up.
if TYPE_CHECKING:
    from dashsmith.compiler.build import Build
    from dashsmith.compiler.estate import Estate


class Project:
    def __init__(self, root: str):
        self.root = root
        self.settings: Settings = settings_module.load(root)

    @classmethod
    def find(cls, start: str | None = None) -> Project:
        return cls(settings_module.find_root(start or os.getcwd()))

    @functools.cached_property
    def estate(self) -> Estate:
        """Raises DeclarationError when a declaration cannot be imported."""
        from dashsmith.compiler.discover import load_estate

        with no_cycle_collection():
            return load_estate(self.settings)

    def build(self, max_for: str | None = None) -> Build:
        """Raises DeclarationError when the estate cannot be built."""
        from dashsmith.compiler.build import compile_estate

        estate = self.estate
        with no_cycle_collection():
            return compile_estate(estate, max_for=max_for)

    def relative(self, problem: Problem) -> Problem:
        return Problem(problem.rule, problem.severity, problem.message,
                       problem.source.relative_to(self.root))
