"""The one home for what the HTTP clients (Grafana's, Prometheus's, the ruler's) print about a
failed request: the reason under the library's wrappers, and text without the credentials."""

from __future__ import annotations

import socket

import niquests
import pytest

from dashsmith import http_errors
from dashsmith.grafana import retry
from dashsmith.grafana.connection import Connection, explain
from dashsmith.prometheus.api import Prometheus, Unreachable
from dashsmith.ruler.client import Ruler, RulerConnection, RulerError


class _Wrapper(Exception):
    """As urllib3's MaxRetryError: the cause kept in `.reason`, the URL in its own text."""

    def __init__(self, text: str, reason: BaseException):
        super().__init__(text)
        self.reason = reason


def test_the_reason_is_the_innermost_cause_under_every_wrapper():
    inner = ConnectionRefusedError(111, "Connection refused")
    try:
        try:
            raise _Wrapper("HTTPConnectionPool(host='r', port=1): Max retries exceeded", inner)
        except _Wrapper as wrapped:
            raise niquests.exceptions.ConnectionError("wrapped") from wrapped
    except niquests.exceptions.ConnectionError as error:
        assert http_errors.chain(error)[-1] is inner
        assert http_errors.reason(error) == "[Errno 111] Connection refused"


def test_a_chain_that_loops_ends():
    first, second = ValueError("a"), ValueError("b")
    first.__context__, second.__context__ = second, first
    assert http_errors.chain(first) == [first, second]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_grafana_prometheus_and_the_ruler_say_alike_why_nothing_answered():
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(Unreachable) as prometheus:
        Prometheus(url, timeout=2).query("up", 0)
    with pytest.raises(RulerError) as ruler:
        Ruler(RulerConnection(url), timeout=2, policy=_once()).namespaces()
    try:
        niquests.get(url, timeout=2)
    except niquests.exceptions.ConnectionError as error:
        grafana = explain(error, Connection(url))
    assert "Connection refused" in str(prometheus.value)
    assert str(ruler.value) == f"cannot reach the ruler at {url}: " + \
        str(prometheus.value).removeprefix(f"{url}: ")
    assert grafana.startswith("connection refused")


def _once() -> retry.Policy:
    return retry.Policy(attempts=1)
