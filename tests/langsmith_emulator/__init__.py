"""LangSmith's API, emulated for exactly what `dashsmith bridge langsmith` asks of it through the
langsmith SDK's Client: GET /sessions (Client.read_project), POST /runs/stats (the body of
Client.get_run_stats plus group_by) and GET /feedback (Client.list_feedback). Paths are served
at the root (api.smith.langchain.com) and under /api/v1 (self-hosted).

Sources (github:langchain-ai/langsmith-sdk, and the SDK 0.15.1 installed):
- requests and their parameters: python/langsmith/client.py (read_project: GET /sessions
  name, limit=1, include_stats, a list; get_run_stats: POST /runs/stats with session, is_root,
  run_type, filter, ...; list_feedback and _get_paginated_list: GET /feedback with run, key,
  source, offset and limit ≤ 100, a top-level array, paging until a short page);
- /runs/stats's body and answer: RunStatsParams and RunStatsResponse (one RunStats, or
  {group: RunStats} when group_by is set: name | run_type | tag | metadata with path,
  max_groups) in js/src/_openapi_client/resources/runs/runs.ts before commit e50219a40;
  feedback filters (session, min_created_at, max_created_at, has_score, key) from
  FeedbackListParams in js/src/_openapi_client/resources/feedback/feedback.ts, same commit;
  grouped RunStats carry costs as strings (RunStatsResponseMapItem in the Go SDK's reference),
  so this emulator writes them so;
- the filter language (and, gte, gt, lte, lt, eq, neq over fields): LangSmith's trace query
  syntax page; an expression this emulator cannot read is a 400, as a malformed one is;
- auth and errors: the x-api-key header; FastAPI's {"detail": ...} bodies (the SDK's tests'
  mocked answers), 401 → LangSmithAuthError, 404 → LangSmithNotFoundError, 429 →
  LangSmithRateLimitError, 500 → LangSmithAPIError (Client.request_with_retries).

Faults: those of tests/langfuse_emulator/serving.py (fail, slow, down/restart).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from langfuse_emulator.serving import Emulator

TENANT = "00000000-0000-4000-8000-000000000001"


@dataclass
class Run:
    id: str
    name: str
    run_type: str  # chain, llm, tool, ...
    start_time: datetime
    end_time: datetime
    session_id: str
    is_root: bool
    error: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_cost: float = 0.0
    metadata: dict = field(default_factory=dict)


@dataclass
class Feedback:
    id: str
    run_id: str
    trace_id: str
    key: str
    score: float | bool | None
    created_at: datetime
    session_id: str
    value: object = None


class BadRequest(Exception):
    pass


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class LangSmithEmulator(Emulator):
    server_error_body = {"detail": "Internal Server Error"}

    def __init__(self, api_key: str = "lsv2_pt_emulator0000000000000000_0000000000",
                 project: str = "trading-platform-prod"):
        super().__init__()
        self.api_key = api_key
        self.projects = {project: str(uuid.uuid5(uuid.NAMESPACE_URL, project))}
        self.runs: list[Run] = []
        self.feedback: list[Feedback] = []
        self.bodies: list[dict] = []  # each /runs/stats body received

    # --- what the store holds --------------------------------------------------------------

    def add_trace(self, name: str, start: datetime, seconds: float, *, error: bool = False,
                  generations: tuple = (), project: str | None = None) -> str:
        """A root chain run of `seconds` and its llm runs (model, prompt tokens, completion
        tokens, cost, seconds); LangSmith rolls the tree's tokens and cost up onto the root."""
        session = self.projects[project or next(iter(self.projects))]
        with self.lock:
            root = Run(str(uuid.uuid4()), name, "chain", start, start + timedelta(seconds=seconds),
                       session, True, error=error)
            self.runs.append(root)
            for model, prompt, completion, cost, duration in generations:
                self.runs.append(Run(str(uuid.uuid4()), "ChatAnthropic", "llm", start,
                                     start + timedelta(seconds=duration), session, False,
                                     prompt_tokens=prompt, completion_tokens=completion,
                                     total_cost=cost, metadata={"ls_model_name": model}))
                root.prompt_tokens += prompt
                root.completion_tokens += completion
                root.total_cost += cost
        return root.id

    def add_feedback(self, run_id: str, key: str, score, created_at: datetime,
                     value: object = None) -> None:
        with self.lock:
            run = next(r for r in self.runs if r.id == run_id)
            self.feedback.append(Feedback(str(uuid.uuid4()), run_id, run_id, key, score,
                                          created_at, run.session_id, value))

    # --- the API -----------------------------------------------------------------------------

    def route(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, object]:
        url = urllib.parse.urlsplit(path)
        route = url.path.removeprefix("/api/v1")
        params = urllib.parse.parse_qs(url.query)
        if headers.get("x-api-key") != self.api_key:
            return 401, {}, {"detail": "Invalid token"}
        try:
            with self.lock:
                if (method, route) == ("GET", "/sessions"):
                    return 200, {}, self.sessions(params)
                if (method, route) == ("POST", "/runs/stats"):
                    query = json.loads(body or b"{}")
                    self.bodies.append(query)
                    return 200, {}, self.stats(query)
                if (method, route) == ("GET", "/feedback"):
                    return 200, {}, self.list_feedback(params)
        except BadRequest as error:
            return 400, {}, {"detail": str(error)}
        except ValueError:
            return 422, {}, {"detail": [{"loc": ["body"], "msg": "JSON decode error",
                                         "type": "json_invalid"}]}
        return 404, {}, {"detail": "Not Found"}

    def sessions(self, params: dict) -> list[dict]:
        names = params.get("name", [])
        found = [(name, id_) for name, id_ in self.projects.items() if not names or name in names]
        limit = int(params.get("limit", ["100"])[0])
        return [{"id": id_, "name": name, "tenant_id": TENANT, "reference_dataset_id": None,
                 "start_time": "2026-01-01T00:00:00Z", "extra": None}
                for name, id_ in found[:limit]]

    def stats(self, query: dict):
        sessions = query.get("session")
        if not sessions:
            raise BadRequest("session is required")
        match = parse_filter(query["filter"]) if query.get("filter") else (lambda run: True)
        runs = [r for r in self.runs if r.session_id in sessions and match(r)
                and (query.get("is_root") is None or r.is_root == query["is_root"])
                and (query.get("run_type") is None or r.run_type == query["run_type"])]
        select = query.get("select")
        group_by = query.get("group_by")
        if not group_by:
            return _run_stats(runs, select, costs_as_strings=False)
        groups: dict[str, list[Run]] = {}
        for run in runs:
            key = _group_key(run, group_by)
            if key is not None:
                groups.setdefault(key, []).append(run)
        largest = sorted(groups, key=lambda k: -len(groups[k]))[:group_by.get("max_groups", 10)]
        return {key: _run_stats(groups[key], select, costs_as_strings=True) for key in largest}

    def list_feedback(self, params: dict) -> list[dict]:
        sessions = params.get("session", [])
        low = _param_time(params, "min_created_at")
        high = _param_time(params, "max_created_at")
        keys = params.get("key", [])
        found = [f for f in self.feedback
                 if (not sessions or f.session_id in sessions) and (not keys or f.key in keys)
                 and (low is None or f.created_at >= low)
                 and (high is None or f.created_at <= high)]
        if params.get("has_score", [""])[0] == "true":
            found = [f for f in found if f.score is not None]
        found.sort(key=lambda f: f.created_at, reverse=True)
        offset = int(params.get("offset", ["0"])[0])
        limit = min(int(params.get("limit", ["100"])[0]), 100)
        return [{"id": f.id, "run_id": f.run_id, "trace_id": f.trace_id, "key": f.key,
                 "score": f.score, "value": f.value, "comment": None, "correction": None,
                 "created_at": iso(f.created_at), "modified_at": iso(f.created_at),
                 "session_id": f.session_id, "feedback_source": {"type": "api"}}
                for f in found[offset:offset + limit]]


def _param_time(params: dict, name: str) -> datetime | None:
    if name not in params:
        return None
    return datetime.fromisoformat(params[name][0].replace("Z", "+00:00"))


def _group_key(run: Run, group_by: dict) -> str | None:
    attribute = group_by.get("attribute")
    if attribute == "name":
        return run.name
    if attribute == "run_type":
        return run.run_type
    if attribute == "metadata":
        value = run.metadata.get(group_by.get("path") or "")
        return None if value is None else str(value)
    raise BadRequest(f"the emulator does not group by {attribute}")


def _run_stats(runs: list[Run], select: list | None, *, costs_as_strings: bool) -> dict:
    count = len(runs)
    latencies = [(r.end_time - r.start_time).total_seconds() for r in runs]
    cost = sum(r.total_cost for r in runs)
    stats = {
        "run_count": count,
        "error_rate": sum(r.error for r in runs) / count if count else 0.0,
        "latency_avg": sum(latencies) / count if count else None,
        "latency_p50": sorted(latencies)[count // 2] if count else None,
        "prompt_tokens": sum(r.prompt_tokens for r in runs),
        "completion_tokens": sum(r.completion_tokens for r in runs),
        "total_tokens": sum(r.prompt_tokens + r.completion_tokens for r in runs),
        "total_cost": f"{cost:.12f}" if costs_as_strings else cost,
        "last_run_start_time": iso(max(r.start_time for r in runs)) if runs else None,
    }
    return {k: v for k, v in stats.items() if not select or k in select}


# The filter query language: `op(field, "value")` comparisons combined with and/or.
_CALL = re.compile(r'\s*(\w+)\(')
_COMPARE = {"eq": lambda a, b: a == b, "neq": lambda a, b: a != b, "gt": lambda a, b: a > b,
            "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}


def parse_filter(text: str):
    predicate, rest = _expression(text)
    if rest.strip():
        raise BadRequest(f"Invalid filter: unexpected {rest.strip()[:20]!r}")
    return predicate


def _expression(text: str):
    call = _CALL.match(text)
    if not call:
        raise BadRequest(f"Invalid filter: {text[:30]!r}")
    op, rest = call.group(1), text[call.end():]
    if op in ("and", "or"):
        parts = []
        while True:
            part, rest = _expression(rest)
            parts.append(part)
            rest = rest.lstrip()
            if rest.startswith(","):
                rest = rest[1:]
                continue
            if rest.startswith(")"):
                rest = rest[1:]
                break
            raise BadRequest("Invalid filter: expected , or )")
        combine = all if op == "and" else any
        return (lambda run: combine(p(run) for p in parts)), rest
    if op not in _COMPARE:
        raise BadRequest(f"Invalid filter: unknown operator {op}")
    found = re.match(r'\s*(\w+)\s*,\s*"([^"]*)"\s*\)', rest)
    if not found:
        raise BadRequest(f"Invalid filter: {op} takes a field and a quoted value")
    name, value = found.groups()
    if name in ("start_time", "end_time"):
        bound = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (lambda run: _COMPARE[op](getattr(run, name), bound)), rest[found.end():]
    if name in ("name", "run_type"):
        return (lambda run: _COMPARE[op](getattr(run, name), value)), rest[found.end():]
    raise BadRequest(f"the emulator does not filter on {name}")
