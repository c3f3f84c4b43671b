"""`dashsmith import FILE.json ...` as a user runs it: every dashboard of the corpus becomes a
module that builds back to the same dashboard, lints, reads like the hand-written ones; bad
input is refused with the file's name and nothing written."""

from __future__ import annotations

import ast
import json
import os
import re

import pytest

from dashsmith.commands.import_.pysource import _words
from dashsmith.grafana.equivalence import differences, normalize
from support import Cli, copy_project
from support.samples import CORPUS, corpus_dashboard, corpus_path

# lint rules about the form of a declaration (not about its content, such as unknown metrics)
SYNTAX_RULES = {"declaration/import", "promql/syntax", "dashboard/uid", "dashboard/duplicate-uid",
                "dashboard/title", "dashboard/folder", "dashboard/layout", "dashboard/overlap",
                "panel/no-targets", "file/parse"}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A copy of the project with the whole corpus imported (one command) and built."""
    root = copy_project(tmp_path_factory.mktemp("import") / "project")
    result = Cli(root)("import", *map(corpus_path, CORPUS))
    assert result.exit_code == 0, result.output
    built = Cli(root)("build")
    assert built.exit_code == 0, built.output
    return root, result.output


def module_path(root, name: str):
    uid = corpus_dashboard(name)["uid"]
    for path in (root / "dashboards").glob("*.py"):
        if f'uid="{uid}"' in path.read_text():
            return path
    raise AssertionError(f"no module declares uid {uid}")


def built_json(root, uid: str) -> dict:
    [path] = list((root / "build" / "dashboards").glob(f"*/{uid}.json"))
    return json.loads(path.read_text())


@pytest.mark.parametrize("name", CORPUS)
def test_the_built_module_is_the_original_dashboard(imported, name):
    root, _ = imported
    original = corpus_dashboard(name)
    assert differences(normalize(original), normalize(built_json(root, original["uid"]))) == []


@pytest.mark.parametrize("name", CORPUS)
def test_the_module_keeps_uid_title_panel_ids_and_rows(imported, name):
    root, _ = imported
    original = corpus_dashboard(name)
    built = built_json(root, original["uid"])
    assert (built["uid"], built["title"]) == (original["uid"], original["title"])
    ids = {p["id"] for p in original["panels"] if "repeatPanelId" not in p}
    assert ids <= {p["id"] for p in built["panels"]}
    rows = [(p["title"], p.get("collapsed", False)) for p in original["panels"]
            if p.get("type") == "row" and "repeatPanelId" not in p]
    assert rows == [(p["title"], p.get("collapsed", False)) for p in built["panels"]
                    if p.get("type") == "row"]


def test_generated_modules_pass_lints_syntax_checks(imported):
    root, _ = imported
    result = Cli(root)("lint", "--format", "json")
    problems = json.loads(result.stdout)
    ours = [p for p in problems if p["path"] in {f"dashboards/{module_path(root, n).name}"
                                                 for n in CORPUS}]
    assert ours, "lint looked at the imported modules"
    assert [p for p in ours if p["rule"] in SYNTAX_RULES] == []


@pytest.mark.parametrize("name", CORPUS)
def test_generated_code_is_formatted_like_the_hand_written_modules(imported, name):
    text = module_path(imported[0], name).read_text()
    tree = ast.parse(text)
    assert ast.get_docstring(tree)
    assert text.endswith("\n") and not text.endswith("\n\n")
    # a query written on several lines is one triple-quoted string, its lines as they were
    verbatim = {number for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and node.end_lineno and node.end_lineno > node.lineno
                for number in range(node.lineno, node.end_lineno + 1)}
    for number, line in enumerate(text.splitlines(), 1):
        assert line == line.rstrip() or number in verbatim, f"trailing space on line {number}"
        assert line.startswith("#") or "\t" not in line
        # a long line ends in a string literal that has no space to break at (outside a
        # selector: a query is never cut inside one)
        assert len(line) <= 100 or _unbreakable(line) or number in verbatim, \
            f"line {number} is {len(line)} long"
    imported_names = {alias.asname or alias.name for node in ast.walk(tree)
                      if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert {n.split(".")[0] for n in imported_names} <= used, "every import is used"


def _unbreakable(line: str) -> bool:
    value = line.strip().rstrip(",")
    for separator in (": ", "="):  # a dict entry or a keyword argument
        head, _, tail = value.partition(separator)
        if tail and head.strip('"').isidentifier():
            value = tail
            break
    try:
        literal = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return False
    # a space only inside a selector's braces, a range or a quoted string: never cut there
    return isinstance(literal, str) and len(_words(literal.strip())) == 1


def test_helpers_where_they_fit_rows_kept_queries_readable(imported):
    text = module_path(imported[0], "triage_stage1_health.json").read_text()
    assert 'Row("Overview", [' in text and 'Row("LLM", [' in text
    assert "], collapsed=True, id=13)" in text
    assert text.count("stat(\n") == 5 and text.count("timeseries(\n") == 4
    assert "barchart(\n" in text
    # a query is a string literal in the module, not JSON
    assert "'sum(triage_stage1_queue_depth{job=~\"$job\"})'," in text
    # Grafana's defaults are left out
    for default in ('"axisPlacement": "auto"', "showLegend", "lineWidth", "pluginVersion"):
        assert default not in text


def test_panels_grafanalib_does_not_model_are_kept(imported):
    root, _ = imported
    quick = built_json(root, "quick-start")
    panels = {p["id"]: p for p in quick["panels"]}
    assert panels[4]["libraryPanel"] == {"name": "Platform error budget",
                                         "uid": "d7f1e4a2-error-budget"}
    assert panels[2]["type"] == "dashlist" and panels[2]["options"]["tags"] == ["triage", "market"]
    feature_store = {p["id"]: p for p in built_json(root, "feature-store-health")["panels"]}
    assert feature_store[6]["type"] == "heatmap"
    assert feature_store[6]["options"]["calculate"] is False
    assert feature_store[7]["libraryPanel"]["uid"] == "a1d0b7e2-kafka-lag"
    text = module_path(root, "feature_store_health.json").read_text()
    assert ('library_panel(\n            "a1d0b7e2-kafka-lag",\n'
            '            "Kafka consumer lag",') in text
    assert 'plugin_panel(\n            "heatmap",' in text


def test_fields_carried_verbatim_are_named_in_the_module_and_in_the_output(imported):
    root, output = imported
    text = module_path(root, "llm_gateway.json").read_text()
    assert "#   dashboard: liveNow" in text and "#   dashboard: weekStart" in text
    assert 'extra={"liveNow": True, "weekStart": "monday"}' in text
    section = output.split("'LLM Gateway'")[1].split("wrote ")[0]
    assert "dashboard: liveNow" in section and "dashboard: weekStart" in section


def test_an_external_export_is_imported_with_a_warning_about_its_inputs(imported):
    _, output = imported
    section = output.split("'Quick Start'")[1].split("wrote ")[0]
    assert "warning:" in section and "${DS_PROMETHEUS}" in section


def test_repeated_panel_copies_are_dropped_and_the_repeat_kept(imported):
    root, _ = imported
    built = built_json(root, "pipeline-health")
    assert 21 not in {p["id"] for p in built["panels"]}  # Grafana's saved copy of row 3
    row = next(p for p in built["panels"] if p["id"] == 3)
    assert row["repeat"] == "pipeline"
    stat = next(p for p in built_json(root, "market-health")["panels"] if p["id"] == 2)
    assert (stat["repeat"], stat["repeatDirection"], stat["maxPerRow"]) == ("venue", "h", 4)


def test_a_dashboard_dashsmith_built_imports_back_to_helper_calls(cli, project, tmp_path):
    assert cli("build").exit_code == 0
    [path] = list((project / "build" / "dashboards").glob("*/ai-llm.json"))
    data = json.loads(path.read_text())
    data["uid"], data["title"] = "ai-llm-copy", "AI / LLM copy"
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(data))
    result = cli("import", str(copy), "--in-folder", "Trading Platform/AI")
    assert result.exit_code == 0, result.output
    text = (project / "dashboards" / "ai_llm_copy.py").read_text()
    assert "carried verbatim" not in result.output and "extra=" not in text
    assert "datasource_variable()," in text
    assert 'label_variable("job", "ai_completions_total"),' in text
    assert 'legend="{{provider}} {{model}}",' in text and not re.search(r"\bid=", text)
    assert 'folder="Trading Platform/AI"' in text


def test_the_api_envelope_gives_the_folder(cli, project, tmp_path):
    envelope = {"dashboard": corpus_dashboard("host_overview.json"),
                "meta": {"folderUid": "infra", "folderTitle": "Infrastructure"}}
    path = tmp_path / "host.json"
    path.write_text(json.dumps(envelope))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert 'folder="Infrastructure"' in (project / "dashboards" / "host_overview.py").read_text()


def test_dry_run_prints_the_module_and_writes_nothing(cli, project):
    before = sorted(os.listdir(project / "dashboards"))
    result = cli("import", corpus_path("llm_gateway.json"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "# dashboards/llm_gateway.py" in result.output and 'uid="llm-gateway"' in result.output
    assert sorted(os.listdir(project / "dashboards")) == before


# --- bad input ---------------------------------------------------------------------------------

def _refused(cli, project, files, *options, expect: str):
    before = {p.name: p.read_bytes() for p in (project / "dashboards").iterdir() if p.is_file()}
    result = cli("import", *map(str, files), *options)
    assert result.exit_code == 2, result.output
    assert expect in result.output and "nothing was written" in result.output
    after = {p.name: p.read_bytes() for p in (project / "dashboards").iterdir() if p.is_file()}
    assert after == before


def test_not_json_is_refused(cli, project, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"title": "x", "panels": [')
    good = corpus_path("host_overview.json")
    _refused(cli, project, [good, bad], expect=f"{bad}: not JSON")


@pytest.mark.parametrize("content", [[1, 2], {"name": "a datasource", "type": "prometheus"},
                                     "just a string"])
def test_json_that_is_not_a_dashboard_is_refused(cli, project, tmp_path, content):
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps(content))
    _refused(cli, project, [bad], expect=f"{bad}: not a Grafana dashboard")


def test_a_dashboard_of_a_shape_grafana_does_not_write_is_refused(cli, project, tmp_path):
    bad = tmp_path / "odd.json"
    bad.write_text(json.dumps({"uid": "odd", "title": "Odd", "panels": [
        {"type": "timeseries", "gridPos": "top left", "targets": 5}]}))
    _refused(cli, project, [bad], expect=f"{bad}: cannot import")


def test_a_dashboard_without_uid_is_declared_with_its_file_names_and_says_so(
        cli, project, tmp_path):
    data = corpus_dashboard("host_overview.json")
    del data["uid"]
    path = tmp_path / "Host Overview (export).json"
    path.write_text(json.dumps(data))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "(uid host-overview-export)" in result.output
    assert "warning: the file has no uid: the module declares uid 'host-overview-export', " \
           "made from the file's name (--set-uid UID chooses another)" in result.output
    assert 'uid="host-overview-export",' in (project / "dashboards" / "host_overview.py") \
        .read_text()
    assert cli("build").exit_code == 0
    [built] = list((project / "build" / "dashboards").glob("*/host-overview-export.json"))
    # the same dashboard but for the uid it now has
    assert differences(normalize({**data, "uid": "host-overview-export"}),
                       normalize(json.loads(built.read_text()))) == []
    # importing the file again finds the module by that uid
    again = cli("import", str(path), "--force")
    assert again.exit_code == 0 and "wrote dashboards/host_overview.py" in again.output


def test_set_uid_chooses_the_uid_of_one_files_dashboard(cli, project, tmp_path):
    data = corpus_dashboard("host_overview.json")
    del data["uid"]
    path = tmp_path / "nouid.json"
    path.write_text(json.dumps(data))
    result = cli("import", str(path), "--set-uid", "hosts-main")
    assert result.exit_code == 0, result.output
    assert "(uid hosts-main)" in result.output and "has no uid" not in result.output
    _refused(cli, project, [path], "--set-uid", "has spaces", expect="uid 'has spaces' is invalid")
    usage = cli("import", str(path), str(path), "--set-uid", "x")
    assert usage.exit_code == 2 and "--set-uid names the uid of one JSON file's dashboard" \
        in usage.output


def test_an_invalid_uid_is_refused(cli, project, tmp_path):
    data = dict(corpus_dashboard("host_overview.json"), uid="has spaces")
    bad = tmp_path / "bad-uid.json"
    bad.write_text(json.dumps(data))
    _refused(cli, project, [bad], expect="uid 'has spaces' is invalid")


def test_a_uid_the_project_declares_is_refused(cli, project, tmp_path):
    data = dict(corpus_dashboard("host_overview.json"), uid="ai-llm")
    bad = tmp_path / "clash.json"
    bad.write_text(json.dumps(data))
    _refused(cli, project, [bad], expect="uid 'ai-llm' is already declared at dashboards/ai.py:")


def test_an_existing_module_is_kept_unless_forced(cli, project):
    path = corpus_path("host_overview.json")
    assert cli("import", path).exit_code == 0
    module = project / "dashboards" / "host_overview.py"
    module.write_text(module.read_text().replace('folder="Imported"', 'folder="Edited"'))
    declared = module.read_text().splitlines().index("dashboard = Dashboard(") + 1
    _refused(cli, project, [path], expect="uid 'host-overview' is already declared at "
             f"dashboards/host_overview.py:{declared}:1; pass --force to replace that module")
    result = cli("import", path, "--force")
    assert result.exit_code == 0, result.output
    assert 'folder="Imported"' in module.read_text()


def test_a_title_taken_by_another_module_gets_another_file(cli, project, tmp_path):
    data = dict(corpus_dashboard("host_overview.json"), title="System", uid="system-copy")
    path = tmp_path / "system.json"
    path.write_text(json.dumps(data))
    before = (project / "dashboards" / "system.py").read_text()
    result = cli("import", str(path), "--force")
    assert result.exit_code == 0, result.output
    assert "wrote dashboards/system_copy.py" in result.output
    assert (project / "dashboards" / "system.py").read_text() == before


def test_two_inputs_with_one_uid_are_refused(cli, project, tmp_path):
    first = corpus_path("host_overview.json")
    second = tmp_path / "again.json"
    second.write_text(json.dumps(dict(corpus_dashboard("host_overview.json"), title="Other title")))
    _refused(cli, project, [first, second], expect="uid 'host-overview' is also in")


def test_a_module_that_build_would_refuse_is_not_written(cli, project):
    path = corpus_path("host_overview.json")
    _refused(cli, project, [path], "--in-folder", "A/B/C/D/E",
             expect=f"{path}: `dashsmith build` would refuse the module it becomes: "
                    "dashboards/host_overview.py:12:1: error dashboard/folder folder 'A/B/C/D/E' "
                    "is nested deeper than Grafana allows (4)")
    assert cli("build").exit_code == 0


def test_the_projects_own_build_errors_do_not_stop_an_import(cli, project):
    (project / "dashboards" / "deep.py").write_text(
        "from dashsmith import Dashboard\n"
        'deep = Dashboard(uid="deep", title="Deep", folder="A/B/C/D/E", rows=[])\n')
    result = cli("import", corpus_path("host_overview.json"))
    assert result.exit_code == 0, result.output
    assert (project / "dashboards" / "host_overview.py").exists()
    built = cli("build")
    assert built.exit_code == 2 and "dashboards/deep.py:2:1: error dashboard/folder" in built.output


def test_nothing_to_import_is_a_usage_error(cli):
    result = cli("import")
    assert result.exit_code == 2 and "give JSON files" in result.output


def test_the_command_as_a_process_exits_2_and_says_why(cli, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("not json at all")
    result = cli.subprocess("import", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"dashsmith: {bad}: not JSON") and result.stdout == ""
