"""One window's counts from Langfuse's Metrics API v2: GET /api/public/v2/metrics?query=<JSON>,
basic auth with the project's public key (user) and secret key (password).

What the query may say is the route's (web/src/pages/api/public/v2/metrics.ts) and its schema's
(MetricsQueryObjectV2 in web/src/features/public-api/types/metrics.ts): views observations and
scores-numeric (v2 has no traces view, so a trace is its root observation, filter
isRootObservation = true), dimensions and measures of the v2 view declarations
(eventsObservationsView, scoresNumericViewV2 in packages/shared/src/features/query/dataModel.ts).
Each row holds its dimensions by name and each metric as `<aggregation>_<measure>`
(QueryBuilder, packages/shared/src/features/query/server/queryBuilder.ts); ClickHouse writes
64-bit integers (count, token and millisecond sums) as JSON strings and decimals (cost) as
numbers, so every value is read as either. fromTimestamp and toTimestamp are both inclusive
(`>=` and `<=` in QueryBuilder.addStandardFilters): a `<` filter on the view's time column
(start_time, timestamp) makes the window [start, end), so consecutive windows never share a
record. There is no pagination: config.row_limit (at most 1000) caps the groups.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

import niquests

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.counting import StoreError, number
from dashsmith.bridge.credentials import Secret
from dashsmith.bridge.families import TRACE_COST, Counts

PATH = "/api/public/v2/metrics"
ROW_LIMIT = 1000  # MetricsQueryObjectV2: config.row_limit is at most 1000
log = logging.getLogger(__name__)

# Observations by trace: the roots are the traces (their count, level and latency); every
# observation of a trace carries part of its cost.
TRACES_QUERY = {
    "view": "observations",
    "dimensions": [{"field": "traceName"}, {"field": "isRootObservation"}, {"field": "level"}],
    "metrics": [{"measure": "count", "aggregation": "count"},
                {"measure": "latency", "aggregation": "sum"},
                {"measure": "totalCost", "aggregation": "sum"}],
}
# Observations with a model: the LLM calls.
MODELS_QUERY = {
    "view": "observations",
    "dimensions": [{"field": "providedModelName"}],
    "metrics": [{"measure": "count", "aggregation": "count"},
                {"measure": "inputTokens", "aggregation": "sum"},
                {"measure": "outputTokens", "aggregation": "sum"},
                {"measure": "totalCost", "aggregation": "sum"},
                {"measure": "latency", "aggregation": "sum"}],
    "filters": [{"column": "providedModelName", "operator": "is not null", "value": "",
                 "type": "null"}],
}
# Numeric and boolean scores (booleans as 0 and 1) by name.
SCORES_QUERY = {
    "view": "scores-numeric",
    "dimensions": [{"field": "name"}],
    "metrics": [{"measure": "count", "aggregation": "count"},
                {"measure": "value", "aggregation": "sum"}],
}
TIME_COLUMN = {"observations": "start_time", "scores-numeric": "timestamp"}


def iso(moment: datetime) -> str:
    """An ISO 8601 instant with milliseconds and Z, as z.iso.datetime accepts it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def query(template: dict, start: datetime, end: datetime) -> dict:
    """`template` over [start, end)."""
    before_end = {"column": TIME_COLUMN[template["view"]], "operator": "<", "value": iso(end),
                  "type": "datetime"}
    return {**template, "filters": [*template.get("filters", []), before_end],
            "fromTimestamp": iso(start), "toTimestamp": iso(end),
            "config": {"row_limit": ROW_LIMIT}}


class Langfuse:
    name = "langfuse"

    def __init__(self, host: str, public_key: Secret, secret_key: Secret, budget: RequestBudget,
                 *, timeout: float = 30.0):
        self.host = host.rstrip("/")
        self.auth = (public_key, secret_key)
        self.budget = budget
        self.timeout = timeout
        self.session = niquests.Session()

    def counts(self, start: datetime, end: datetime) -> Counts:
        counts = Counts()
        for row in self.rows(query(TRACES_QUERY, start, end)):
            name, cost = row.get("traceName"), number(row.get("sum_totalCost"))
            counts.add(TRACE_COST, (self.name, name), cost)
            if row.get("isRootObservation") in (True, "true", 1):
                traces = number(row.get("count_count"))
                counts.add_traces(self.name, name, traces=traces,
                                  errors=traces if row.get("level") == "ERROR" else 0,
                                  seconds=number(row.get("sum_latency")) / 1000)
        for row in self.rows(query(MODELS_QUERY, start, end)):
            counts.add_generations(
                self.name, row.get("providedModelName"), calls=number(row.get("count_count")),
                input_tokens=number(row.get("sum_inputTokens")),
                output_tokens=number(row.get("sum_outputTokens")),
                cost=number(row.get("sum_totalCost")),
                seconds=number(row.get("sum_latency")) / 1000)
        for row in self.rows(query(SCORES_QUERY, start, end)):
            counts.add_scores(self.name, row.get("name"), number(row.get("count_count")),
                              number(row.get("sum_value")))
        return counts

    def rows(self, body: dict) -> list[dict]:
        """The `data` rows of one Metrics API answer; StoreError if there is none."""
        self.budget.acquire()
        public, secret = self.auth
        try:
            response = self.session.get(
                self.host + PATH, params={"query": json.dumps(body, separators=(",", ":"))},
                auth=(public.reveal(), secret.reveal()), timeout=self.timeout)
        except niquests.exceptions.Timeout:
            raise StoreError("timeout", f"Langfuse at {self.host} did not answer within "
                             f"{self.timeout:g}s") from None
        except niquests.exceptions.RequestException as error:
            raise StoreError("unreachable", f"cannot reach Langfuse at {self.host}: "
                             f"{type(error).__name__}") from None
        status = response.status_code or 0
        if status != 200:
            raise refusal(status, response, self.host)
        try:
            data = response.json()["data"]
        except (ValueError, KeyError, TypeError):
            raise StoreError("bad_response", f"Langfuse at {self.host} answered 200 without "
                             "a data list") from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise StoreError("bad_response", "Langfuse's data is not a list of rows")
        if len(data) >= ROW_LIMIT:
            log.warning("Langfuse returned %d groups for a %s query, its limit: groups past it "
                        "are not counted", len(data), body["view"])
        return data


def refusal(status: int, response: niquests.Response, host: str) -> StoreError:
    """The StoreError for an answer that is not 200: its reason and Langfuse's message. Bodies
    are {"message": ...} (withMiddlewares.ts, createAuthedProjectAPIRoute.ts), a 429 carries
    Retry-After (RateLimitService.ts createHttpHeaderFromRateLimit)."""
    try:
        message = str(response.json().get("message", ""))
    except (ValueError, AttributeError):
        message = ""
    said = f"Langfuse at {host} answered {status}" + (f": {message}" if message else "")
    if status in (401, 403):
        return StoreError("unauthorized", said)
    if status == 429:
        retry_after = response.headers.get("Retry-After")
        try:
            wait = float(retry_after) if retry_after else None
        except ValueError:
            wait = None
        return StoreError("rate_limited", said, wait)
    if status >= 500 or status == 422:  # 422: a ClickHouse resource limit (withMiddlewares.ts)
        return StoreError("server_error", said)
    return StoreError("bad_request", said)
