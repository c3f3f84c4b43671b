"""`dashsmith bridge langfuse|langsmith`: run the exporter of an LLM trace store's numbers
(traces, cost, tokens, latency, scores and feedback) for Prometheus, until stopped (SIGTERM or
Ctrl-C). The bridge lives below the commands (dashsmith.bridge); docs/bridge.md."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.credentials import CredentialError
from dashsmith.bridge.exporter import Bridge
from dashsmith.bridge.stores import DEFAULT_BUDGET, STORES, from_environment
from dashsmith.commands.commandline import fail


@click.command()
@click.argument("store", type=click.Choice(STORES))
@click.option("--host", default="0.0.0.0", show_default=True, help="Address /metrics listens on.")
@click.option("--port", default=9464, show_default=True, type=click.IntRange(0, 65535),
              help="Port /metrics listens on.")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between polls of the store.")
@click.option("--delay", default=120.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds the store may take to show a record: windows end this long "
                   "before now.")
@click.option("--max-requests-per-hour", type=click.IntRange(min=1),
              help="Requests sent to the store in any hour, at most (default: langfuse 90, "
                   "langsmith 600).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a request to the store may take.")
def bridge(store: str, host: str, port: int, interval: float, delay: float,
           max_requests_per_hour: int | None, timeout: float) -> None:
    """Export an LLM trace store's traces, cost and scores to Prometheus (keys from the
    environment: docs/bridge.md)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    budget = RequestBudget(max_requests_per_hour or DEFAULT_BUDGET[store], stop=stop)
    try:
        source = from_environment(store, budget, timeout=timeout)
    except CredentialError as error:
        fail(str(error))
    exporter = Bridge(source, interval=interval, delay=delay, stop=stop)
    try:
        listening = exporter.serve(host, port)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror}")

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    click.echo(f"dashsmith bridge {store}: /metrics on {host}:{listening}, polling every "
               f"{interval:g}s, {budget.per_hour} requests an hour at most", err=True)
    exporter.run()
