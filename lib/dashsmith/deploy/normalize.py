"""What a dashboard is compared by, and how dashsmith marks what it owns.

- normalize_dashboard(json) → the dashboard without what Grafana adds on save (`id`,
  `version`), without dashsmith's own marker tag, with whole-number floats as ints (Grafana's
  JSON round trip turns 1.0 into 1). Apply it to both sides: the build's JSON and Grafana's.
- content_hash(normalized) / dashboard_hash(json) → sha256 of the normalized dashboard in
  canonical JSON.
- MARKER_TAG: the tag on every dashboard dashsmith deployed. It is how deploy (and --prune)
  knows what it owns; a dashboard without it is never changed without --force, never deleted.
- deploy_message(hash, project) / recorded_deploy(message): the save message of each dashsmith
  write, "dashsmith deploy sha256:<hash> project:<project>", kept by Grafana in the dashboard's
  version history. The newest such message says what dashsmith last wrote and for which
  project (several projects may deploy to one Grafana; each owns only what it saved); if it
  is the newest version of all, nobody has saved the dashboard since.
- fetch_live_dashboards(grafana, uids=None, managed_only=True) → {uid: (folder_uid, normalized
  json)} for `dashsmith diff --live` and `dashsmith import`: every dashboard carrying the
  marker (or every dashboard, or the given uids), read concurrently with retries.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import orjson

from . import reads, workers
from .reads import search_dashboards  # noqa: F401 - part of this module's interface

MARKER_TAG = "managed-by:dashsmith"
_MESSAGE = "dashsmith deploy sha256:{} project:{}"
# Releases before projects wrote no " project:..." part.
_MESSAGE_PATTERN = re.compile(r"^dashsmith deploy sha256:([0-9a-f]{64})(?: project:(\S+))?$")
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
    text = _MINUS_ZERO.sub(lambda m: b"0" if text[m.start() - 1:m.start()] in b":,[" else b"-0", text)
    return hashlib.sha256(text).hexdigest()


def dashboard_hash(data: dict) -> str:
    """content_hash(normalize_dashboard(data)), without building the normalized copy (the
    walk over every node is what a deploy of 1,000 dashboards would spend its time on)."""
    return content_hash(_top_level(data))


def with_marker(data: dict) -> dict:
    """The dashboard as dashsmith saves it: its tags plus MARKER_TAG."""
    tags = [tag for tag in data.get("tags") or [] if tag != MARKER_TAG]
    return {**data, "tags": tags + [MARKER_TAG]}


@dataclass(frozen=True)
class Recorded:
    """What a dashsmith save recorded in its message."""

    hash: str
    project: str | None  # None: saved by a release that did not record projects

    def claimed(self, project: str) -> "Recorded":
        """Saved before projects were recorded, when every deploy to a Grafana was one
        project's: the deploying project's now."""
        return self if self.project else Recorded(self.hash, project)


def deploy_message(digest: str, project: str) -> str:
    return _MESSAGE.format(digest, project)


def recorded_deploy(message: str | None) -> Recorded | None:
    """What a dashsmith save message records; None for any other message."""
    found = _MESSAGE_PATTERN.match((message or "").strip())
    return Recorded(found.group(1), found.group(2)) if found else None


def fetch_live_dashboards(grafana, uids=None, *, managed_only: bool = True,
                          concurrency: int = 4) -> dict[str, tuple[str, dict]]:
    """{uid: (folder_uid, normalized json)}; folder_uid is "" at the root. With `uids`, only
    those (missing ones are left out); otherwise every dashboard with MARKER_TAG (or all of
    them when managed_only is False)."""
    if uids is None:
        hits = search_dashboards(grafana, tag=MARKER_TAG if managed_only else None)
        uids = [hit["uid"] for hit in hits]
    found = workers.run_all_or_raise(lambda uid: reads.get(grafana, f"/dashboards/uid/{uid}"),
                                     uids, concurrency)
    return {uid: (answer["meta"].get("folderUid") or "", normalize_dashboard(answer["dashboard"]))
            for uid, answer in zip(uids, found) if answer is not None}
