"""A known workload of Claude calls through the official `anthropic` SDK, instrumented by an
OpenTelemetry GenAI instrumentation and exported with OpenTelemetry's Prometheus exporter: the
application side of tests/test_e2e_genai.py.

Run as `python -m anthropic_emulator.workload --instrumentation openllmetry|openlit --api URL
--metrics-port N` (tests/ on sys.path). It serves its metrics on the port and reads phase names
from stdin (prime, normal, faults), answering `done PHASE` once every call of the phase is
answered. The phases and their calls are below; the test derives what each panel must show
from them.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .server import REPLY_HEADER, Reply

HAIKU, SONNET, UNPRICED = "claude-haiku-4-5", "claude-sonnet-4-5", "claude-experimental-1"
# What the API answers each model asked for with.
ANSWERED = {HAIKU: "claude-haiku-4-5-20251001", SONNET: "claude-sonnet-4-5-20250929",
            UNPRICED: "claude-experimental-1-20261201"}

# Latencies sit a little under a bucket's upper bound (the conventions' buckets double: 1.28,
# 2.56), where a p95 interpolated in the bucket (lower + 0.95 × width: 1.248, 2.496) lands
# within 5 % of them, with room for the client's own time (the instrumentation measures the
# call as the SDK sees it) before a call spills into the next bucket.
REPLIES = {
    "haiku": Reply(latency=2.4, input_tokens=400, output_tokens=100),
    "haiku-streamed": Reply(latency=2.4, first_token=1.2, input_tokens=400, output_tokens=100),
    "sonnet": Reply(latency=2.4, input_tokens=1000, output_tokens=200,
                    cache_read_input_tokens=3000, cache_creation_input_tokens=500),
    "unpriced": Reply(latency=0.1, input_tokens=300, output_tokens=50),
    "rate-limited": Reply(status=429),
    "overloaded": Reply(status=529),
    "server-error": Reply(status=500),
    "slow": Reply(latency=6.0, input_tokens=400, output_tokens=100),
    "expensive": Reply(latency=0.1, input_tokens=1000, output_tokens=4_000_000),
}


@dataclass(frozen=True)
class Calls:
    model: str
    reply: str
    count: int
    stream: bool = False


PHASES = {
    # One call of each kind, so that every series exists before the measured phases: a counter
    # first seen at its first value would hide that value from rate() and increase().
    "prime": [Calls(HAIKU, "haiku", 1), Calls(HAIKU, "haiku-streamed", 1, stream=True),
              Calls(SONNET, "sonnet", 1), Calls(UNPRICED, "unpriced", 1),
              Calls(HAIKU, "rate-limited", 1), Calls(HAIKU, "overloaded", 1),
              Calls(SONNET, "server-error", 1)],
    "normal": [Calls(HAIKU, "haiku", 40), Calls(HAIKU, "haiku-streamed", 10, stream=True),
               Calls(SONNET, "sonnet", 25), Calls(UNPRICED, "unpriced", 5)],
    "faults": [Calls(HAIKU, "rate-limited", 40), Calls(HAIKU, "overloaded", 20),
               Calls(SONNET, "server-error", 10), Calls(HAIKU, "slow", 8),
               Calls(SONNET, "expensive", 1)],
}

# The duration buckets the GenAI conventions advise (metrics/genai.py DURATION_BUCKETS). The
# Python SDK takes them from OpenLIT's explicit_bucket_boundaries_advisory; OpenLLMetry gives
# none, and its histogram would get the SDK's defaults (0, 5, 10, 25, … meant for ms), so the
# application sets this View, as docs/ai-metrics.md says.
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
                    40.96, 81.92)


def _instrument(name: str, pricing_file: str) -> None:
    if name == "openllmetry":
        from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor

        AnthropicInstrumentor().instrument()
    else:
        import openlit

        # pricing_json: a file, so that OpenLIT does not fetch its price list from the network.
        openlit.init(disable_batch=True, disable_events=True, capture_message_content=False,
                     pricing_json=pricing_file)


def _setup(instrumentation: str, metrics_port: int, pricing_file: str):
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
    from opentelemetry.sdk.trace import TracerProvider
    from prometheus_client import start_http_server

    views = [View(instrument_name=name,
                  aggregation=ExplicitBucketHistogramAggregation(DURATION_BUCKETS))
             for name in ("gen_ai.client.operation.duration",
                          "gen_ai.client.operation.time_to_first_chunk")]
    metrics.set_meter_provider(MeterProvider(metric_readers=[PrometheusMetricReader()],
                                             views=views))
    # OpenLLMetry records tokens only on a span that records: a TracerProvider must be set.
    trace.set_tracer_provider(TracerProvider())
    start_http_server(metrics_port, addr="127.0.0.1")
    _instrument(instrumentation, pricing_file)


def _call(client, calls: Calls) -> None:
    import anthropic

    request = {"model": calls.model, "max_tokens": 1024,
               "messages": [{"role": "user", "content": "Summarise AAPL's quarter."}],
               "extra_headers": {REPLY_HEADER: calls.reply}}
    try:
        if calls.stream:
            for _ in client.messages.create(stream=True, **request):
                pass
        else:
            client.messages.create(**request)
    except anthropic.APIStatusError:
        pass  # the faults the workload asks for


def run_phase(client, phase: str) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        jobs = [pool.submit(_call, client, calls)
                for calls in PHASES[phase] for _ in range(calls.count)]
        for job in jobs:
            job.result()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instrumentation", choices=("openllmetry", "openlit"), required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--metrics-port", type=int, required=True)
    parser.add_argument("--pricing-file", required=True)
    args = parser.parse_args()
    _setup(args.instrumentation, args.metrics_port, args.pricing_file)
    import anthropic

    # No retries: each call is one request, so the emulator's answers are the workload's.
    client = anthropic.Anthropic(api_key="emulated", base_url=args.api, max_retries=0)
    print("ready", flush=True)
    for line in sys.stdin:
        phase = line.strip()
        if phase:
            run_phase(client, phase)
            print(f"done {phase}", flush=True)


if __name__ == "__main__":
    main()
