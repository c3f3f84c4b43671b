"""Issue 18, findings as an editor jumps to them: a finding about a keyword argument points at
that argument (line and column), not at the call's first line, column 1; a misspelt keyword
argument or label name is answered with the name meant ("did you mean 'unit'?")."""

from __future__ import annotations

import pytest

from dashsmith.checks.spelling import near
from dashsmith.model.source import Source


def _replace(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _position(path, text: str) -> str:
    """'line:column' (1-based) where `text` is first written in the file."""
    before = path.read_text()[:path.read_text().index(text)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


@pytest.mark.parametrize(("written", "meant"), [("units", "unit"), ("unti", "unit"),
                                                ("legnd", "legend")])
def test_a_misspelt_keyword_points_at_itself_and_says_what_was_meant(project, cli, written,
                                                                        meant):
    ai = project / "dashboards" / "ai.py"
    old = 'unit="reqpm"' if meant == "unit" else 'legend="{{provider}} {{model}}"'
    _replace(ai, old, old.replace(meant, written, 1))
    at = _position(ai, f"{written}=")
    expected = (f"dashboards/ai.py:{at}: error panel/options panel 'Completions Rate': "
                f"timeseries() got an unexpected keyword argument '{written}'; did you mean "
                f"'{meant}'?")
    for command in (("build",), ("lint", "--no-tools")):
        result = cli(*command)
        assert result.exit_code != 0
        assert expected in result.output.splitlines(), result.output


def test_a_misspelt_label_gets_the_label_meant_and_the_legend_finding_points_at_legend(
        project, cli):
    ai = project / "dashboards" / "ai.py"
    _replace(ai, "sum by (provider, model) ({AI.completions", "sum by (provder, model) "
             "({AI.completions")
    result = cli("lint", "--no-tools")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (f"dashboards/ai.py:{_position(ai, 'provder')}: error catalog/unknown-label `sum by "
            "(provder, model)`: no series here has label 'provder'; did you mean 'provider'? "
            "(it has: instance, job, model, provider)") in lines
    legend = _position(ai, 'legend="{{provider}} {{model}}"')
    assert any(line.startswith(f"dashboards/ai.py:{legend}: error promql/impossible the legend")
               for line in lines), result.output


def test_a_unit_finding_points_at_unit(project, cli):
    ai = project / "dashboards" / "ai.py"
    _replace(ai, 'unit="reqpm"', 'unit="seconds"')
    result = cli("lint", "--no-tools")
    assert (f"dashboards/ai.py:{_position(ai, 'unit=' + chr(34) + 'seconds')}: warning "
            "panel/unit panel 'Completions Rate' has unit 'seconds', which Grafana prints as "
            "text: use its unit id 's'") in result.output.splitlines()


def test_the_keyword_of_a_call_nested_on_one_line(tmp_path):
    module = tmp_path / "board.py"
    module.write_text('rows = [Row("Traffic", [timeseries("A", "up",\n'
                      '                                   units="s")])]\n'
                      "other = stat('B', 'up', unit='s')\n")
    call = Source(str(module), 1)
    assert call.keyword("units") == Source(str(module), 2, 36)
    assert call.keyword("nothing") == call  # not written: the call itself
    assert call.call_name() == "Row"
    assert Source(str(module), 3).keyword("unit") == Source(str(module), 3, 25)
    assert Source(str(tmp_path / "gone.py"), 1).keyword("unit") == \
        Source(str(tmp_path / "gone.py"), 1)


def test_near_names_are_a_typo_away_and_none_for_a_known_name():
    assert near("units", ["unit", "description", "legend"]) == ["unit"]
    assert near("unti", ["unit", "until"]) == ["unit", "until"]
    assert near("unit", ["unit", "units"]) == []
    assert near("colour", ["title", "height"]) == []


def test_a_misspelt_keyword_of_a_declaration_points_at_itself(project, cli):
    ai = project / "dashboards" / "ai.py"
    _replace(ai, '    title="AI / LLM",', '    titel="AI / LLM",')
    result = cli("lint", "--no-tools")
    assert result.exit_code == 1
    assert (f"dashboards/ai.py:{_position(ai, 'titel=')}: error declaration/import cannot "
            "import: TypeError: Dashboard.__init__() got an unexpected keyword argument "
            "'titel'; did you mean 'title'?") in result.output.splitlines(), result.output


def test_a_variable_of_a_misspelt_label_gets_the_label_meant(project, cli):
    board = project / "variable.json"
    board.write_text('{"uid": "v", "title": "V", "panels": [], "templating": {"list": [\n'
                     '  {"name": "job", "type": "query", "query": "label_values(jbo)"}]}}\n')
    result = cli("lint", "--no-tools", str(board))
    assert result.exit_code == 1
    assert ": error catalog/unknown-label variable 'job': no metric in the " \
           "catalog has label 'jbo'; did you mean 'job'?" in result.output, result.output
