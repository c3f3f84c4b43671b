"""GET /api/search over folders and dashboards (legacy SQL search of Grafana 11.3).

From 12.x the answers come from the unified storage search index, which may lag behind
writes (search_index.py); the hit shape stays the legacy one (a guess for 12+)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import plain_error
from .http_types import Request, Response, json_response
from .search_index import DASHBOARD, FOLDER
from .store import DashboardRecord, FolderRecord, Store
from .values import dashboard_url, folder_url, slugify

MAX_LIMIT = 5000
DEFAULT_LIMIT = 1000
GENERAL_FOLDER_UID = "general"


def search(store: Store, request: Request) -> Response:
    limit = request.int_arg("limit", 0)
    if limit > MAX_LIMIT:
        raise plain_error(422, "Limit is above maximum allowed (5000), use page parameter "
                               "to access hits beyond limit")
    limit = limit if limit > 0 else DEFAULT_LIMIT
    page = max(request.int_arg("page", 1), 1)
    hits = sorted(_matching_hits(store, request), key=_hit_order)
    return json_response(200, hits[(page - 1) * limit: page * limit])


def _matching_hits(store: Store, request: Request) -> Iterable[dict[str, Any]]:
    if request.arg("starred") == "true":
        return []  # nothing is ever starred in the emulator
    kind = request.arg("type")
    found: list[dict[str, Any]] = []
    if kind in ("", "dash-folder"):
        found += [_folder_hit(store, f) for f in store.search_index.view(store, FOLDER)
                  if _folder_matches(f, request)]
    if kind in ("", "dash-db"):
        found += [_dashboard_hit(store, d) for d in store.search_index.view(store, DASHBOARD)
                  if _dashboard_matches(d, request)]
    return found


def _hit_order(hit: dict[str, Any]) -> tuple[int, str]:
    """Folders first, then by title, case-insensitively (search.HitList.Less)."""
    return (0 if hit["type"] == "dash-folder" else 1, hit["title"].lower())


def _common_filters(uid: str, title: str, parent_uid: str, tags: list[str],
                    request: Request) -> bool:
    wanted_tags = request.args("tag")
    if wanted_tags and not all(tag in tags for tag in wanted_tags):
        return False  # every given tag must be present
    # one uid per value; a comma-joined value matches nothing
    folder_uids = request.args("folderUIDs")
    if folder_uids and _location(parent_uid) not in folder_uids:
        return False
    # pkg/api/search.go Search: "dashboardUID" is read when no "dashboardUIDs" is given
    dashboard_uids = request.args("dashboardUIDs") or request.args("dashboardUID")
    if dashboard_uids and uid not in dashboard_uids:
        return False
    query = request.arg("query").lower()
    return query in title.lower()


def _location(parent_uid: str) -> str:
    return parent_uid or GENERAL_FOLDER_UID


def _folder_matches(folder: FolderRecord, request: Request) -> bool:
    return _common_filters(folder.uid, folder.title, folder.parent_uid, [], request)


def _dashboard_matches(dashboard: DashboardRecord, request: Request) -> bool:
    return _common_filters(dashboard.uid, dashboard.title, dashboard.folder_uid, dashboard.tags,
                           request)


def _folder_hit(store: Store, folder: FolderRecord) -> dict[str, Any]:
    slug = slugify(folder.title)
    hit = _hit(folder.id, folder.uid, folder.title, "dash-folder", folder_url(folder.uid, slug),
               slug, [])
    _add_parent(store, hit, folder.parent_uid)
    return hit


def _dashboard_hit(store: Store, dashboard: DashboardRecord) -> dict[str, Any]:
    slug = slugify(dashboard.title)
    hit = _hit(dashboard.id, dashboard.uid, dashboard.title, "dash-db",
               dashboard_url(dashboard.uid, slug), slug, dashboard.tags)
    _add_parent(store, hit, dashboard.folder_uid)
    return hit


def _hit(hit_id: int, uid: str, title: str, kind: str, url: str, slug: str,
         tags: list[str]) -> dict[str, Any]:
    """model.Hit (pkg/services/search/model): no "version"; "slug" stays "" (the dashboard
    service's makeQueryResult sets only uri "db/<slug>"); "isDeleted" has no omitempty (it came
    with the dashboard trash in 11.x). Without a sort parameter the search service sorts the hits
    and each hit's tags (SearchService.SearchHandler, sortedHits: sort.Strings)."""
    return {
        "id": hit_id, "uid": uid, "orgId": 1, "title": title, "uri": f"db/{slug}", "url": url,
        "slug": "", "type": kind, "tags": sorted(tags), "isStarred": False, "sortMeta": 0,
        "isDeleted": False,
    }


def _add_parent(store: Store, hit: dict[str, Any], parent_uid: str) -> None:
    parent = store.folders.get(parent_uid) if parent_uid else None
    if parent is not None:
        hit.update(folderId=parent.id, folderUid=parent.uid, folderTitle=parent.title,
                   folderUrl=folder_url(parent.uid, slugify(parent.title)))
