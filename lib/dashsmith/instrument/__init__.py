"""`dashsmith instrument`: the application's metrics module, written from the catalog (the
metrics of one exporter), and kept in step with it like a lockfile: `stale` says when the file
no longer matches the catalog (lint reports it), `--check` shows how."""

from .module_file import Stale, stale

__all__ = ["Stale", "stale"]
