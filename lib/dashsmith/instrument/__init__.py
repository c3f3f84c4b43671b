"""The application's metrics module, written from the catalog (the metrics of one exporter),
and kept in step with it like a lockfile: `stale` says when the file no longer matches the
catalog (`dashsmith lint` reports it as instrument/stale), `dashsmith instrument --check` shows
how. Below the commands: the command is commands/instrument.py."""

from dashsmith.instrument.module_file import Stale, stale

__all__ = ["Stale", "stale"]
