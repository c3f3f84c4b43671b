"""The rule registry: every id a dashsmith command can report is a registered rule, documented
the same way (what it catches, an anti-pattern, a best practice), and known to
`dashsmith lint --explain` and to suppressions."""

from __future__ import annotations

import ast
import os
import re

import pytest

from dashsmith.checks import registry
from dashsmith.checks.rule import Rule

LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib",
                   "dashsmith")
RULES = os.path.join(LIB, "checks", "rules")
RULE_ID = re.compile(r"^[a-z]+/[a-z][a-z0-9-]*$")
NAMESPACES = {rule.id.split("/")[0] for rule in registry.ALL}


def _sources():
    for directory, subdirs, files in os.walk(LIB):
        subdirs[:] = [d for d in subdirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as handle:
                    yield path, ast.parse(handle.read(), path)


SOURCES = list(_sources())


def _emitted(outside_the_rules: bool = False) -> dict[str, str]:
    """Each rule id written in the tool's code (or only outside checks/rules/), with where: a
    string constant shaped like an id in a namespace the registry has, or the first argument
    of any Problem(...)."""
    found = {}
    for path, tree in SOURCES:
        if outside_the_rules and path.startswith(RULES):
            continue
        where = os.path.relpath(path, LIB)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and RULE_ID.match(node.value) and node.value.split("/")[0] in NAMESPACES:
                found.setdefault(node.value, f"{where}:{node.lineno}")
            if isinstance(node, ast.Call) and _name(node.func) == "Problem" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                found.setdefault(node.args[0].value, f"{where}:{node.lineno}")
    return found


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_every_id_the_code_reports_is_registered():
    unknown = {rule_id: where for rule_id, where in _emitted().items()
               if rule_id not in registry.BY_ID}
    assert unknown == {}, "ids reported but not registered in dashsmith/checks/rules/"


def test_every_registered_rule_is_reported_somewhere():
    """A rule with no check of its own is reported by code elsewhere, by its id or its class;
    an entry nothing reports is documentation of a finding no one sees."""
    emitted = set(_emitted(outside_the_rules=True))
    used_names = {node.id if isinstance(node, ast.Name) else node.attr
                  for path, tree in SOURCES if not path.startswith(RULES)
                  for node in ast.walk(tree) if isinstance(node, (ast.Name, ast.Attribute))}
    stale = [rule.id for rule in registry.ALL if not rule.hooks()
             and rule.id not in emitted and type(rule).__name__ not in used_names]
    assert stale == []


@pytest.mark.parametrize("rule", registry.ALL, ids=lambda rule: rule.id)
def test_each_rule_is_one_documented_file(rule: Rule):
    cls = type(rule)
    assert cls.__module__ == f"dashsmith.checks.rules.{registry.module_name(rule.id)}"
    text = rule.explanation()
    summary = rule.summary()
    assert summary.endswith(".") and len(summary) <= 200, f"what {rule.id} catches, in a sentence"
    assert text.count("Anti-pattern:") == 1 and text.count("Best practice:") == 1
    anti, best = text.split("Anti-pattern:", 1)[1].split("Best practice:", 1)
    assert anti.strip() and best.strip(), "an example under each heading"
    for block in (anti, best):
        lines = [line for line in block.split("\n")[1:] if line.strip()]
        assert lines and all(line.startswith("    ") for line in lines), \
            "examples are indented under their heading"
    assert rule.commands(), "some command reports it"


def test_ids_are_unique_and_shaped():
    assert len(registry.BY_ID) == len(registry.ALL)
    assert all(RULE_ID.match(rule.id) for rule in registry.ALL)
    former = [former for rule in registry.ALL for former in rule.former_ids]
    assert len(set(former)) == len(former) and not set(former) & set(registry.BY_ID)


def test_a_renamed_rule_is_explained_under_its_former_id(cli):
    result = cli("lint", "--explain", "alerts/never-true")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("'alerts/never-true' is deprecated: it is this rule's "
                                    "former id, which suppressions still accept; write "
                                    "'alert/never-true'.\n\nalert/never-true (warning) "
                                    "(reported by dashsmith verify)")
    assert "alerts/never-true" not in cli("lint", "--explain").output


def test_an_unknown_id_is_refused():
    with pytest.raises(registry.UnknownRule):
        registry.get("promql/nonsense")
    assert registry.get("promql/series").commands() == ("verify",)


def test_explain_knows_what_verify_and_deploy_report(cli):
    result = cli("lint", "--explain", "promql/series")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("promql/series (error) (reported by dashsmith verify)")
    assert "Anti-pattern:" in result.output and "Best practice:" in result.output
    assert cli("lint", "--explain", "deploy/grafana-alerts").exit_code == 0
    assert cli("lint", "--explain", "slo/bucket").output.startswith(
        "slo/bucket (error) (structural: build refuses it)")
    listing = cli("lint", "--explain").output
    for rule_id in ("alert/never-true", "catalog/unread", "slo/sli", "deploy/grafana-alerts",
                    "panel/options"):
        assert rule_id in listing


def test_the_table_of_hooks_is_the_rules_own():
    """registry.HOOKED (what lets lint import only the rules its input needs) says what the
    rule modules say: a rule given a hook, or a query rule given other sites, fails here until
    the table is pasted again."""
    actual = {registry.module_name(rule.id): (tuple(rule.hooks()),
                                              tuple(rule.sites) if "query" in rule.hooks() else ())
              for rule in registry.ALL if rule.hooks()}
    table = "".join(f"    {name!r}: ({hooks!r}, {sites!r}),\n"
                    for name, (hooks, sites) in sorted(actual.items()))
    assert actual == registry.HOOKED, f"paste into checks/registry.py's HOOKED:\n{table}"


def test_lint_of_rule_files_imports_only_the_rules_that_read_them(tmp_path):
    """The same findings as with every rule, from the rules with a hook on rule files, rules
    or rule queries alone (the dashboards' and the declarations' are not imported)."""
    import subprocess
    import sys

    rules = tmp_path / "rules.yml"
    rules.write_text("groups:\n- name: g\n  rules:\n  - alert: Down\n"
                     "    expr: up == 0 or sum(rate(x[1m]) > 1\n")
    script = ("import sys\nfrom dashsmith.linter.engine import lint_paths\n"
              f"found = lint_paths([{str(rules)!r}])\n"
              "print(sorted({p.rule for p in found}))\n"
              "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
              "if m.startswith('dashsmith.checks.rules.')))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert "rule/expr" in out[0] and "alert/severity" in out[0]
    loaded = set(ast.literal_eval(out[1]))
    wanted = {name for name, (hooks, sites) in registry.HOOKED.items()
              if {"rule_file", "rule"} & set(hooks) or "rule" in sites}
    assert wanted <= loaded
    assert not {"panel_unit", "dashboard_uid", "routing_receiver", "test_coverage"} & loaded


def test_a_rule_that_compares_with_what_it_saw_says_so():
    """A rule reading context.seen or first_seen compares a subject with the others of the
    run: lint of files in several processes (linter/runner.py) must give it all of them."""
    for path, tree in SOURCES:
        if not path.startswith(RULES):
            continue
        calls = {_name(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        if calls & {"seen", "first_seen"}:
            rule = registry.get(_rule_id_of(path))
            assert rule.compares, f"{rule.id} reads context.seen: set compares = True"


def _rule_id_of(path: str) -> str:
    name = os.path.basename(path)[:-3]
    return next(rule.id for rule in registry.ALL if registry.module_name(rule.id) == name)


def test_a_rule_that_needs_the_catalog_asks_nothing_else_of_the_context():
    """Without a catalog the runner does not ask a rule marked needs_catalog: what it asks of
    the context must then all be the catalog's (context.series and context.histogram answer
    None without one), never the recording rules (context.labels_of, is_known)."""
    marked = [rule for rule in registry.ALL if rule.needs_catalog]
    assert marked
    for rule in marked:
        path = os.path.join(RULES, registry.module_name(rule.id) + ".py")
        tree = next(tree for source, tree in SOURCES if source == path)
        asked = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                 and isinstance(node.value, ast.Name) and node.value.id == "context"}
        assert asked <= {"series", "histogram", "catalog"}, (rule.id, asked)
