"""The synthetic workload: counters that grow at the configured rates and stay monotonic across
fault switches, and the exporter serving the catalog's metrics over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from dashsmith.commands.verify.exporter import WorkloadError, check_coverage, make_server
from dashsmith.commands.verify.workload import FAULTS, Traffic, Workload, quantile
from dashsmith.compiler.project import Project
from dashsmith.model.catalog import Catalog
from support import REPO

BUCKETS = {"ai_latency_seconds": (1, 2, 3, 5, 7.5, 10),
           "ai_time_to_first_token_seconds": (0.25, 0.5, 1),
           "tradingagents_analysis_duration_seconds": (60, 120, 300, 600),
           "tradingagents_agent_duration_seconds": (5, 10, 20)}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _value(values, family, **labels):
    return sum(v for (name, key, part), v in values.items()
               if name == family and part == "" and all(dict(key).get(k) == x
                                                        for k, x in labels.items()))


def test_counters_grow_at_the_configured_rates():
    clock, workload = Clock(), Workload()
    traffic = Traffic(workload, BUCKETS, clock)
    clock.now = 60
    values = traffic.values()
    for (_provider, model), per_minute in workload.completions_per_minute().items():
        assert _value(values, "ai_completions_total", model=model) == pytest.approx(per_minute)
    cost = _value(values, "ai_cost_usd_total") * 60  # one minute's spend, per hour
    assert cost == pytest.approx(workload.cost_per_hour()["anthropic"])
    agents_cost = _value(values, "tradingagents_llm_cost_usd_total")
    assert agents_cost == pytest.approx(_value(values, "ai_cost_usd_total"))  # one code path


def test_switching_faults_keeps_every_counter_monotonic():
    clock = Clock()
    traffic = Traffic(Workload(), BUCKETS, clock)
    previous = {}
    for step, fault in enumerate([*FAULTS, None], start=1):
        clock.now = step * 10.0
        traffic.set_fault(fault)
        clock.now += 5
        values = traffic.values()
        for key, value in previous.items():
            assert values[key] >= value - 1e-9, (fault, key)
        previous = values
    with pytest.raises(ValueError, match="unknown fault 'bogus'; known: error-spike"):
        traffic.set_fault("bogus")


def test_histograms_are_cumulative_and_count_every_observation():
    clock = Clock()
    traffic = Traffic(Workload(), BUCKETS, clock)
    clock.now = 100
    values = traffic.values()
    for (family, labels, part), count in values.items():
        if part != "count":
            continue
        bounds = sorted(p for (f, series_labels, p), _ in values.items()
                        if f == family and series_labels == labels and isinstance(p, float))
        counts = [values[(family, labels, le)] for le in bounds]
        assert counts == sorted(counts) and counts[-1] == pytest.approx(count)


def test_the_expected_p95_is_the_distributions_95th_percentile():
    workload = Workload()
    assert workload.latency_p95() == {("anthropic", "fast"): 2.8, ("anthropic", "medium"): 14.0}
    assert quantile(((1, 0.5), (2, 0.45), (9, 0.05)), 0.95) == 2


def test_a_workload_round_trips_through_json():
    workload = FAULTS["cost-burst"].apply(Workload())
    assert Workload.from_json(workload.to_json()) == workload


def test_the_workload_must_cover_the_catalog():
    catalog = Project(REPO).estate.catalog
    check_coverage(catalog, Workload())
    partial = Catalog([m for m in catalog if m.name != "ai_cache_tokens_total"])
    with pytest.raises(WorkloadError, match="produces ai_cache_tokens_total, which the catalog"):
        check_coverage(partial, Workload())


@pytest.fixture
def exporter():
    server, traffic = make_server(Project(REPO).estate.catalog, Workload())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_exporter_serves_the_catalog_and_switches_faults_over_http(exporter):
    status, text = _get(exporter + "/metrics")
    assert status == 200
    for metric in Project(REPO).estate.catalog:
        if metric.exporter == "tradingagents":
            assert f"# TYPE {metric.name} {metric.type}" in text
    assert 'ai_latency_seconds_bucket{le="120.0",provider="anthropic",tier="fast"}' in text

    assert _post(exporter + "/fault/traffic-stop") == (200, {"fault": "traffic-stop"})
    assert "ai_completions_total{" not in _get(exporter + "/metrics")[1]
    status, answer = _post(exporter + "/fault/bogus")
    assert status == 400 and "known: error-spike" in answer["error"]
    assert _post(exporter + "/fault/scrape-failure")[0] == 200
    assert _get(exporter + "/metrics")[0] == 503
    assert _post(exporter + "/fault/normal") == (200, {"fault": None})
    status, text = _get(exporter + "/fault")
    assert json.loads(text)["fault"] is None and "cost-burst" in json.loads(text)["faults"]
