"""Find the declarations: import every module under the configured directories and collect
the dashboards, rule groups, metrics, SLOs and the routing they define at module level. SLOs
are expanded here into rule groups (in their module's rule file) and dashboards."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from contextlib import contextmanager

from dashsmith import slo
from dashsmith.checks.rules.declaration_import import DeclarationImport
from dashsmith.checks.rules.routing_duplicate import RoutingDuplicate
from dashsmith.compiler.estate import Estate, RuleFile
from dashsmith.model.catalog import Catalog, Metric
from dashsmith.model.dashboard import Dashboard
from dashsmith.model.problems import DeclarationError, Problem
from dashsmith.model.rules import RuleGroup, rule_from_dict
from dashsmith.model.settings import Settings
from dashsmith.model.source import Source
from dashsmith.routing import Routing


def load_estate(settings: Settings, dashboards: bool = True) -> Estate:
    """The declarations; without their dashboards when `dashboards` is False (lint of files
    needs only the catalog and the rules, and importing dashboards means grafanalib)."""
    problems: list[Problem] = []
    packages = [settings.catalog, settings.dashboards, settings.alerts]
    with _isolated_imports(settings.root, packages):
        metrics = _collect(settings, settings.catalog, Metric, problems)
        declared = _collect(settings, settings.dashboards, Dashboard, problems) \
            if dashboards else []
        alert_modules = list(_modules(settings, settings.alerts, problems))
    catalog = Catalog(metrics)
    slos = [s for module in alert_modules for s in _instances(module, slo.SLO)]
    problems += slo.problems(slos, catalog)
    routing = _routing(alert_modules, settings.root, problems)
    if problems:
        # A module that fails to import fails again in every module importing it, with the
        # same problem at the same line: report it once.
        raise DeclarationError(list(dict.fromkeys(problems)))
    if dashboards:
        declared += [slo.slo_dashboard(s) for s in slos]
    return Estate(settings, catalog, declared, _rule_files(alert_modules), routing, slos)


def _collect(settings: Settings, directory: str, kind: type, problems: list[Problem]) -> list:
    found = []
    for module in _modules(settings, directory, problems):
        found.extend(_instances(module, kind))
    return found


def _rule_files(modules) -> list[RuleFile]:
    rule_files = []
    for module in modules:
        groups = [_with_rules_checked(group) for group in _instances(module, RuleGroup)]
        groups += [slo.rule_group(s) for s in _instances(module, slo.SLO)]
        if groups:
            name = module.__name__.split(".", 1)[1].replace(".", "-")
            rule_files.append(RuleFile(name, groups, Source(module.__file__, 1)))
    return rule_files


def _routing(modules, root: str, problems: list[Problem]) -> Routing | None:
    """The project's one Routing declaration, if any."""
    found = [r for module in modules for r in _instances(module, Routing)]
    first = str(found[0].source.relative_to(root)) if found else ""
    problems += [RoutingDuplicate().second_routing(extra, first) for extra in found[1:]]
    return found[0] if found else None


def _with_rules_checked(group: RuleGroup) -> RuleGroup:
    """Dict rules become Alert/Record; a dict that is neither stays a dict for validate."""
    rules = []
    for rule in group.rules:
        if isinstance(rule, dict):
            rule = rule_from_dict(rule, group.source) or rule
        rules.append(rule)
    group.rules = rules
    return group


def _instances(module, kind: type) -> list:
    """Module-level instances of `kind`, also inside module-level lists and tuples."""
    found = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(value, kind):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(item for item in value if isinstance(item, kind))
    # A value bound to two names is still one declaration.
    unique = {id(item): item for item in found}
    return list(unique.values())


def _modules(settings: Settings, directory: str, problems: list[Problem]):
    base = os.path.join(settings.root, directory)
    for path in _python_files(base):
        relative = os.path.relpath(path, settings.root)[: -len(".py")]
        parts = relative.split(os.sep)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        try:
            yield importlib.import_module(".".join(parts))
        except Exception as error:  # noqa: BLE001 - any failure of user code is a finding
            problems.append(DeclarationImport().cannot_import(path, error))


def _python_files(base: str) -> list[str]:
    found: list[str] = []
    for directory, subdirs, files in os.walk(base):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "__")))
        found.extend(os.path.join(directory, f) for f in sorted(files)
                     if f.endswith(".py") and not f.startswith("test_"))
    return found


@contextmanager
def _isolated_imports(root: str, packages: list[str]):
    """Import the project's declaration packages fresh, and leave sys.modules as it was, so
    that several estates (e.g. two git refs) can be loaded in one process."""
    tops = {p.split("/")[0] for p in packages}

    def ours(name: str) -> bool:
        return name.split(".")[0] in tops

    saved = {name: mod for name, mod in sys.modules.items() if ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        for top in sorted(tops):
            _bind_package(top, os.path.join(root, top))
        yield
    finally:
        sys.path.remove(root)
        for name in [n for n in sys.modules if ours(n)]:
            del sys.modules[name]
        sys.modules.update(saved)


def _bind_package(name: str, directory: str) -> None:
    """Register `name` as the package in `directory`, so that neither an installed package of
    the same name nor a regular package elsewhere on sys.path can stand in for it (a directory
    without __init__.py would otherwise lose to one that has it)."""
    init = os.path.join(directory, "__init__.py")
    spec = importlib.util.spec_from_file_location(
        name, init if os.path.exists(init) else None, submodule_search_locations=[directory])
    if spec is None:  # no __init__.py: a bare package over the directory
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [directory]
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    if spec.loader is not None:
        spec.loader.exec_module(module)
