"""The shape of dashsmith's own code, read from the imports of lib/dashsmith (parsed with ast,
nothing is imported):

- no import cycle, between modules or between packages: data flows one way;
- the commands are what cli.py routes to (its COMMANDS); each is a package or a module right
  under dashsmith.commands, named after the command (commands/diff, commands/import_), beside
  what they share (commandline, problem_formats). A command imports no other command and not
  cli.py, which only routes and imports none of dashsmith;
- nothing below the commands (the model, the compiler, checks, grafana, prometheus, promql,
  routing, slo, ...) imports a command;
- every third-party package lib/dashsmith imports is declared in pyproject.toml.

An import under `if TYPE_CHECKING:` is a dependency (it counts for the layers) but never runs,
so it cannot close a cycle.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIB = REPO / "lib"
PACKAGE = "dashsmith"
CLI = f"{PACKAGE}.cli"
ENTRY_POINTS = {CLI, f"{PACKAGE}.__main__"}  # `dashsmith` and `python -m dashsmith`

@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # the dashsmith module (or package) it names
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`

    def __str__(self) -> str:
        return f"{_path(self.importer)}:{self.line}: imports {self.imported}"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((LIB / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(LIB).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _path(module: str) -> str:
    return str(MODULES[module].relative_to(REPO))


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _named(importer: str, node: ast.ImportFrom) -> str:
    """The module a `from X import ...` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if MODULES[importer].name != "__init__.py":
        base.pop()
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports_of(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    type_only = _type_checking_lines(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            named = _named(module, node)
            # `from . import x` names the module x when there is one, else the package
            targets = [f"{named}.{alias.name}" if f"{named}.{alias.name}" in MODULES else named
                       for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(_known(t) for t in targets):
            if target.split(".")[0] == PACKAGE and target != module:
                out.append(Import(module, target, node.lineno, node.lineno in type_only))
    return out


def _known(target: str) -> str:
    """`target`, or the longest module it lies in (`import dashsmith.a.b` of a name b)."""
    while target not in MODULES and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


IMPORTS = [found for module in MODULES for found in _imports_of(module)]


def _commands() -> dict[str, str]:
    """{command: module} as cli.py routes them, read from its COMMANDS literal."""
    tree = ast.parse(MODULES[CLI].read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["COMMANDS"]:
            return {name: target.split(":")[0]
                    for name, target in ast.literal_eval(node.value).items()}
    raise AssertionError("cli.py has no COMMANDS table")


COMMAND_MODULES = _commands()
COMMANDS_PACKAGE = f"{PACKAGE}.commands"
# What the commands share, in their package but no command's own: the exit statuses and the
# project (commandline), how findings are printed (problem_formats).
SHARED = {f"{COMMANDS_PACKAGE}.commandline", f"{COMMANDS_PACKAGE}.problem_formats"}
# A command's unit: its package or module right under dashsmith.commands (dashsmith.commands.deploy
# for dashsmith.commands.deploy.command, dashsmith.commands.build for itself).
COMMAND_UNITS = {".".join(module.split(".")[:3]) for module in COMMAND_MODULES.values()}


def _unit(module: str) -> str | None:
    """The command unit `module` belongs to, or None if it is below the commands."""
    unit = ".".join(module.split(".")[:3])
    if not module.startswith(COMMANDS_PACKAGE + ".") or unit in SHARED:
        return None
    return unit


# Packages that group single-module stages, each its own part: the compiler's stages sit on both
# sides of dashsmith.checks (validate runs the checks, which read the estate and what render made).
GROUPS = {f"{PACKAGE}.model", f"{PACKAGE}.compiler"}


def _part(module: str) -> str:
    """The package (or top-level module) `module` is part of: dashsmith.grafana for
    dashsmith.grafana.reads, a command's unit for a module of the command, the module itself
    in a group of stages (dashsmith.compiler.validate)."""
    top = ".".join(module.split(".")[:2])
    if top in GROUPS:
        return module
    return _unit(module) or top


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(edges.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _runtime_edges(key) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for found in IMPORTS:
        if not found.type_only and key(found.importer) != key(found.imported):
            edges.setdefault(key(found.importer), set()).add(key(found.imported))
    return edges


def _showing(cycles: list[list[str]], key) -> str:
    lines = []
    for cycle in cycles:
        lines.append(" ↔ ".join(cycle))
        lines += [f"    {found}" for found in IMPORTS if not found.type_only
                  and key(found.importer) in cycle and key(found.imported) in cycle
                  and key(found.importer) != key(found.imported)][:20]
    return "\n".join(lines)


def test_the_graph_is_read():
    assert len(MODULES) > 50 and len(IMPORTS) > 200
    assert {f"{COMMANDS_PACKAGE}.{name}" for name in (
        "build", "lint", "deploy", "verify", "diff", "preview", "import_", "instrument", "bridge",
        "doctor")} == COMMAND_UNITS
    live = "dashsmith.commands.deploy.live"
    assert "dashsmith.grafana.reads" in {found.imported for found in IMPORTS
                                         if found.importer == live}


def test_no_import_cycle_between_modules():
    cycles = _cycles(_runtime_edges(lambda module: module))
    assert not cycles, "import cycles:\n" + _showing(cycles, lambda module: module)


def test_no_import_cycle_between_packages():
    cycles = _cycles(_runtime_edges(_part))
    assert not cycles, "import cycles between packages:\n" + _showing(cycles, _part)


def test_cli_only_routes():
    """cli.py names the command modules (COMMANDS) and imports none of dashsmith: what the
    commands share lives below them (commandline.py)."""
    assert [str(found) for found in IMPORTS if found.importer == CLI] == []
    for module in COMMAND_MODULES.values():
        assert module in MODULES, f"cli.py routes to {module}, which does not exist"
        assert _unit(module), f"cli.py routes to {module}, outside {COMMANDS_PACKAGE}"


def test_every_module_of_the_commands_package_is_a_command_or_shared():
    """Someone looking for `dashsmith diff` finds it at commands/diff: nothing else lives there."""
    stray = {".".join(m.split(".")[:3]) for m in MODULES if m.startswith(COMMANDS_PACKAGE + ".")}
    assert stray - COMMAND_UNITS - SHARED == set()


def test_no_command_imports_another_command_or_cli():
    wrong = []
    for found in IMPORTS:
        importer, imported = _unit(found.importer), _unit(found.imported)
        if importer is None or found.importer in ENTRY_POINTS:
            continue
        if found.imported in ENTRY_POINTS:
            wrong.append(f"{found} (cli.py only routes; its helpers are in commandline.py)")
        elif imported not in (None, importer):
            wrong.append(f"{found} (the {importer} command reaches into {imported})")
    assert not wrong, "\n".join(wrong)


def test_nothing_below_the_commands_imports_a_command():
    wrong = [f"{found} (a command)" for found in IMPORTS
             if _unit(found.importer) is None and found.importer not in ENTRY_POINTS
             and (_unit(found.imported) is not None or found.imported in ENTRY_POINTS)]
    assert not wrong, "\n".join(wrong)


# --- declared dependencies --------------------------------------------------------------------

def _third_party_imports() -> dict[str, str]:
    """{top-level name: a place that imports it} for every non-stdlib, non-dashsmith import."""
    found = {}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in (PACKAGE, "__future__"):
                    found.setdefault(top, f"{_path(module)}:{node.lineno}")
    return found


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(project: dict) -> set[str]:
    """The distributions pyproject.toml's [project] depends on, extras included."""
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    return {_normalized(re.match(r"[A-Za-z0-9_.-]+", line.strip()).group()) for line in lines}


def test_every_third_party_import_is_declared():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    with open(REPO / "pyproject.toml", "rb") as handle:
        declared = _declared(tomllib.load(handle)["project"])
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for name, where in sorted(_third_party_imports().items()):
        provided_by = {_normalized(d) for d in distributions.get(name, [name])}
        if not provided_by & declared:
            missing.append(f"{where}: imports {name} ({' or '.join(sorted(provided_by))}), "
                           "which pyproject.toml does not declare")
    assert not missing, "\n".join(missing)
