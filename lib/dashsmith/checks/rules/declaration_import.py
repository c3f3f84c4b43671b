from __future__ import annotations

import os
import traceback

import dashsmith
from dashsmith.checks.rule import Rule
from dashsmith.checks.spelling import UNEXPECTED_KEYWORD, did_you_mean, parameters
from dashsmith.model.problems import Problem
from dashsmith.model.source import Source


class DeclarationImport(Rule):
    """A declaration module cannot be imported.

    dashsmith imports every module under dashboards/, alerts/ and metrics/; an exception
    while importing one (a typo, a missing name) stops everything it declares from being
    built. The finding points at the line that raised. (Reported as the declarations are
    loaded, by dashsmith.compiler.discover.)

    Anti-pattern:
        from dashsmith import timeserie

    Best practice:
        from dashsmith import timeseries
    """

    id = "declaration/import"
    structural = True

    def cannot_import(self, path: str, error: Exception) -> Problem:
        """The module at `path` raised `error` as it was imported: the finding is at the line
        that raised, the innermost in the project's own files (else the module's first)."""
        if isinstance(error, SyntaxError) and error.filename:
            return self.problem(f"cannot import: {error.msg}",
                                Source(error.filename, error.lineno or 1, error.offset or 0))
        root = os.path.dirname(os.path.dirname(os.path.abspath(path)))
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if os.path.abspath(frame.filename).startswith(root + os.sep)]
        source = Source(frames[-1].filename, frames[-1].lineno or 1) if frames else Source(path, 1)
        message = f"cannot import: {type(error).__name__}: {error}"
        unexpected = UNEXPECTED_KEYWORD.search(str(error)) if isinstance(error, TypeError) \
            else None
        if unexpected and frames:
            # A misspelt keyword of dashsmith's (Dashboard(titel=...)): at the keyword, with
            # the one meant.
            name = unexpected.group(1)
            called = source.call_name()
            hint = did_you_mean(name, parameters(getattr(dashsmith, called, None)
                                                 if called else None))
            return self.problem(message + (f"; {hint}" if hint else ""), source.keyword(name))
        return self.problem(message, source)
