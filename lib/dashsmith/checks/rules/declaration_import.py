from __future__ import annotations

from ..rule import Rule


class DeclarationImport(Rule):
    """A declaration module cannot be imported.

    dashsmith imports every module under dashboards/, alerts/ and metrics/; an exception
    while importing one (a typo, a missing name) stops everything it declares from being
    built. The finding points at the line that raised. (Reported as the declarations are
    loaded, by dashsmith.discover.)

    Anti-pattern:
        from dashsmith import timeserie

    Best practice:
        from dashsmith import timeseries
    """

    id = "declaration/import"
    structural = True
