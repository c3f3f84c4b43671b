"""The check every import passes before anything is written: run the module text that would
be written, build its dashboard, and compare it with the original after normalisation."""

from __future__ import annotations

from dashsmith.compiler.render import render_dashboard
from dashsmith.grafana.equivalence import differences, normalize
from dashsmith.model.dashboard import Dashboard


def declared_by(text: str, path: str) -> Dashboard:
    """The one Dashboard that the module `text` (to be written at `path`) declares."""
    namespace: dict[str, object] = {"__name__": "dashsmith_import_check", "__file__": path}
    exec(compile(text, path, "exec"), namespace)  # noqa: S102 - text we generated ourselves
    found = [v for v in namespace.values() if isinstance(v, Dashboard)]
    if len(found) != 1:
        raise ValueError(f"{path}: expected one Dashboard, found {len(found)}")
    return found[0]


def mismatches(original: dict, dashboard: Dashboard) -> list[str]:
    """Where the JSON `dashboard` builds differs from `original` (empty: a round trip)."""
    return differences(normalize(original), normalize(render_dashboard(dashboard).json))
