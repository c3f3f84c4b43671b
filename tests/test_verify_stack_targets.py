"""verify's stack (what `dashsmith demo` runs) scrapes more targets when asked: an application on
a port of its own, under the job its dashboards filter by. Against the real Debian Prometheus."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, start_http_server

from dashsmith.commands.verify.stack import Stack, StackError, free_port, parse_targets
from dashsmith.compiler.project import Project
from support.project import REPO
from support.prometheus import api

pytestmark = pytest.mark.live


@pytest.fixture
def application():
    """An application's /metrics on a port that is not the default 8000: its host:port."""
    registry = CollectorRegistry()
    Counter("tradingagents_analyses", "Analyses.", ["ticker", "status"],
            registry=registry).labels("AAPL", "success").inc(5)
    port = free_port()
    server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    yield f"127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def test_an_extra_target_is_scraped_under_its_job(application):
    stack = Stack(Project(REPO), components=("prometheus",),
                  scrape={"tradingagents": (application,)})
    with stack:
        up = api(stack.prometheus_url, "/api/v1/query", query='up{job="tradingagents"}')
        assert [(s["metric"]["instance"], s["value"][1]) for s in up] == [(application, "1")]
        analyses = api(stack.prometheus_url, "/api/v1/query",
                       query='tradingagents_analyses_total{job="tradingagents"}')
        assert [s["value"][1] for s in analyses] == ["5"]


def test_a_target_that_does_not_answer_is_named_when_the_stack_gives_up():
    gone = f"127.0.0.1:{free_port()}"
    stack = Stack(Project(REPO), components=("prometheus",), scrape={"myapp": (gone,)})
    with pytest.raises(StackError) as raised:
        stack.start(timeout=8)
    assert "scrape targets did not become ready in time: job myapp at " \
           f"http://{gone}/metrics" in str(raised.value)
    assert stack.processes == []  # stopped on the failure


def test_targets_are_read_as_demo_takes_them():
    assert parse_targets(["tradingagents=127.0.0.1:8001", "tradingagents=127.0.0.2:8000",
                          "worker=127.0.0.1:9001,127.0.0.1:9002"]) == {
        "tradingagents": ("127.0.0.1:8001", "127.0.0.2:8000"),
        "worker": ("127.0.0.1:9001", "127.0.0.1:9002")}
    for bad in ("tradingagents", "=127.0.0.1:1", "app=127.0.0.1", "app=host:99999"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            parse_targets([bad])


def test_demo_refuses_a_target_it_cannot_read(cli, project):
    result = cli("demo", "--scrape", "tradingagents=localhost")
    assert result.exit_code == 2
    assert "--scrape" in result.output and "'localhost' is not HOST:PORT" in result.output


def test_demo_reads_its_targets_from_setup_cfg_and_names_a_bad_line(cli, project):
    from support import set_settings

    set_settings(project, "dashsmith.demo", scrape="tradingagents=localhost")
    line = (project / "setup.cfg").read_text().splitlines().index(
        "scrape = tradingagents=localhost") + 1
    result = cli("demo")
    assert result.exit_code == 2
    assert (f"setup.cfg:{line}:1: [dashsmith.demo] scrape: 'tradingagents=localhost': "
            "'localhost' is not HOST:PORT") in result.output


def test_the_setting_gives_the_targets_demo_scrapes(project):
    from dashsmith.commands.verify.command import _configured_targets
    from support import set_settings

    set_settings(project, "dashsmith.demo",
                 scrape="tradingagents=127.0.0.1:8001 worker=127.0.0.1:9001,127.0.0.1:9002")
    assert _configured_targets(Project(str(project)).settings) == {
        "tradingagents": ("127.0.0.1:8001",), "worker": ("127.0.0.1:9001", "127.0.0.1:9002")}
