from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.model.problems import Problem
from dashsmith.model.source import Source

if TYPE_CHECKING:
    from dashsmith.compiler.estate import Estate


class InstrumentStale(Rule):
    """The application's generated metrics module is out of date with the catalog.

    `dashsmith instrument` writes the module from the catalog (docs/instrument.md), so the
    application exports the series the dashboards and alerts read. A metric renamed, a label
    value added or a bucket moved in the catalog, or a hand edit of the module, breaks that
    until the module is regenerated: like a stale lockfile, it is reported at the module's
    first line that differs (or at the [dashsmith.instrument] setting that is wrong). A module
    not generated yet is `dashsmith instrument --check`'s to report. Build goes on: the
    dashboards and alerts are right, the application is behind.

    Anti-pattern:
        Counter("tradingagents_analyses_total", ...) renamed in metrics/, and the module
        app/.../prometheus_metrics.py left as it was

    Best practice:
        dashsmith instrument      # then commit the module with the catalog change
    """

    id = "instrument/stale"

    def declared(self, estate: Estate, context: Context) -> Iterator[Problem]:
        # Imported here: it brings prometheus_client, which every lint run would pay for.
        from dashsmith.instrument import stale

        found = stale(estate)
        if found is None:
            return
        source = found.source
        # A setting's place comes relative to the project (as `dashsmith instrument` prints
        # it); findings carry absolute paths until the command shows them.
        if not os.path.isabs(source.file):
            source = Source(os.path.join(estate.settings.root, source.file), source.line,
                            source.column)
        yield self.problem(found.message, source)
