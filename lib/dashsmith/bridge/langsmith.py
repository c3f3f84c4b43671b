"""One window's counts from LangSmith, through its Python SDK's Client (x-api-key auth, the
API URL, its error classes):

- traces by name: POST /runs/stats over the project's root runs, grouped by run name;
- LLM calls by model: POST /runs/stats over runs of type llm, grouped by their ls_model_name
  metadata (what LangChain and the SDK's wrappers record the model under);
- feedback scores by key: GET /feedback, offset-paginated (Client.list_feedback).

Client.get_run_stats (langsmith/client.py) posts exactly the body below to /runs/stats, but has
no group_by argument; the endpoint takes one (RunStatsParams.group_by {attribute: name | run_type
| tag | metadata, path, max_groups} and answers {group: RunStats} instead of one RunStats, as the
SDK's generated client declared it: js/src/_openapi_client/resources/runs/runs.ts before
langsmith-sdk commit e50219a40), so the body goes through the same Client.request_with_retries
get_run_stats uses. The window's bounds are a filter, `and(gte(start_time, A), lt(start_time,
B))` in LangSmith's filter query language (docs: trace query syntax), so consecutive windows
never share a run. Feedback is listed by its created_at (FeedbackListParams min_created_at,
max_created_at, session) and kept in [start, end) by the bridge itself, whatever the bounds'
inclusiveness.

A trace's numbers are its root run's: LangSmith aggregates the tree's tokens and cost onto the
root. Errors are error_rate × run_count; durations latency_avg × run_count (seconds).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Literal

import requests
from langsmith import Client, utils as ls_utils
from urllib3 import exceptions as urllib3_errors
from urllib3.util.retry import Retry

from dashsmith.bridge.budget import RequestBudget, Stopped
from dashsmith.bridge.counting import StoreError, number
from dashsmith.bridge.credentials import Secret
from dashsmith.bridge.families import TRACE_COST, Counts

MAX_GROUPS = 1000  # trace names or models one stats answer may hold
MODEL_METADATA = "ls_model_name"
STATS = ["run_count", "error_rate", "latency_avg", "total_cost", "prompt_tokens",
         "completion_tokens"]


class BudgetedSession(requests.Session):
    """The SDK's requests go through this session (Client(session=...)), so that every one of
    them, each page of a listing too, is counted against the bridge's request budget."""

    def __init__(self, budget: RequestBudget):
        super().__init__()
        self.budget = budget

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        self.budget.acquire()
        return super().request(*args, **kwargs)


def window_filter(start: datetime, end: datetime) -> str:
    return f'and(gte(start_time, "{_iso(start)}"), lt(start_time, "{_iso(end)}"))'


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class LangSmith:
    name = "langsmith"

    def __init__(self, api_url: str, api_key: Secret, project: str, budget: RequestBudget,
                 *, timeout: float = 30.0):
        self.project = project
        self.api_url = api_url
        # Retries are the bridge's (the next poll asks for the same window again), not the
        # adapter's: Retry(0) so that a failing store costs one request a poll.
        self.client = Client(api_url=api_url, api_key=api_key.reveal(),
                             retry_config=Retry(0, raise_on_status=False),
                             timeout_ms=int(timeout * 1000), session=BudgetedSession(budget),
                             auto_batch_tracing=False)
        self.project_id: str | None = None

    def counts(self, start: datetime, end: datetime) -> Counts:
        with translated_errors(self.api_url):
            if self.project_id is None:
                self.project_id = str(self.client.read_project(project_name=self.project).id)
            counts = Counts()
            for name, stats in self.stats(start, end, is_root=True,
                                          group_by={"attribute": "name"}).items():
                runs = number(stats.get("run_count"))
                counts.add_traces(self.name, name, traces=runs,
                                  errors=round(number(stats.get("error_rate")) * runs),
                                  seconds=number(stats.get("latency_avg")) * runs)
                counts.add(TRACE_COST, (self.name, name), number(stats.get("total_cost")))
            for model, stats in self.stats(start, end, run_type="llm", group_by={
                    "attribute": "metadata", "path": MODEL_METADATA}).items():
                runs = number(stats.get("run_count"))
                counts.add_generations(
                    self.name, model, calls=runs, input_tokens=number(stats.get("prompt_tokens")),
                    output_tokens=number(stats.get("completion_tokens")),
                    cost=number(stats.get("total_cost")),
                    seconds=number(stats.get("latency_avg")) * runs)
            for feedback in self.client.list_feedback(
                    session=[self.project_id], min_created_at=_iso(start),
                    max_created_at=_iso(end)):
                score, created = feedback.score, feedback.created_at
                if created is not None and created.tzinfo is None:
                    created = created.replace(tzinfo=timezone.utc)
                if score is None or created is None or not start <= created < end:
                    continue  # categorical feedback has no score; bounds kept here
                counts.add_scores(self.name, feedback.key, 1, number(float(score)))
            return counts

    def stats(self, start: datetime, end: datetime, **query: Any) -> dict[str, dict]:
        """{group: RunStats} for the project's runs started in [start, end)."""
        group_by = {**query.pop("group_by"), "max_groups": MAX_GROUPS}
        payload = {"session": [self.project_id], "filter": window_filter(start, end),
                   "group_by": group_by, "select": STATS, **query}
        response = self.client.request_with_retries(
            "POST", "/runs/stats", request_kwargs={"data": json.dumps(payload)})
        try:
            answer = response.json()
        except ValueError:
            raise StoreError("bad_response", "LangSmith's run stats are not JSON") from None
        if not isinstance(answer, dict) or not all(isinstance(v, dict) for v in answer.values()):
            raise StoreError("bad_response", "LangSmith's run stats are not grouped")
        return answer


class translated_errors:
    """The SDK's exceptions as StoreErrors. Their text is never passed on: the SDK's connection
    error quotes the first five and last two characters of the API key."""

    def __init__(self, api_url: str):
        self.api_url = api_url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None,
                 traceback: Any) -> Literal[False]:
        if error is None or isinstance(error, (StoreError, Stopped)) \
                or not isinstance(error, Exception):
            return False
        reason, what = _reason(error)
        raise StoreError(reason, f"LangSmith at {self.api_url}: {what}") from None


def _reason(error: Exception) -> tuple[str, str]:
    if isinstance(error, ls_utils.LangSmithAuthError):
        return "unauthorized", "the API key was refused (401)"
    if isinstance(error, ls_utils.LangSmithRateLimitError):
        return "rate_limited", "rate limited (429)"
    if isinstance(error, (ls_utils.LangSmithRequestTimeout, requests.exceptions.Timeout)):
        return "timeout", "timed out"
    if isinstance(error, ls_utils.LangSmithConnectionError):
        # With Retry(0) urllib3 reports a read timeout as MaxRetryError(ReadTimeoutError),
        # which requests raises as a ConnectionError.
        cause = error.__cause__.args[0] if error.__cause__ and error.__cause__.args else None
        reason = getattr(cause, "reason", None)
        # NewConnectionError (refused) is a ConnectTimeoutError in urllib3's class tree.
        if isinstance(reason, urllib3_errors.TimeoutError) \
                and not isinstance(reason, urllib3_errors.NewConnectionError):
            return "timeout", "timed out"
        return "unreachable", "cannot connect"
    if isinstance(error, ls_utils.LangSmithAPIError):
        return "server_error", "server error (500)"
    if isinstance(error, ls_utils.LangSmithNotFoundError):
        return "bad_request", "not found (404): is the project name right?"
    status = getattr(getattr(error.__context__, "response", None), "status_code", None)
    if isinstance(status, int):
        if status == 403:
            return "unauthorized", "forbidden (403)"
        return ("server_error" if status >= 500 else "bad_request"), f"answered {status}"
    return "bad_response", type(error).__name__
