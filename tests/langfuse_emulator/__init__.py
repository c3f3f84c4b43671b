"""Langfuse's Metrics API v2, emulated: GET /api/public/v2/metrics over observations and scores
the test puts in, as a real Langfuse (v4 write mode) answers it. Nothing else is served.

Sources (github:langfuse/langfuse):
- the route: web/src/pages/api/public/v2/metrics.ts (404 unless v2 is on; validateQuery, then
  row_limit defaults to 100) and fern/apis/server/definition/metrics.yml;
- the query's schema: MetricsQueryObjectV2 in web/src/features/public-api/types/metrics.ts
  (views observations and scores-*, no traces; fromTimestamp < toTimestamp; row_limit ≤ 1000);
- views, dimensions, measures: eventsObservationsView and scoresNumericViewV2 in
  packages/shared/src/features/query/dataModel.ts; high-cardinality dimensions refused as in
  packages/shared/src/features/query/validateQuery.ts;
- evaluation: QueryBuilder (packages/shared/src/features/query/server/queryBuilder.ts):
  `time >= fromTimestamp AND time <= toTimestamp`, a filter on the view's time column, result
  columns `<aggregation>_<measure>` and dimensions by alias, its InvalidRequestError messages;
  ClickHouse's JSON writes 64-bit integers as strings (output_format_json_quote_64bit_integers)
  and decimals as numbers;
- auth and errors: ApiAuthService.verifyAuthHeaderAndReturnScope (apiAuth.ts) and
  createAuthedProjectAPIRoute.ts (401 {"message": ...}), withMiddlewares.ts (400/404/405/500
  {"message", "error"}, zod issues under "error"), RateLimitService.ts (429, Retry-After and
  X-RateLimit-* headers, {"message", "code": "rate_limited", "details"}).

Faults: those of serving.py (fail, slow, down/restart), and `rate_limit(n)`: n more requests,
then 429 as Langfuse Cloud's plans answer past their Metrics API quota.
"""

from __future__ import annotations

import base64
import json
import math
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .serving import Emulator

PATH = "/api/public/v2/metrics"
VIEWS = ("observations", "scores-numeric", "scores-boolean", "scores-categorical")
AGGREGATIONS = ("sum", "avg", "count", "max", "min", "p50", "p75", "p90", "p95", "p99",
                "histogram", "uniq")
OBSERVATION_DIMENSIONS = (
    "id", "traceId", "environment", "parentObservationId", "isRootObservation", "type", "name",
    "level", "version", "userId", "sessionId", "tags", "release", "traceName", "traceRelease",
    "traceVersion", "providedModelName", "promptName", "promptVersion", "startTimeMonth",
    "toolNames", "calledToolNames", "costType", "usageType", "experimentName",
    "experimentDatasetId", "experimentId")
OBSERVATION_HIGH_CARDINALITY = ("id", "traceId", "parentObservationId", "userId", "sessionId",
                                "experimentName", "experimentDatasetId", "experimentId")
OBSERVATION_MEASURES = (
    "count", "traceId", "uniqueUserIds", "uniqueSessionIds", "latency", "streamingLatency",
    "inputTokens", "outputTokens", "totalTokens", "outputTokensPerSecond", "tokensPerSecond",
    "inputCost", "outputCost", "totalCost", "timeToFirstToken", "countScores", "toolDefinitions",
    "toolCalls", "costByType", "usageByType")
SCORE_DIMENSIONS = ("sessionId", "datasetRunId", "traceName", "userId", "tags", "environment",
                    "name", "source", "dataType", "configId", "timestampMonth", "timestampDay",
                    "traceRelease", "traceVersion", "observationName", "observationModelName",
                    "observationPromptName", "observationPromptVersion", "value")
SCORE_HIGH_CARDINALITY = ("sessionId", "datasetRunId", "userId")
SCORE_MEASURES = ("count", "value")
# Measures ClickHouse sums as 64-bit integers (count(), UInt64 usage, Int64 date_diff): JSON
# strings. Costs are Decimal(18, 12): JSON numbers. Score values are Float64.
INTEGER_MEASURES = {"count", "latency", "inputTokens", "outputTokens", "totalTokens"}
TIME_COLUMN = {"observations": "start_time", "scores-numeric": "timestamp"}
INVALID_CREDENTIALS = "Invalid credentials. Confirm that you've configured the correct host."


@dataclass
class Observation:
    trace_id: str
    trace_name: str | None
    start_time: datetime
    end_time: datetime | None = None
    root: bool = False
    level: str = "DEFAULT"
    type: str = "SPAN"
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None  # total_cost, USD


@dataclass
class Score:
    name: str
    value: float
    timestamp: datetime
    data_type: str = "NUMERIC"  # NUMERIC, BOOLEAN (0 or 1), CATEGORICAL


class BadRequest(Exception):
    """InvalidRequestError: 400 {"message": ..., "error": "InvalidRequestError"}."""


class ZodFailure(Exception):
    """A zod schema refused the query: 400 {"message": "Invalid request data", "error": [...]}."""

    def __init__(self, path: list, message: str):
        super().__init__(message)
        self.issues = [{"code": "custom", "path": path, "message": message}]


def parse_time(text: str) -> datetime:
    """z.iso.datetime({offset: true}), then `new Date(...)`: millisecond precision."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class LangfuseEmulator(Emulator):
    """One Langfuse project: its keys, observations and scores, and the route over them."""

    server_error_body = {"message": "Internal Server Error", "error": "An unknown error occurred"}

    def __init__(self, public_key: str = "pk-lf-emulator", secret_key: str = "sk-lf-emulator"):
        super().__init__()
        self.public_key, self.secret_key = public_key, secret_key
        self.v2_enabled = True  # LANGFUSE_MIGRATION_V4_* allow the v2 API
        self.observations: list[Observation] = []
        self.scores: list[Score] = []
        self.queries: list[dict] = []  # each query received, parsed
        self._allowed: int | None = None  # requests left before 429

    # --- what the store holds ------------------------------------------------------------

    def add_trace(self, name: str | None, start: datetime, seconds: float, *,
                  level: str = "DEFAULT", generations: tuple = ()) -> str:
        """A trace: its root span of `seconds`, and generations (model, input tokens, output
        tokens, cost, seconds) starting with it. Returns its id."""
        with self.lock:
            trace_id = f"trace-{len(self.observations)}"
            self.observations.append(Observation(
                trace_id, name, start, start + timedelta(seconds=seconds), root=True,
                level=level))
            for model, input_tokens, output_tokens, cost, duration in generations:
                self.observations.append(Observation(
                    trace_id, name, start, start + timedelta(seconds=duration),
                    type="GENERATION", model=model, input_tokens=input_tokens,
                    output_tokens=output_tokens, cost=cost))
        return trace_id

    def add_score(self, name: str, value: float, timestamp: datetime,
                  data_type: str = "NUMERIC") -> None:
        with self.lock:
            self.scores.append(Score(name, value, timestamp, data_type))

    def rate_limit(self, requests: int | None) -> None:
        """Allow `requests` more, then answer 429 (None: no limit, as self-hosted)."""
        self._allowed = requests

    # --- the route ---------------------------------------------------------------------

    def route(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, dict]:
        url = urllib.parse.urlsplit(path)
        if url.path != PATH:
            return 404, {}, {"message": "Not found"}
        if method != "GET":
            return 405, {}, {"message": "Method not allowed", "error": "MethodNotAllowedError"}
        unauthorized = self.authenticate(headers.get("Authorization"))
        if unauthorized:
            return 401, {}, {"message": unauthorized}
        if self._allowed is not None:
            if self._allowed <= 0:
                return 429, {"Retry-After": "1", "X-RateLimit-Limit": "100",
                             "X-RateLimit-Remaining": "0"}, {
                    "message": "Rate limit exceeded", "code": "rate_limited",
                    "details": {"retryAfterSeconds": 1, "limit": 100, "remaining": 0}}
            self._allowed -= 1
        if not self.v2_enabled:
            return 404, {}, {"message": "The metrics v2 API is only available in a Langfuse "
                             "v4 write mode. Learn more at: https://langfuse.com/docs/v4",
                             "error": "LangfuseNotFoundError"}
        text = urllib.parse.parse_qs(url.query).get("query", [None])[0]
        try:
            if text is None:
                raise ZodFailure(["query"], "Invalid input: expected string, received undefined")
            try:
                query = json.loads(text)
            except ValueError:
                raise BadRequest("Invalid JSON in query parameter") from None
            self.queries.append(query)
            with self.lock:
                return 200, {}, {"data": self.run(query)}
        except ZodFailure as error:
            return 400, {}, {"message": "Invalid request data", "error": error.issues}
        except BadRequest as error:
            return 400, {}, {"message": str(error), "error": "InvalidRequestError"}

    def authenticate(self, header: str | None) -> str | None:
        """None if the header carries this project's keys, else the 401 message."""
        if not header:
            return "No authorization header"
        if header.startswith("Bearer "):
            # A public key alone has the "scores" access level: not enough for this route.
            return INVALID_CREDENTIALS
        if not header.startswith("Basic "):
            return "Invalid authorization header"
        try:
            user, _, password = base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "Invalid authorization header. Confirm that you've configured the correct host."
        if not user or not password:
            return "Invalid authorization header. Confirm that you've configured the correct host."
        if (user, password) != (self.public_key, self.secret_key):
            return INVALID_CREDENTIALS
        return None

    def run(self, query: dict) -> list[dict]:
        view, start, end, limit = self.validate(query)
        if view == "observations":
            records, dimension, measure = self.observations, _observation_dimension, _measure
        else:
            records = [s for s in self.scores if _score_view(s) == view]
            dimension, measure = _score_dimension, _score_measure
        time_column = TIME_COLUMN.get(view, "timestamp")
        rows: dict[tuple, list] = {}
        fields = [d["field"] for d in query.get("dimensions") or []]
        for record in records:
            moment = record.start_time if view == "observations" else record.timestamp
            if not start <= moment <= end:
                continue
            if not all(_matches(f, record, dimension, time_column, moment)
                       for f in query.get("filters") or []):
                continue
            key = tuple(dimension(record, f) for f in fields)
            rows.setdefault(key, []).append(record)
        answer = []
        for key, members in rows.items():
            row = dict(zip(fields, key, strict=True))
            for metric in query["metrics"]:
                name, how = metric["measure"], metric["aggregation"]
                row[f"{how}_{name}"] = _aggregate(how, [measure(r, name) for r in members],
                                                  name in INTEGER_MEASURES or how == "count")
            answer.append(row)
        for order in reversed(query.get("orderBy") or []):
            answer.sort(key=lambda r, f=order["field"]: _sortable(r.get(f)),
                        reverse=order["direction"] == "desc")
        return answer[:limit]

    def validate(self, query: dict) -> tuple[str, datetime, datetime, int]:
        if not isinstance(query, dict):
            raise ZodFailure([], "Invalid input: expected object")
        view = query.get("view")
        if view not in VIEWS:
            raise ZodFailure(["view"], f"Invalid option: expected one of {'|'.join(VIEWS)}")
        if not isinstance(query.get("metrics"), list):
            raise ZodFailure(["metrics"], "Invalid input: expected array")
        try:
            start = parse_time(query.get("fromTimestamp"))
            end = parse_time(query.get("toTimestamp"))
        except (ValueError, TypeError):
            raise ZodFailure(["fromTimestamp"], "Invalid ISO datetime") from None
        if not start < end:
            raise ZodFailure([], "fromTimestamp must be before toTimestamp")
        limit = (query.get("config") or {}).get("row_limit", 100)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise ZodFailure(["config", "row_limit"], "Too big: expected number to be <=1000")
        for metric in query["metrics"]:
            if metric.get("aggregation") not in AGGREGATIONS:
                raise ZodFailure(["metrics", "aggregation"], "Invalid option")
        observations = view == "observations"
        dimensions = OBSERVATION_DIMENSIONS if observations else SCORE_DIMENSIONS
        measures = OBSERVATION_MEASURES if observations else SCORE_MEASURES
        high = OBSERVATION_HIGH_CARDINALITY if observations else SCORE_HIGH_CARDINALITY
        fields = [d.get("field") for d in query.get("dimensions") or []]
        heavy = [f for f in fields if f in high]
        if heavy and (query.get("timeDimension") or "row_limit" not in (query.get("config") or {})
                      or not any(o.get("direction") == "desc"
                                 for o in query.get("orderBy") or [])):
            raise BadRequest(f"High cardinality dimension(s) '{', '.join(heavy)}' require both "
                             "'config.row_limit' and 'orderBy' with direction 'desc' on a "
                             "measure field.")
        for name in fields:
            if name not in dimensions:
                raise BadRequest(f"Invalid dimension {name}. Must be one of {','.join(dimensions)}")
        for metric in query["metrics"]:
            if metric["measure"] not in measures:
                raise BadRequest(f"Invalid metric {metric['measure']}. Must be one of "
                                 f"{','.join(measures)}")
        time_column = TIME_COLUMN.get(view, "timestamp")
        for f in query.get("filters") or []:
            if f.get("column") not in dimensions and f.get("column") != time_column:
                raise BadRequest(f"Invalid filter column {f.get('column')}. Must be one of "
                                 f"{','.join(dimensions)} or {time_column}")
        return view, start, end, limit


def _score_view(score: Score) -> str:
    if score.data_type == "CATEGORICAL":
        return "scores-categorical"
    return "scores-numeric"  # the segment data_type any of [NUMERIC, BOOLEAN]


def _observation_dimension(o: Observation, name: str):
    return {"traceName": o.trace_name, "isRootObservation": o.root, "level": o.level,
            "type": o.type, "providedModelName": o.model, "name": o.trace_name if o.root else None,
            "traceId": o.trace_id}.get(name)


def _score_dimension(s: Score, name: str):
    return {"name": s.name, "dataType": s.data_type, "value": s.value}.get(name)


def _measure(o: Observation, name: str):
    latency = None if o.end_time is None else \
        int((o.end_time - o.start_time) / timedelta(milliseconds=1))
    return {"count": 1, "latency": latency, "inputTokens": o.input_tokens,
            "outputTokens": o.output_tokens, "totalTokens": o.input_tokens + o.output_tokens,
            "totalCost": o.cost, "traceId": o.trace_id}.get(name)


def _score_measure(s: Score, name: str):
    return 1 if name == "count" else s.value


def _matches(f: dict, record, dimension, time_column: str, moment: datetime) -> bool:
    column, operator = f.get("column"), f.get("operator")
    value, kind = f.get("value"), f.get("type")
    if column == time_column:
        if kind != "datetime":
            raise BadRequest(f"Invalid filter for field '{column}': Filter type '{kind}' is not "
                             f"supported for time dimension '{column}'. Expected datetime.")
        try:
            bound = parse_time(value)
        except (ValueError, TypeError):
            raise ZodFailure(["filters"], "Invalid date") from None
        return {">": moment > bound, ">=": moment >= bound, "<": moment < bound,
                "<=": moment <= bound}[operator]
    actual = dimension(record, column)
    if kind == "null":
        return (actual is None) == (operator == "is null")
    if kind == "boolean":
        return (actual == value) == (operator == "=")
    if kind in ("stringOptions", "categoryOptions"):
        return (actual in value) == (operator == "any of")
    if kind == "string" and operator == "=":
        return actual == value
    raise BadRequest(f"the emulator does not filter {kind} {operator}")


def _aggregate(how: str, values: list, integer: bool):
    present = [v for v in values if v is not None]
    if how == "count":
        result = len(values)
    elif how == "uniq":
        result = len(set(present))
    elif not present:
        return None  # sum/avg of Nullable with no value: NULL
    elif how == "sum":
        result = sum(present)
    elif how == "avg":
        return sum(present) / len(present)
    elif how in ("max", "min"):
        result = max(present) if how == "max" else min(present)
    elif how.startswith("p"):
        ordered = sorted(present)
        return ordered[min(len(ordered) - 1, math.ceil(int(how[1:]) / 100 * len(ordered)) - 1)]
    else:
        raise BadRequest(f"the emulator does not aggregate {how}")
    return str(int(result)) if integer else result


def _sortable(value):
    try:
        return (0, float(value))
    except (TypeError, ValueError):
        return (1, str(value))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
