"""The Python text of a declaration: what is printed evaluates to what was meant, in the house
style (one argument per line when too long, trailing commas, hugged rows, split strings)."""

from __future__ import annotations

import ast

from hypothesis import given, settings, strategies as st

from dashsmith.commands.import_.pysource import WIDTH, Call, literal, source, split_string

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20)


@given(text)
def test_a_literal_reads_back_as_the_text(value):
    assert ast.literal_eval(literal(value)) == value


def test_literals_prefer_double_quotes():
    assert literal("up") == '"up"'
    assert literal('job=~"$job"') == "'job=~\"$job\"'"
    assert literal("it's \"x\"") == '"it\'s \\"x\\""'


@given(text, st.integers(20, 120))
def test_split_pieces_join_back_and_fit_where_they_can(value, width):
    pieces = split_string(value, width)
    assert "".join(pieces) == value
    for piece in pieces:  # a piece too long is one word: nowhere to break it
        assert len(literal(piece)) <= width or " " not in piece.rstrip(" \n")


@settings(max_examples=60)
@given(json_values)
def test_printed_values_evaluate_to_themselves(value):
    printed = source(value, 1, prefix="x = ")
    assert ast.literal_eval(printed.strip()[len("x = "):]) == value


def test_a_call_that_does_not_fit_puts_one_argument_per_line():
    call = Call("timeseries", None, ["Latency P95", "x" * 90], {"unit": "s"})
    assert source(call) == '\n'.join([
        "timeseries(",
        '    "Latency P95",',
        f'    "{"x" * 90}",',
        '    unit="s",',
        ")",
    ])


def test_a_row_hugs_its_panel_list():
    panels = [Call("text", None, ["About", "Some words " * 8], {})]
    row = Call("Row", None, ["Overview", panels], {"collapsed": True}, hug=True)
    printed = source(row, 2, tail=",")
    assert printed.splitlines()[0] == '        Row("Overview", ['
    assert printed.splitlines()[-1] == "        ], collapsed=True),"
    assert all(len(line) <= WIDTH for line in printed.splitlines())


def test_a_long_keyword_string_is_parenthesised():
    call = Call("stat", None, ["Up"], {"description": "word " * 30})
    printed = source(call)
    assert '    description=(\n        "word word' in printed
    assert ast.literal_eval(printed.split("description=")[1].rsplit(",", 1)[0]) == "word " * 30


@settings(max_examples=60)
@given(st.dictionaries(text, json_values, max_size=4), st.integers(0, 3))
def test_keyword_arguments_of_any_name_compile_and_pass_their_values(kwargs, indent):
    # JSON keys become keyword arguments; `x-axis`, `class`, `1h` are no Python names
    def received(**given):
        return given
    printed = source(Call("received", received, [], kwargs), indent)
    assert eval(compile(printed.strip(), "<module>", "eval"),
                {"received": received}) == kwargs
