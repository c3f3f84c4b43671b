"""Reading Grafana with retries: what live (the plan's refresh), apply and
fetch_live_dashboards share."""

from __future__ import annotations

from grafana_client.client import GrafanaClientError

from . import retry

SEARCH_PAGE = 5000


def get(grafana, path: str, params=None):
    """GET `path` (under /api) with retries; None for a 404."""
    try:
        return retry.call(lambda attempt: grafana.client.GET(path, params=params))
    except GrafanaClientError as error:
        if error.status_code == 404:
            return None
        raise


def versions(grafana, uid: str, limit: int) -> list[dict] | None:
    """A dashboard's newest `limit` versions, newest first; None if there is no such dashboard.
    Grafana up to 11.4 answers a list, 11.6 and later {"versions": [...]}."""
    answer = get(grafana, f"/dashboards/uid/{uid}/versions", params={"limit": limit})
    if answer is None:
        return None
    if isinstance(answer, dict):
        answer = answer.get("versions") or []
    return sorted(answer, key=lambda v: -int(v.get("version") or 0))


def search_dashboards(grafana, *, tag: str | None = None) -> list[dict]:
    """Every dashboard search hit (optionally only those with `tag`), page by page."""
    return search(grafana, "dash-db", tag=tag)


def search_folders(grafana) -> list[dict]:
    """Every folder, nested ones included (their hits carry the parent's `folderUid`)."""
    return search(grafana, "dash-folder")


def search(grafana, kind: str, *, tag: str | None = None) -> list[dict]:
    hits, page = [], 1
    while True:
        params = {"type": kind, "limit": SEARCH_PAGE, "page": page}
        if tag:
            params["tag"] = tag
        batch = get(grafana, "/search", params=params) or []
        hits += batch
        if len(batch) < SEARCH_PAGE:
            return hits
        page += 1
