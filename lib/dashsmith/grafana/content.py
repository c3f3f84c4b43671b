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
    if kind is float and value.is_integer() and -_EXACT <= value <= _EXACT:
        return int(value)
    return value


# Whole-number floats become ints only where every int is exactly a float (|x| <= 2**53), which
# is also where orjson writes them as "<digits>.0" (content_hash's text path then drops the
# ".0" the same way). Beyond, orjson writes 1e16 as "1e+16" (an int would read
# "10000000000000000", and the two hashes of one dashboard would differ) and refuses ints past
# 64 bits outright (1e22: "Integer exceeds 64-bit range").
_EXACT = 2.0 ** 53


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


# --- what Grafana stores through dashboard.grafana.app v1/v1beta1 ----------------------------
# A save or read through the classic-schema versions of the /apis path (12.x v1beta1, 13.x v1)
# runs the dashboard's schema migrations up to LATEST_SCHEMA_VERSION
# (apps/dashboard/pkg/migration/schemaversion/migrations.go: LATEST_VERSION = 42, the apistore
# mutate hook and the v0→v1 conversion call migration.Migrate), and the mutate hook drops the
# spec's id, uid and version. dashsmith renders schemaVersion 39 (compiler/render.py), so what
# Grafana stores differs from what dashsmith sent by migrations 40-42; comparing against this
# form is what makes a no-op redeploy "unchanged" rather than "drifted". Migrations below 40
# rewrite panel types dashsmith does not render that way (and are not reproduced): a write's
# answer is checked against the prediction (commands/deploy/apply.py), so a Grafana that
# migrates differently costs one more metadata write, never a false drift.
LATEST_SCHEMA_VERSION = 42
_SPEC_STAMPS = ("id", "uid", "version")


def stored_form(data: dict, schema_version: int = LATEST_SCHEMA_VERSION) -> dict:
    """`data` as Grafana stores it through v1/v1beta1 (see above). Shares what the migrations
    leave alone with `data`: copy before changing it in place."""
    out = {key: value for key, value in data.items() if key not in _SPEC_STAMPS}
    current = _schema_version(out.get("schemaVersion"))
    if current >= schema_version:
        return out
    if current < 40 <= schema_version:
        # V40 (v40.go): refresh is a string; anything else, or none, becomes ""
        refresh = out.get("refresh")
        out["refresh"] = refresh if isinstance(refresh, str) else ""
    timepicker = out.get("timepicker")
    if current < 41 <= schema_version and isinstance(timepicker, dict) \
            and "time_options" in timepicker:
        # V41 (v41.go): timepicker.time_options is deleted
        out["timepicker"] = {k: v for k, v in timepicker.items() if k != "time_options"}
    if current < 42 <= schema_version and isinstance(out.get("panels"), list):
        # V42 (v42.go): a custom.hideFrom override with viz true gets tooltip true too, in
        # panels and the panels of rows
        out["panels"] = [_hide_from_tooltip(panel) for panel in out["panels"]]
    out["schemaVersion"] = schema_version
    return out


def stored_hash(data: dict, schema_version: int = LATEST_SCHEMA_VERSION) -> str:
    """dashboard_hash of stored_form(data): what Grafana's copy hashes to, read through v1."""
    return dashboard_hash(stored_form(data, schema_version))


def _schema_version(value) -> int:
    # schemaversion.GetSchemaVersion: an int, a float or a numeric string; else 0
    if isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return 0


def _hide_from_tooltip(panel):
    """A copy of `panel` migrated by V42, or `panel` itself when V42 changes nothing in it."""
    if not isinstance(panel, dict):
        return panel
    out = panel
    field_config = panel.get("fieldConfig")
    overrides = field_config.get("overrides") if isinstance(field_config, dict) else None
    if isinstance(overrides, list) and any(_viz_hidden(o) for o in overrides):
        out = {**panel, "fieldConfig": {**field_config, "overrides": [
            _override_migrated(o) for o in overrides]}}
    nested = panel.get("panels")
    if isinstance(nested, list):
        migrated = [_hide_from_tooltip(p) for p in nested]
        if any(a is not b for a, b in zip(migrated, nested, strict=True)):
            out = {**out, "panels": migrated}
    return out


def _viz_hidden(override) -> bool:
    properties = override.get("properties") if isinstance(override, dict) else None
    return any(isinstance(p, dict) and p.get("id") == "custom.hideFrom"
               and isinstance(p.get("value"), dict) and p["value"].get("viz") is True
               for p in properties or () if isinstance(properties, list))


def _override_migrated(override):
    if not _viz_hidden(override):
        return override
    return {**override, "properties": [
        {**p, "value": {**p["value"], "tooltip": True}}
        if isinstance(p, dict) and p.get("id") == "custom.hideFrom"
        and isinstance(p.get("value"), dict) and p["value"].get("viz") is True else p
        for p in override["properties"]]}
