"""The last check before an import writes anything: the next `dashsmith build` must accept the
generated modules. Their dashboards join the project's (in place of those of a module an import
replaces) and go through build itself, so import refuses exactly what build would refuse."""

from __future__ import annotations

import dataclasses
import os

from dashsmith.compiler.build import compile_estate
from dashsmith.compiler.project import Project
from dashsmith.model.dashboard import Dashboard
from dashsmith.model.problems import DeclarationError, Problem


def refusals(project: Project, generated: dict[str, Dashboard]) -> dict[str, list[Problem]]:
    """Build's errors in the generated modules, by module: `generated` maps the path each is
    to be written at to the dashboard it declares. Errors elsewhere in the project are left to
    build: they are not the import's doing."""
    paths = {os.path.abspath(path): path for path in generated}
    estate = project.estate
    kept = [d for d in estate.dashboards if os.path.abspath(d.source.file) not in paths]
    trial = dataclasses.replace(estate, dashboards=kept + list(generated.values()))
    try:
        compile_estate(trial)
    except DeclarationError as error:
        found: dict[str, list[Problem]] = {}
        for problem in error.problems:
            path = paths.get(os.path.abspath(problem.source.file))
            if path is not None:
                found.setdefault(path, []).append(problem)
        return found
    return {}
