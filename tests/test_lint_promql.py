"""The PromQL analysis lint and verify share (dashsmith.promql): selectors and what surrounds
them, the labels a result can carry, and syntax errors placed in the expression as written."""

from __future__ import annotations

import pytest

from dashsmith import promql


def _labels(catalog: dict):
    return lambda selector: catalog.get(selector.name)


CATALOG = {"errors_total": frozenset({"provider", "model", "job", "instance"}),
           "latency_seconds_bucket": frozenset({"provider", "tier", "le", "job", "instance"})}


def test_selectors_with_their_range_and_what_surrounds_them():
    expression = promql.parse(
        'histogram_quantile(0.95, sum by (le, tier) '
        '(rate(latency_seconds_bucket{job=~"$job", tier!="slow"}[$__rate_interval])))')
    (selector,) = expression.selectors()
    assert selector.name == "latency_seconds_bucket"
    assert [(m.label, m.op) for m in selector.matchers] == [("job", "=~"), ("tier", "!=")]
    assert selector.matcher("job").has_variable and not selector.matcher("tier").has_variable
    assert selector.range_variable == "__rate_interval"
    assert [str(n) for n in selector.around()] == ["rate(...)", "sum by (le, tier)",
                                                   "histogram_quantile(...)"]
    # Messages about a selector show the variables as written.
    assert expression.restore(str(selector)) == \
        'latency_seconds_bucket{job=~"$job",tier!="slow"}[$__rate_interval]'


def test_fixed_ranges_are_seconds():
    (selector,) = promql.parse("increase(errors_total[1h30m] offset 5m)").selectors()
    assert (selector.range, selector.range_variable, selector.offset) == (5400.0, None, 300.0)


@pytest.mark.parametrize("expr, labels", [
    ("errors_total", {"provider", "model", "job", "instance"}),
    ("sum(rate(errors_total[5m]))", set()),
    ("sum by (provider) (rate(errors_total[5m]))", {"provider"}),
    ("sum without (model) (rate(errors_total[5m]))", {"provider", "job", "instance"}),
    ("topk(3, errors_total)", {"provider", "model", "job", "instance"}),
    ("histogram_quantile(0.9, sum by (le, tier) (rate(latency_seconds_bucket[5m])))", {"tier"}),
    ('label_replace(sum(errors_total), "kind", "x", "", "")', {"kind"}),
    ('count_values("value", sum by (provider) (errors_total))', {"value"}),
    ('count_values by (provider) ("value", errors_total)', {"provider", "value"}),
    (("sum by (provider) (errors_total) / on (provider) group_left (tier) "
      "sum by (provider, tier) (latency_seconds_bucket)"), {"provider", "tier"}),
    ("sum by (provider, model) (errors_total) / on (provider) sum by (provider) (errors_total)",
     {"provider"}),
    ("errors_total / ignoring (model) errors_total", {"provider", "job", "instance"}),
    ("sum by (provider) (errors_total) > 1", {"provider"}),
    ('absent(errors_total{job="api", model=~"x"})', {"job"}),
    ("vector(1)", set()),
    ("sum by (job) (errors_total) or sum by (tier) (latency_seconds_bucket)", {"job", "tier"}),
])
def test_output_labels(expr, labels):
    assert promql.output_labels(promql.parse(expr).root, _labels(CATALOG)) == labels


def test_output_labels_unknown_without_a_catalog():
    assert promql.output_labels(promql.parse("rate(other_total[5m])").root, _labels({})) is None
    # An aggregation bounds the labels even when its input's are unknown.
    assert promql.output_labels(promql.parse("sum by (a) (other_total)").root,
                                _labels({})) == {"a"}


def test_which_aggregation_dropped_a_label():
    root = promql.parse("sum by (provider) (sum by (provider, model) (errors_total))").root
    dropped = promql.dropped_by(root, "model", _labels(CATALOG))
    assert str(dropped) == "sum by (provider)"


@pytest.mark.parametrize("expr, at", [
    ("sum(rate(errors_total[5m])", "(rate"),
    ('rate(errors_total{job=~"$job"}[$__rate_interval]) by (job)', "by (job)"),
    ('sum(rate(errors_total{job=~"${job:regex}"}[$__rate_interval])) >', ">"),
    ("rate(errors_total[5m]) foo", "foo"),
    ("sum(errors_total))", ")"),
    ('errors_total{job="a}', '"a}'),
    ("rates(errors_total[5m])", "rates("),
    ('errors_total{job=~"("}', '"("'),
])
def test_syntax_errors_are_placed_in_the_expression_as_written(expr, at):
    error = promql.parse(expr).error
    assert error is not None
    assert expr[error.offset:].startswith(at), (error, expr[error.offset:])
    assert "__var_" not in error.message


def test_error_position_on_later_lines():
    text = "sum(rate(errors_total[5m]))\n  > > 1"
    error = promql.parse(text, grafana=False).error
    assert error.position(text) == (2, 5)


def test_rule_expressions_keep_grafana_variables():
    assert promql.parse("rate(errors_total[$__rate_interval])").error is None
    assert promql.parse("rate(errors_total[$__rate_interval])", grafana=False).error is not None
