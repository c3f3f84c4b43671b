"""The metrics the bridge exports: name, type, labels. The project's catalog declares the same
ones (metrics/bridge.py, exporter llm-bridge) so that lint and verify know them;
tests/test_bridge.py scrapes the bridge and holds the two in agreement.

A store's answer for one time window is a `Counts`: sample name and label values → number,
added into the day's totals. Every label set starts with the store's name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    COUNTER = "counter"
    GAUGE = "gauge"
    SUMMARY = "summary"  # _count and _sum, no quantiles


@dataclass(frozen=True)
class Family:
    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...]


def _counter(name: str, help: str, *labels: str) -> Family:
    return Family(name, Kind.COUNTER, help, ("store", *labels))


TRACES = _counter("llm_traces_total", "Traces started, by trace name.", "trace_name")
TRACE_ERRORS = _counter("llm_trace_errors_total",
                        "Traces whose root ended in error, by trace name.", "trace_name")
TRACE_COST = _counter("llm_trace_cost_usd_total",
                      "Cost of the traces' LLM calls in US dollars, by trace name.", "trace_name")
TRACE_DURATION = _counter("llm_trace_duration_seconds_total",
                          "Summed duration of the traces, by trace name.", "trace_name")
GENERATIONS = _counter("llm_generations_total", "LLM calls recorded, by model.", "model")
GENERATION_TOKENS = _counter("llm_generation_tokens_total",
                             "Tokens of the LLM calls, by model and type.", "model", "type")
GENERATION_COST = _counter("llm_generation_cost_usd_total",
                           "Cost of the LLM calls in US dollars, by model.", "model")
GENERATION_DURATION = _counter("llm_generation_duration_seconds_total",
                               "Summed duration of the LLM calls, by model.", "model")
SCORE = Family("llm_score", Kind.SUMMARY,
               "Evaluation scores and feedback scores, by name.", ("store", "score_name"))

# The day's totals, in the order they are exposed.
COUNTED = (TRACES, TRACE_ERRORS, TRACE_COST, TRACE_DURATION, GENERATIONS, GENERATION_TOKENS,
           GENERATION_COST, GENERATION_DURATION, SCORE)

UP = Family("llm_bridge_up", Kind.GAUGE,
            "1 if the bridge's last poll of the trace store succeeded.", ("store",))
LAST_SUCCESS = Family("llm_bridge_last_success_timestamp_seconds", Kind.GAUGE,
                      "When the last poll of the trace store succeeded.", ("store",))
COUNTED_UNTIL = Family("llm_bridge_counted_until_timestamp_seconds", Kind.GAUGE,
                       "The counters hold what the store recorded before this time.", ("store",))
POLL_ERRORS = Family("llm_bridge_poll_errors_total", Kind.COUNTER,
                     "Polls of the trace store that failed, by reason.", ("store", "reason"))

HEALTH = (UP, LAST_SUCCESS, COUNTED_UNTIL, POLL_ERRORS)
ALL = COUNTED + HEALTH

# Why a poll failed: the reason label's values.
REASONS = ("unauthorized", "rate_limited", "server_error", "timeout", "unreachable",
           "bad_request", "bad_response")

UNNAMED = "(unnamed)"  # the label value for a trace, model or score the store has no name for


def sample(family: Family, part: str = "") -> str:
    """The name a sample of `family` is kept under: the family's own, or for a summary its
    `_count` or `_sum`."""
    if family.kind is Kind.SUMMARY:
        if part not in ("count", "sum"):
            raise ValueError(f"{family.name} is a summary: part is 'count' or 'sum'")
        return f"{family.name}_{part}"
    return family.name


class Counts(defaultdict):
    """(sample name, label values) → number, for one window or a day's totals."""

    def __init__(self, items=()):
        super().__init__(float)
        for key, value in dict(items).items():
            self[key] += value

    def add(self, family: Family, labels: tuple[str | None, ...], value: float,
            part: str = "") -> None:
        if len(labels) != len(family.labels):
            raise ValueError(f"{family.name} takes labels {family.labels}, not {labels}")
        self[(sample(family, part), tuple(label or UNNAMED for label in labels))] += value

    # What a store's answer for a window becomes, the same whichever store answered.

    def add_traces(self, store: str, name: str | None, *, traces: float, errors: float,
                   seconds: float) -> None:
        """Traces of one name: how many, how many ended in error (0 too, so that every trace
        name has an error series to divide), their summed duration. Their cost is added on
        its own (TRACE_COST): Langfuse spreads it over a trace's observations."""
        self.add(TRACES, (store, name), traces)
        self.add(TRACE_ERRORS, (store, name), errors)
        self.add(TRACE_DURATION, (store, name), seconds)

    def add_generations(self, store: str, model: str | None, *, calls: float,
                        input_tokens: float, output_tokens: float, cost: float,
                        seconds: float) -> None:
        """LLM calls of one model: how many, their tokens by type, cost and summed duration."""
        self.add(GENERATIONS, (store, model), calls)
        self.add(GENERATION_TOKENS, (store, model, "input"), input_tokens)
        self.add(GENERATION_TOKENS, (store, model, "output"), output_tokens)
        self.add(GENERATION_COST, (store, model), cost)
        self.add(GENERATION_DURATION, (store, model), seconds)

    def add_scores(self, store: str, name: str | None, count: float, total: float) -> None:
        """Scores of one name: how many, and their sum."""
        self.add(SCORE, (store, name), count, "count")
        self.add(SCORE, (store, name), total, "sum")

    def merged(self, other: Counts) -> Counts:
        total = Counts(self)
        for key, value in other.items():
            total[key] += value
        return total
