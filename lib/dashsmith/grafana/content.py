"""What a dashboard is compared by: its content as saved, without what Grafana adds.

- normalize_dashboard(json) → the dashboard without what Grafana adds on save (`id`,
  `version`), without dashsmith's own marker tag, with whole-number floats as ints (Grafana's
  JSON round trip turns 1.0 into 1). Apply it to both sides: the build's JSON and Grafana's.
- content_hash(normalized) / dashboard_hash(json) → sha256 of the normalized dashboard in
  canonical JSON (rule groups are hashed by content_hash too).

This is exact comparison: a dashboard edited in Grafana hashes differently. What Grafana
merely fills in or ignores (so that two dashboards look and behave the same) is the question
of equivalence.py.
"""

from __future__ import annotations

import hashlib
import re

import orjson

from dashsmith.grafana.ownership import MARKER_TAG

_ADDED_BY_GRAFANA = ("id", "version")
# A whole-number float as orjson writes it: "1.0" before ',', ']' or '}' (a literal-led pattern,
# which the regex engine scans fast). Inside a string it is read the same way on both sides.
_POINT_ZERO = re.compile(rb"\.0(?=[,\]}])")
_MINUS_ZERO = re.compile(rb"-0(?=[,\]}])")


def normalize_dashboard(data: dict) -> dict:
    """A copy of `data` comparable across the build and Grafana (see the module docstring)."""
    return {key: _numbers(value) for key, value in _top_level(data).items()}


def _top_level(data: dict) -> dict:
    """`data` without id, version and the marker tag, title trimmed (a shallow copy)."""
    out = {key: value for key, value in data.items() if key not in _ADDED_BY_GRAFANA}
    if isinstance(out.get("title"), str):
        out["title"] = out["title"].strip()
    if isinstance(out.get("tags"), list):
        out["tags"] = [tag for tag in out["tags"] if tag != MARKER_TAG]
    return out


def _numbers(value):
    # type() rather than isinstance: this walks every node of 1,000 dashboards per deploy
    kind = type(value)
    if kind is dict:
        return {key: _numbers(item) for key, item in value.items()}
    if kind is list:
        return [_numbers(item) for item in value]
    if kind is float and value.is_integer():
        return int(value)
    return value


def content_hash(data) -> str:
    """sha256 of canonical JSON: sorted keys, no whitespace, whole-number floats written as
    ints (1.0 → 1, as Grafana's round trip does; in the text, so a string holding ':1.0,'
    is read the same way on both sides)."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    text = _POINT_ZERO.sub(b"", text)
    text = _MINUS_ZERO.sub(
        lambda m: b"0" if text[m.start() - 1:m.start()] in b":,[" else b"-0", text)
    return hashlib.sha256(text).hexdigest()


def dashboard_hash(data: dict) -> str:
    """content_hash(normalize_dashboard(data)), without building the normalized copy (the
    walk over every node is what a deploy of 1,000 dashboards would spend its time on)."""
    return content_hash(_top_level(data))
