"""Sample content that several test files read: one copy here instead of one per file.

A test whose point is the particular shape of its sample (the line a finding names, the panels
a layout places) keeps that sample next to it, and says so.
"""

from __future__ import annotations

import json
import os

from .project import TESTS

# Dashboards as Grafana 10/11 exports them (docs/import.md says what each one exercises).
CORPUS_DIR = os.path.join(TESTS, "import_corpus")
CORPUS = sorted(name for name in os.listdir(CORPUS_DIR) if name.endswith(".json"))


def corpus_path(name: str) -> str:
    """The path of an exported dashboard of the corpus, e.g. "host_overview.json"."""
    return os.path.join(CORPUS_DIR, name)


def corpus_dashboard(name: str) -> dict:
    """An exported dashboard of the corpus as JSON data, a fresh copy for each call."""
    with open(corpus_path(name)) as handle:
        return json.load(handle)
