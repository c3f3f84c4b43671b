"""Which store to poll and with what, from the environment (the keys: credentials.py).

  langfuse   LANGFUSE_HOST (default https://cloud.langfuse.com), LANGFUSE_PUBLIC_KEY and
             LANGFUSE_SECRET_KEY (or *_FILE), the names Langfuse's own SDKs read
  langsmith  LANGSMITH_ENDPOINT (default https://api.smith.langchain.com), LANGSMITH_API_KEY
             (or *_FILE) and LANGSMITH_PROJECT (default "default"); the LANGCHAIN_* names the
             SDK also reads (LANGCHAIN_ENDPOINT, LANGCHAIN_API_KEY, LANGCHAIN_PROJECT) work too

The langsmith SDK is imported only for the langsmith store (the `bridge` extra installs it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dashsmith.bridge.budget import RequestBudget
from dashsmith.bridge.counting import Store
from dashsmith.bridge.credentials import CredentialError, secret, setting

STORES = ("langfuse", "langsmith")
# Requests an hour when --max-requests-per-hour is not given: under Langfuse Cloud Core's 100 an
# hour for the Metrics API v2 (budget.py); LangSmith publishes no limit for these reads.
DEFAULT_BUDGET = {"langfuse": 90, "langsmith": 600}


def from_environment(kind: str, budget: RequestBudget, *, timeout: float,
                     environ: Mapping[str, str] | None = None) -> Store:
    environ = os.environ if environ is None else environ
    if kind == "langfuse":
        from dashsmith.bridge.langfuse import Langfuse

        return Langfuse(setting("LANGFUSE_HOST", "https://cloud.langfuse.com", environ),
                        secret("LANGFUSE_PUBLIC_KEY", environ),
                        secret("LANGFUSE_SECRET_KEY", environ), budget, timeout=timeout)
    if kind == "langsmith":
        from dashsmith.bridge.langsmith import LangSmith

        key = _first_secret(("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"), environ)
        endpoint = setting("LANGSMITH_ENDPOINT", "", environ) or \
            setting("LANGCHAIN_ENDPOINT", "https://api.smith.langchain.com", environ)
        project = setting("LANGSMITH_PROJECT", "", environ) or \
            setting("LANGCHAIN_PROJECT", "default", environ)
        return LangSmith(endpoint, key, project, budget, timeout=timeout)
    raise ValueError(f"unknown store {kind!r}: one of {', '.join(STORES)}")


def _first_secret(names: tuple[str, ...], environ: Mapping[str, str]):
    for name in names:
        if environ.get(name) or environ.get(f"{name}_FILE"):
            return secret(name, environ)
    raise CredentialError(f"{names[0]} is not set (nor {names[0]}_FILE, nor {names[1]})")
