"""The synthetic exporter: the workload's traffic served as the catalog declares it, over HTTP.

  GET  /metrics          the metrics (503 in the scrape-failure fault)
  GET  /fault            {"fault": name or null, "faults": {name: description}}
  POST /fault/<name>     switch to a fault mode; POST /fault/normal switches back

Run it with `python -m dashsmith.commands.verify.exporter --project DIR --port N` (or
scripts/synthetic_exporter.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.utils import floatToGoString

from dashsmith.commands.verify.workload import (
    EXPORTER,
    FAULTS,
    GENAI_DURATION,
    GENAI_EXPORTER,
    OPTIONAL,
    Traffic,
    Workload,
    rates,
)
from dashsmith.model.catalog import Catalog, Metric, MetricType


class WorkloadError(Exception):
    pass


def served_metrics(catalog: Catalog) -> list[Metric]:
    """The application's metrics, and the GenAI instrumentation's inside it (otel-genai)."""
    return [m for m in catalog if m.exporter in (EXPORTER, GENAI_EXPORTER)]


def source(catalog: Catalog) -> str:
    """What the LLM calls are in this catalog: the application's counters, or (ai_metrics =
    otel-genai) the GenAI metrics. Only their underscored names can be served
    (prometheus_client's text format takes no dotted names: otel_metric_names = utf8)."""
    genai = [m for m in catalog if m.exporter == GENAI_EXPORTER]
    if any("." in m.name for m in genai):
        raise WorkloadError("the synthetic exporter serves the GenAI metrics with underscored "
                            "names only ([dashsmith] otel_metric_names = underscores)")
    return "otel-genai" if genai else "app"


def check_coverage(catalog: Catalog, workload: Workload):
    """The workload must produce exactly the catalog's metrics of its exporter (the optional
    ones, OpenLIT's cost, where the catalog declares them)."""
    normal = rates(workload, source(catalog))
    produced = {key[0] for key in (*normal.counters, *normal.histograms, *normal.gauges)}
    declared = {m.name for m in served_metrics(catalog)}
    missing, unknown = declared - produced, produced - declared - OPTIONAL
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"the catalog declares {', '.join(sorted(missing))} but the workload "
                         "produces no traffic for it")
        if unknown:
            parts.append(f"the workload produces {', '.join(sorted(unknown))}, which the "
                         "catalog does not declare")
        raise WorkloadError("; ".join(parts))


class Collector:
    """prometheus-client collector over the traffic, one family per catalog metric."""

    def __init__(self, catalog: Catalog, traffic: Traffic):
        self.metrics = served_metrics(catalog)
        self.traffic = traffic

    def collect(self):
        values = self.traffic.values()
        gauges = self.traffic.gauges()
        hidden = (set() if self.traffic.workload.completions_exported
                  else {"ai_completions_total", GENAI_DURATION})
        for metric in self.metrics:
            if metric.name in hidden:
                continue
            names = [label.name for label in metric.labels]
            if metric.type is MetricType.COUNTER:
                family = CounterMetricFamily(metric.name, metric.help, labels=names)
                for (name, labels, part), value in sorted(values.items(), key=_order):
                    if name == metric.name and part == "":
                        family.add_metric(_values(names, labels), value)
            elif metric.type is MetricType.HISTOGRAM:
                family = HistogramMetricFamily(metric.name, metric.help, labels=names)
                for labels in sorted({k[1] for k in values if k[0] == metric.name}):
                    bounds = sorted(k[2] for k in values
                                    if k[0] == metric.name and k[1] == labels
                                    and isinstance(k[2], float))
                    family.add_metric(
                        _values(names, labels),
                        [(floatToGoString(le), values[(metric.name, labels, le)]) for le in bounds],
                        values[(metric.name, labels, "sum")])
            else:
                family = GaugeMetricFamily(metric.name, metric.help, labels=names)
                for (name, labels), value in sorted(gauges.items()):
                    if name == metric.name:
                        family.add_metric(_values(names, labels), value)
            yield family


def _order(item):
    (name, labels, part), _ = item
    return name, labels, str(part)


def _values(names, labels) -> list[str]:
    given = dict(labels)
    return [given.get(name, "") for name in names]


def make_server(catalog: Catalog, workload: Workload, host: str = "127.0.0.1",
                port: int = 0) -> tuple[ThreadingHTTPServer, Traffic]:
    check_coverage(catalog, workload)
    buckets = {m.name: m.buckets for m in served_metrics(catalog)
               if m.type is MetricType.HISTOGRAM}
    traffic = Traffic(workload, buckets, source=source(catalog),
                      only=frozenset(m.name for m in served_metrics(catalog)))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector(catalog, traffic))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/metrics"):
                if traffic.workload.scrapes_fail:
                    return self._send(503, "text/plain", b"scrape-failure fault\n")
                encoder, content_type = choose_encoder(self.headers.get("Accept"))
                return self._send(200, content_type, encoder(registry))
            if self.path == "/fault":
                return self._json(200, {"fault": traffic.fault, "faults": {
                    name: fault.description for name, fault in FAULTS.items()}})
            self._send(404, "text/plain", b"GET /metrics, GET /fault, POST /fault/<name>\n")

        def do_POST(self):
            if not self.path.startswith("/fault/"):
                return self._send(404, "text/plain", b"POST /fault/<name>\n")
            name = self.path[len("/fault/"):]
            try:
                traffic.set_fault(None if name == "normal" else name)
            except ValueError as error:
                return self._json(400, {"error": str(error)})
            self._json(200, {"fault": traffic.fault})

        def _json(self, status, data):
            self._send(status, "application/json", json.dumps(data).encode())

        def _send(self, status, content_type, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server, traffic


def main(argv=None):
    from dashsmith.compiler.project import Project
    from dashsmith.model.problems import DeclarationError

    parser = argparse.ArgumentParser(description="Serve the synthetic trading-platform workload.")
    parser.add_argument("--project", default=None, help="project whose catalog to serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workload", help="JSON file of a Workload (default: the built-in one)")
    parser.add_argument("--fault", choices=sorted(FAULTS), help="start in this fault mode")
    args = parser.parse_args(argv)
    try:
        catalog = Project.find(args.project).estate.catalog
        workload = Workload()
        if args.workload:
            with open(args.workload, encoding="utf-8") as file:
                workload = Workload.from_json(file.read())
        server, traffic = make_server(catalog, workload, args.host, args.port)
    except (DeclarationError, WorkloadError, OSError, ValueError) as error:
        print(f"synthetic exporter: {error}", file=sys.stderr)
        return 2
    if args.fault:
        traffic.set_fault(args.fault)
    host, port = server.server_address[:2]
    print(f"synthetic exporter on http://{host}:{port}/metrics", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
