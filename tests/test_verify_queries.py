"""verify's query preparation without a server: Grafana's interval arithmetic, variables
replaced by real values, alert conditions, report formats, and the command's exit status."""

from __future__ import annotations

import socket

import pytest

from dashsmith import Dashboard, Query, label_variable, stat, timeseries
from dashsmith.commands.verify.queries import TimeRange, resolve_variables, runnable, targets
from dashsmith.compiler.render import render_dashboard
from dashsmith.grafana.intervals import grafana_interval, rate_interval, round_interval
from dashsmith.promql import parts


@pytest.mark.parametrize("seconds, rounded", [
    (0.3, 0.2), (0.47, 0.5), (1.2, 1), (21.6, 20), (40, 30), (100, 120), (3600, 3600),
    (90000, 86400),
])
def test_intervals_round_as_grafana_rounds_them(seconds, rounded):
    assert round_interval(seconds) == rounded


def test_interval_is_range_over_data_points_but_never_below_the_min_interval():
    assert grafana_interval(6 * 3600, 15, 1000) == 20  # 21.6s rounds to 20s
    assert grafana_interval(300, 1, 640) == 1  # 0.47s is below the 1s scrape interval
    assert grafana_interval(300, 86400, 640) == 86400  # a 1d min interval stays 1d


def test_rate_interval_is_four_scrapes_or_one_interval_plus_a_scrape():
    assert rate_interval(1, 1) == 4
    assert rate_interval(20, 15) == 60
    assert rate_interval(120, 15) == 135


class FakePrometheus:
    def __init__(self, values):
        self.values = values
        self.asked = []

    def label_values(self, label, match, start, end):
        self.asked.append((label, match))
        return self.values.get(label, [])


def _dashboard(*panels, variables=()):
    return render_dashboard(Dashboard(uid="d", title="D", folder="F", rows=list(panels),
                                      variables=list(variables)))


def test_a_target_runs_with_grafanas_values_for_every_variable():
    compiled = _dashboard(timeseries(
        "Rate", 'sum(rate(x_total{job=~"$job"}[$__rate_interval])) / $__range_s + '
                'sum(increase(x_total[$__range]))', unit="short"),
        variables=[label_variable("job", "x_total")])
    prometheus = FakePrometheus({"job": ["a", "b"]})
    when = TimeRange(end=1_000_000, range=3600, scrape_interval=15)
    values = {n: v.value for n, v in resolve_variables(compiled, prometheus, when).items()}
    assert prometheus.asked == [("job", "x_total")]
    assert values["job"] == ".+"  # "All", with the variable's allValue
    (target,) = targets(compiled)
    query = runnable(target, when, values)
    # One full-width panel: 1920 points over 1h is under the 15s scrape interval, so the
    # interval is 15s, the step 15s (intervalFactor 1), $__rate_interval 1m.
    assert query.text == ('sum(rate(x_total{job=~".+"}[1m])) / 3600 + '
                          'sum(increase(x_total[3600s]))')
    assert query.window.step == 15
    assert (query.window.start, query.window.end) == (996390, 999990)  # rounded down to 30s
    assert not query.window.instant
    assert query.substitution.restore('x_total{job=~".+"}[1m]') == \
        'x_total{job=~"$job"}[$__rate_interval]'


def test_stat_panels_run_instant_at_the_end_of_the_range():
    compiled = _dashboard(stat("Total", "sum(increase(x_total[$__range]))", unit="short"))
    (target,) = targets(compiled)
    query = runnable(target, TimeRange(end=1_000_000, range=600, scrape_interval=15), {})
    assert query.window.instant and query.text == "sum(increase(x_total[600s]))"


def test_a_variable_without_values_says_so_and_without_all_takes_the_first_option():
    compiled = _dashboard(
        timeseries("P", Query('x{a="$a",b="$b"}'), unit="short"),
        variables=[label_variable("a", "x", include_all=False, multi=False),
                   label_variable("b", "x", include_all=False, multi=False)])
    values = resolve_variables(compiled, FakePrometheus({"a": ["first", "second"]}),
                               TimeRange(1_000_000, 600, 15))
    assert values["a"].value == "first" and not values["a"].error
    assert values["b"].value == "" and values["b"].error == "no values"


def test_alert_conditions_are_the_branches_an_alert_fires_on():
    parsed = parts.parse(
        "(sum(rate(a_total[10m])) == 0 or absent(a_total)) and on () sum(rate(b_total[10m])) > 0")
    found = [(c.operand, c.comparison) for c in parts.conditions(parsed)]
    assert found == [("sum(rate(a_total{}[10m]))", "sum(rate(a_total{}[10m])) == 0"),
                     ("sum(rate(b_total{}[10m]))", "sum(rate(b_total{}[10m])) > 0")]
    (vector,) = parts.conditions(parts.parse("sum by (i) (x) >= on (i) max by (i) (y)"))
    assert vector.operand == "sum by (i)(x{}) >= bool on (i) max by (i)(y{})"
    assert [str(s) for s, inside in parts.selectors(parsed) if inside] == ["a_total{}"]
    assert parts.metric_names(parsed) == {"a_total", "b_total"}


def _unreachable_url() -> str:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{closed.getsockname()[1]}"


def test_verify_exits_2_when_prometheus_does_not_answer(cli):
    url = _unreachable_url()
    result = cli("verify", "--prometheus", url)
    assert result.exit_code == 2
    assert f"cannot query Prometheus: {url}" in result.output


def test_verify_takes_prometheus_from_the_environment(cli):
    url = _unreachable_url()
    result = cli.subprocess("verify", env={"PROMETHEUS_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith(f"dashsmith: cannot query Prometheus: {url}")
    assert "Missing option" not in result.stderr


def test_verify_without_a_prometheus_names_the_option_and_the_variable(cli):
    result = cli.subprocess("verify", env={"PROMETHEUS_URL": ""})
    assert result.returncode == 2
    assert "Missing option '--prometheus' (env var: 'PROMETHEUS_URL')" in result.stderr
