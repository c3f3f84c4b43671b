"""Reading Grafana with retries: what deploy (its refresh and apply), `diff --live` and
`import` share.

fetch_live_dashboards(grafana, uids=None, managed_only=True) → {uid: (folder_uid, normalized
json)} for `dashsmith diff --live`: every dashboard carrying the marker (or every dashboard, or
the given uids), read concurrently with retries.
"""

from __future__ import annotations

from grafana_client.client import GrafanaClientError, GrafanaException

from dashsmith.grafana import retry, workers
from dashsmith.grafana.content import normalize_dashboard
from dashsmith.grafana.ownership import MARKER_TAG

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


def newest_version(grafana, uid: str) -> dict | None:
    """The newest entry of a dashboard's version list ({} if it lists none); None if there is
    no such dashboard."""
    found = versions(grafana, uid, limit=1)
    return None if found is None else next(iter(found), {})


def saved_message(grafana, uid: str, entry: dict) -> str | None:
    """The message the save behind `entry` (from versions()) really carried.

    The versions list does not always show it. Grafana's handler (pkg/api/dashboard.go,
    GetDashboardVersions, 5.x to 13.x) lists every version whose parentVersion is 0 — a
    dashboard's first, however it was saved — as "Initial save". Only the single-version
    endpoint (GetDashboardVersion) answers the stored message, so a first version is read
    there. The handler's two other rewrites ("Restored from version N", "Initial save (created
    by migration)") need no second read: they mark versions no deploy made, and the stored
    message of a restore is that same text (dashverimpl.DashboardRestoreMessage; 12+ even
    derives restoredFrom from it, getRestoreVersion)."""
    if int(entry.get("parentVersion") or 0) != 0:
        return entry.get("message")
    single = single_version(grafana, uid, entry)
    return single.get("message") if single else None


def single_version(grafana, uid: str, entry: dict) -> dict | None:
    """GET …/versions/:id for a versions() entry; None if the server has it under neither key.

    What `:id` means depends on the storage behind the handler: Grafana up to 11.x looks the
    version number up in its SQL table (sqlStore.Get); 12+ (dashboards through the
    Kubernetes-style API, dashverimpl.Service.getHistoryThroughK8s) reads the object at
    resourceVersion `:id`, which the list gives as `id`. The number is tried first (on 12+ a
    resourceVersion is a large snowflake id that never equals a small version number) and the
    answer must be the version asked for. An unknown version answers 500 (not 404)."""
    wanted = entry.get("version")
    for key in dict.fromkeys(k for k in (wanted, entry.get("id")) if k is not None):
        try:
            answer = get(grafana, f"/dashboards/uid/{uid}/versions/{key}")  # None for a 404
        except GrafanaException as error:  # a 500 is a GrafanaServerError, not a client error
            if error.status_code == 500:
                continue
            raise
        if isinstance(answer, dict) and answer.get("version") == wanted:
            return answer
    return None


def search_dashboards(grafana, *, tag: str | None = None) -> list[dict]:
    """Every dashboard search hit (optionally only those with `tag`), page by page."""
    return search(grafana, "dash-db", tag=tag)


def search_folders(grafana) -> list[dict]:
    """Every folder, nested ones included (their hits carry the parent's `folderUid`)."""
    return search(grafana, "dash-folder")


def search(grafana, kind: str, *, tag: str | None = None) -> list[dict]:
    hits: list[dict] = []
    page = 1
    while True:
        params = {"type": kind, "limit": SEARCH_PAGE, "page": page}
        if tag:
            params["tag"] = tag
        batch = get(grafana, "/search", params=params) or []
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
    found = workers.run_all_or_raise(lambda uid: get(grafana, f"/dashboards/uid/{uid}"),
                                     uids, concurrency)
    return {uid: (answer["meta"].get("folderUid") or "", normalize_dashboard(answer["dashboard"]))
            for uid, answer in zip(uids, found, strict=True) if answer is not None}
