"""Rendering from style templates gives exactly what grafanalib gives for each object."""

from __future__ import annotations

import grafanalib.core as g
from hypothesis import given, settings, strategies as st

from dashsmith import barchart, bargauge, gauge, piechart, stat, table, text, timeseries
from dashsmith.compiler.templates import Templates, plain

CONTENT = ("title", "description")
words = st.text(min_size=0, max_size=30)
units = st.sampled_from(["", "s", "percentunit", "reqpm", "currencyUSD", "suffix: tok/s"])
thresholds = st.none() | st.dictionaries(st.floats(0, 1000, allow_nan=False), st.sampled_from(
    ["red", "orange"]), max_size=2)


@st.composite
def helper_panels(draw):
    title, description, unit = draw(words), draw(words), draw(units)
    common = {"unit": unit, "description": description, "thresholds": draw(thresholds)}
    choice = draw(st.sampled_from(["timeseries", "stat", "gauge", "bargauge", "piechart",
                                   "table", "barchart", "text"]))
    if choice == "timeseries":
        return timeseries(title, "up", stack=draw(st.booleans()), fill=draw(st.integers(0, 100)),
                          **common)
    if choice == "stat":
        return stat(title, "up", graph=draw(st.booleans()), **common)
    if choice == "gauge":
        return gauge(title, "up", max=draw(st.integers(1, 100)), **common)
    if choice == "bargauge":
        return bargauge(title, "up", **common)
    if choice == "piechart":
        return piechart(title, "up", donut=draw(st.booleans()), unit=unit or "short",
                        description=description)
    if choice == "table":
        return table(title, "up", **common)
    if choice == "barchart":
        return barchart(title, "up", interval=draw(st.sampled_from(["", "1d", "1h"])), **common)
    return text(title, draw(words))


@settings(max_examples=300, deadline=None)
@given(st.lists(helper_panels(), min_size=1, max_size=6))
def test_template_output_equals_grafanalib_output(panels):
    templates = Templates()  # shared across the drawn panels, as in a build
    for panel in panels:
        recipe = panel.recipe
        assert templates.render(recipe.cls, recipe.kwargs, CONTENT) == plain(recipe.make())


@settings(max_examples=200, deadline=None)
@given(expr=words, legend=words, ref=st.sampled_from(["A", "B", "AA"]), instant=st.booleans(),
       interval=st.sampled_from(["", "1m"]), hide=st.booleans())
def test_target_templates_equal_grafanalib_targets(expr, legend, ref, instant, interval, hide):
    kwargs = {"expr": expr, "legendFormat": legend, "refId": ref, "instant": instant,
              "interval": interval, "hide": hide,
              "datasource": {"type": "prometheus", "uid": "${datasource}"}}
    assert Templates().render(g.Target, kwargs, ("expr", "legendFormat", "refId")) == \
        plain(g.Target(**kwargs))


def test_a_style_rendered_once_serves_every_panel_of_that_style():
    templates = Templates()
    first = timeseries("One", "up", unit="s", description="first").recipe
    second = timeseries("Two", "up", unit="s", description="second").recipe
    templates.render(first.cls, first.kwargs, CONTENT)
    assert templates.render(second.cls, second.kwargs, CONTENT)["title"] == "Two"
    assert len(templates._styles) == 1


def test_arguments_that_are_not_plain_data_render_one_by_one():
    obj = timeseries("Links", "up", links=[g.DataLink(title="x", linkUrl="/d/x")]).recipe
    assert Templates().render(obj.cls, obj.kwargs, CONTENT) == plain(obj.make())


def test_content_copied_into_a_larger_string_is_not_templated():
    class Echo:
        def __init__(self, title, description, style):
            self.title, self.description, self.style = title, description, style

        def to_json_data(self):
            return {"title": self.title, "heading": f"== {self.title} ==", "style": self.style}

    templates = Templates()
    out = templates.render(Echo, {"title": "A", "description": "", "style": 1}, CONTENT)
    assert out == {"title": "A", "heading": "== A ==", "style": 1}
    again = templates.render(Echo, {"title": "B", "description": "", "style": 1}, CONTENT)
    assert again["heading"] == "== B =="
