"""The bridge against the real trace stores, when their keys are in the environment (skipped
otherwise): the queries the emulators accept, the real services must accept too, and answer in
the shape the bridge reads. Keys: LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY, LANGFUSE_HOST;
LANGSMITH_API_KEY (LANGSMITH_ENDPOINT, LANGSMITH_PROJECT optional)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.families import COUNTED, sample
from dashsmith.bridge.stores import from_environment

NAMES = {sample(f, part) for f in COUNTED for part in (("count", "sum") if f.kind.value ==
                                                       "summary" else ("",))}


def _counts(store: str):
    source = from_environment(store, RequestBudget(10), timeout=60)
    end = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=5)
    return source.counts(end - timedelta(hours=1), end)


@pytest.mark.skipif(not all(os.environ.get(k) for k in (
    "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "LANGFUSE_HOST")),
    reason="LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_HOST are not set")
def test_real_langfuse_answers_the_bridges_queries():
    counts = _counts("langfuse")
    assert all(name in NAMES and labels[0] == "langfuse" and value >= 0
               for (name, labels), value in counts.items())


@pytest.mark.skipif(not os.environ.get("LANGSMITH_API_KEY"), reason="LANGSMITH_API_KEY is not set")
def test_real_langsmith_answers_the_bridges_requests():
    counts = _counts("langsmith")
    assert all(name in NAMES and labels[0] == "langsmith" and value >= 0
               for (name, labels), value in counts.items())
