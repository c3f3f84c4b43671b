"""What a dashboard is compared by, and how dashsmith marks what it owns.

- normalize_dashboard(json) → the dashboard without what Grafana adds on save (`id`,
  `version`), without dashsmith's own marker tag, with whole-number floats as ints (Grafana's
  JSON round trip turns 1.0 into 1). Apply it to both sides: the build's JSON and Grafana's.
- content_hash(json) → sha256 of the normalized dashboard in canonical JSON.
- MARKER_TAG: the tag on every dashboard dashsmith deployed. It is how deploy (and --prune)
  knows what it owns; a dashboard without it is never changed without --force, never deleted.
- deploy_message(hash) / recorded_hash(message): the save message of each dashsmith write,
  "dashsmith deploy sha256:<hash>", kept by Grafana in the dashboard's version history. The
  newest such message is the hash dashsmith last wrote; if it is the newest version of all,
  nobody has saved the dashboard since.
- fetch_live_dashboards(grafana, uids=None, managed_only=True) → {uid: (folder_uid, normalized
  json)} for `dashsmith diff --live` and `dashsmith import`: every dashboard carrying the
  marker (or every dashboard, or the given uids), read concurrently with retries.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

from grafana_client.client import GrafanaClientError

from .. import serialize
from . import retry

MARKER_TAG = "managed-by:dashsmith"
_MESSAGE = "dashsmith deploy sha256:{}"
_MESSAGE_PATTERN = re.compile(r"^dashsmith deploy sha256:([0-9a-f]{64})$")
_ADDED_BY_GRAFANA = ("id", "version")
SEARCH_PAGE = 5000


def normalize_dashboard(data: dict) -> dict:
    """A copy of `data` comparable across the build and Grafana (see the module docstring)."""
    out = {key: _numbers(value) for key, value in data.items() if key not in _ADDED_BY_GRAFANA}
    if isinstance(out.get("title"), str):
        out["title"] = out["title"].strip()
    if isinstance(out.get("tags"), list):
        out["tags"] = [tag for tag in out["tags"] if tag != MARKER_TAG]
    return out


def _numbers(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def content_hash(normalized: dict) -> str:
    return hashlib.sha256(serialize.to_json(normalized)).hexdigest()


def with_marker(data: dict) -> dict:
    """The dashboard as dashsmith saves it: its tags plus MARKER_TAG."""
    tags = [tag for tag in data.get("tags") or [] if tag != MARKER_TAG]
    return {**data, "tags": tags + [MARKER_TAG]}


def deploy_message(digest: str) -> str:
    return _MESSAGE.format(digest)


def recorded_hash(message: str | None) -> str | None:
    """The hash in a dashsmith save message; None for any other message."""
    found = _MESSAGE_PATTERN.match((message or "").strip())
    return found.group(1) if found else None


def search_dashboards(grafana, *, tag: str | None = None) -> list[dict]:
    """Every dashboard search hit (optionally with `tag`), page by page."""
    hits, page = [], 1
    while True:
        params = {"type": "dash-db", "limit": SEARCH_PAGE, "page": page}
        if tag:
            params["tag"] = tag
        batch = retry.call(lambda attempt: grafana.client.GET("/search", params=params))
        hits += batch
        if len(batch) < SEARCH_PAGE:
            return hits
        page += 1


def fetch_live_dashboards(grafana, uids=None, *, managed_only: bool = True,
                          concurrency: int = 4) -> dict[str, tuple[str, dict]]:
    """{uid: (folder_uid, normalized json)}; folder_uid is "" at the root. With `uids`, only
    those (missing ones are left out); otherwise every dashboard with MARKER_TAG (or all of
    them when managed_only is False)."""
    if uids is None:
        hits = search_dashboards(grafana, tag=MARKER_TAG if managed_only else None)
        uids = [hit["uid"] for hit in hits]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        found = list(pool.map(lambda uid: _fetch(grafana, uid), uids))
    return {uid: entry for uid, entry in zip(uids, found) if entry is not None}


def _fetch(grafana, uid: str):
    try:
        answer = retry.call(lambda attempt: grafana.dashboard.get_dashboard(uid))
    except GrafanaClientError as error:
        if error.status_code == 404:
            return None
        raise
    return answer["meta"].get("folderUid") or "", normalize_dashboard(answer["dashboard"])
