"""The text of an imported module: docstring, the comment naming what is carried verbatim,
the imports it uses, module constants for data sources written more than once, and the
`dashboard = Dashboard(...)` declaration in the house style."""

from __future__ import annotations

import os
import re
import textwrap
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dashsmith.commands.import_.pysource import WIDTH, Call, Name, source, walk
from dashsmith.grafana.equivalence import canonical, datasource_reference, same_datasource
from dashsmith.model import dashboard as model

if TYPE_CHECKING:
    from dashsmith.commands.import_.codegen import Module

# Where a data source is written: the kwargs (or dict) that hold it, its key, and its value.
_Use = tuple[dict, str, object]


def hoist_datasources(node: Call) -> dict[str, object]:
    """The dashboard's own data source is written DATASOURCE; another one written out more
    than once becomes a module constant."""
    counts: dict[str, list[_Use]] = {}
    for holder, key, value in _datasource_uses(node):
        if same_datasource(value, model.DATASOURCE):
            holder[key] = Name("DATASOURCE", model.DATASOURCE)
            continue
        # One name for one data source, however it is written ($x, ${x}, {"uid": "$x"} ...:
        # the writings Grafana resolves alike); the constant is the writing that names the
        # type (lint tells PromQL from SQL or LogQL by it), else the most common one.
        reference = repr(datasource_reference(canonical(value)))
        counts.setdefault(reference, []).append((holder, key, value))
    names = {"DATASOURCE"}  # dashsmith's own, imported by that name
    for uses in counts.values():
        writings = Counter(repr(use[2]) for use in uses)
        value = max((use[2] for use in uses),
                    key=lambda v: (isinstance(v, dict) and bool(v.get("type")), writings[repr(v)]))
        if len(uses) < 2 or value is None:
            continue
        name = _constant_name(value, names)
        names.add(name)
        for holder, key, _ in uses:
            holder[key] = Name(name, value)
    return {n.text: n.value for n in walk(node) if isinstance(n, Name) and n.text != "DATASOURCE"}


def _datasource_uses(node: object) -> Iterator[_Use]:
    if isinstance(node, Call):
        for key, value in list(node.kwargs.items()):
            if key in ("datasource", "dataSource") and not isinstance(value, Name):
                yield node.kwargs, key, value
            else:
                yield from _datasource_uses(value)
        for arg in node.args:
            yield from _datasource_uses(arg)
    elif isinstance(node, list):
        for item in node:
            yield from _datasource_uses(item)


def _constant_name(value: object, taken: set[str]) -> str:
    """MIXED for Grafana's mixed data source, LOKI for ${loki}, else the type (PROMETHEUS)."""
    uid = value.get("uid") if isinstance(value, dict) else value
    if uid == "-- Mixed --":
        kind = "mixed"
    elif isinstance(uid, str) and uid.startswith("$"):
        kind = uid.strip("${}")
    else:
        kind = value.get("type", "datasource") if isinstance(value, dict) else str(value)
    base = re.sub(r"[^A-Z0-9]+", "_", kind.upper()).strip("_") or "DATASOURCE"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


IMPORTS = {
    "Dashboard": "dashsmith", "Row": "dashsmith", "Query": "dashsmith",
    "timeseries": "dashsmith", "stat": "dashsmith", "gauge": "dashsmith",
    "bargauge": "dashsmith", "piechart": "dashsmith", "table": "dashsmith",
    "barchart": "dashsmith", "text": "dashsmith", "panel": "dashsmith",
    "label_variable": "dashsmith", "custom_variable": "dashsmith",
    "datasource_variable": "dashsmith", "interval_variable": "dashsmith",
    "text_variable": "dashsmith", "Variable": "dashsmith", "DATASOURCE": "dashsmith",
    "plugin_panel": "dashsmith", "library_panel": "dashsmith",
}


def module_text(module: Module, origin: str) -> str:
    """The module for a codegen.Module."""
    node = module.dashboard
    used = sorted({n.name for n in walk(node) if isinstance(n, Call)} |
                  {n.text for n in walk(node) if isinstance(n, Name)})
    lines = [f'"""{module.title}: imported from Grafana (uid {module.uid})."""', ""]
    # A file by its name only: where it lay on someone's machine means nothing in the repository.
    lines += [f"# Imported from {os.path.basename(origin)} by `dashsmith import`."]
    if module.carried:
        lines.append("# Carried verbatim (extra=..., plugin_panel fields), as neither the helpers "
                     "nor grafanalib")
        lines.append("# express them here:")
        for line in module.carried:
            lines += textwrap.wrap(line, WIDTH, initial_indent="#   ",
                                   subsequent_indent="#       ", break_long_words=False,
                                   break_on_hyphens=False)
    lines.append("")
    if any(name.startswith("g.") for name in used):
        lines.append("import grafanalib.core as g")
    by_module: dict[str, list[str]] = {}
    for name in used:
        if name in IMPORTS:
            by_module.setdefault(IMPORTS[name], []).append(name)
    lines += [_import(name, names) for name, names in sorted(by_module.items())]
    lines.append("")
    if module.constants:
        lines += [source(value, prefix=f"{name} = ") for name, value in module.constants.items()]
        lines.append("")
    lines.append(source(node, prefix="dashboard = "))
    return "\n".join(lines) + "\n"


def _import(module: str, names: list[str]) -> str:
    """`from module import a, b`, wrapped under its opening parenthesis when too long."""
    line = f"from {module} import {', '.join(sorted(names))}"
    if len(line) <= WIDTH:
        return line
    head = f"from {module} import ("
    lines: list[str] = []
    current = head
    for name in sorted(names):
        piece = name + ", "
        if len(current + piece.rstrip()) > WIDTH:
            lines.append(current.rstrip())
            current = " " * len(head)
        current += piece
    lines.append(current.rstrip(", ") + ")")
    return "\n".join(lines)
