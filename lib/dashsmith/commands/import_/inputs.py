"""Dashboards to import, read from files or from Grafana's API, checked before anything else
happens: what is not a dashboard is refused with the name of where it came from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import orjson

from dashsmith.checks.rules.dashboard_uid import UID_PATTERN
from dashsmith.grafana.dynamic import is_v2_api_version, lost_structure
from dashsmith.grafana.equivalence import upgrade_rows, with_panel_ids


class ImportFailed(Exception):
    """Input that cannot be imported; the message names where it came from."""


@dataclass
class Imported:
    origin: str  # a file name, or "Grafana <uid>"
    dashboard: dict  # Grafana's dashboard JSON
    folder: str | None  # folder title path, when the input says
    warnings: list[str] = field(default_factory=list)  # about where it came from


def read_file(path: str, uid: str | None = None) -> Imported:
    """The dashboard in a file; `uid` (--set-uid) replaces the uid it has, or gives it one."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ImportFailed(f"{path}: not JSON: {error}") from None
    return from_json(path, data, uid=uid, from_file=True)


def from_json(origin: str, data: object, folder: str | None = None, uid: str | None = None,
              from_file: bool = False) -> Imported:
    """Dashboard JSON, or the {"dashboard": ..., "meta": ...} envelope Grafana's API returns.
    A file's dashboard without a uid gets one made from the file's name (see _file_uid)."""
    data = _classic(origin, data)
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        meta = data.get("meta")
        folder = _folder_of(meta if isinstance(meta, dict) else {}) if folder is None else folder
        data = data["dashboard"]
    if not isinstance(data, dict) or not _looks_like_dashboard(data):
        raise ImportFailed(f"{origin}: not a Grafana dashboard (expected an object with a "
                           "title and panels)")
    warnings: list[str] = []
    if not str(data.get("title") or "").strip():
        raise ImportFailed(f"{origin}: the dashboard has no title")
    if uid is not None:
        data = {**data, "uid": uid}
    elif not data.get("uid") and from_file:
        chosen = _file_uid(origin, str(data["title"]))
        data = {**data, "uid": chosen}
        warnings.append(f"the file has no uid: the module declares uid '{chosen}', made from "
                        "the file's name (--set-uid UID chooses another); if Grafana already "
                        "holds it under a uid of its own, import it from there (--uid) instead, "
                        "or deploy makes a second copy")
    uid = data.get("uid")
    if not uid:
        raise ImportFailed(f"{origin}: the dashboard has no uid; give it one in Grafana (or in "
                           "the file, or with --set-uid) so deploys can find it again")
    if not isinstance(uid, str) or not UID_PATTERN.match(uid) or uid == "general":
        raise ImportFailed(f"{origin}: uid {uid!r} is invalid: use 1-40 characters of "
                           "A-Z a-z 0-9 _ -")
    # rows of spans (before Grafana 5) laid out on the grid, as Grafana does when it loads them
    # and panels without an id (or with another's) numbered, as Grafana numbers them
    return Imported(origin, with_panel_ids(upgrade_rows(data)), folder, warnings)


def _file_uid(path: str, title: str) -> str:
    """A uid for a file's dashboard that has none: its file name as a slug (`istio-mesh-
    dashboard` for istio-mesh-dashboard.json; the title's slug when the name has nothing
    usable), at most 40 characters. Grafana itself gives such a dashboard a random uid when
    it is saved or provisioned (generateNewDashboardUid; provisioning keeps it by the file's
    path), which no import can know: the file's name is what stays the same when the file is
    imported again, even after its title changed."""
    stem = os.path.basename(path)
    for suffix in (".json", ".gen"):
        stem = stem.removesuffix(suffix)
    for text in (stem, title):
        slug = re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-_")[:40].strip("-_")
        if slug and slug != "general":
            return slug
    return "dashboard"


def _classic(origin: str, data: object) -> object:
    """A Kubernetes-style resource of the dashboard API (`apiVersion: dashboard.grafana.app/
    v1beta1`, what Grafana 12's export "as a resource" writes) is its classic spec; schema v2
    (dynamic dashboards: `elements` and a `layout` tree instead of `panels`) is refused,
    naming what it holds that a classic dashboard cannot."""
    if not isinstance(data, dict):
        return data
    api_version = str(data.get("apiVersion") or "")
    found = data.get("spec")
    if api_version.startswith("dashboard.grafana.app/") and isinstance(found, dict):
        spec: dict = dict(found)
        if not is_v2_api_version(api_version):
            spec.setdefault("uid", (data.get("metadata") or {}).get("name"))
            return spec
        data = spec
    if "elements" in data and "layout" in data and "panels" not in data:
        lost = lost_structure(data)
        raise ImportFailed(
            f"{origin}: a dynamic dashboard (schema v2: `elements` and a `layout`"
            f"{', with ' + ', '.join(lost) if lost else ''}), which dashsmith declares only as "
            "a classic dashboard: export it from Grafana as classic JSON (Export → Export as "
            "JSON, 'Classic'), or import it with --uid, which reads Grafana's classic view of "
            "it and names what that view loses")
    return data


def _looks_like_dashboard(data: dict) -> bool:
    panels = data.get("panels", [])
    return "title" in data and isinstance(panels, list) and \
        ("panels" in data or "templating" in data or "schemaVersion" in data)


def _folder_of(meta: dict) -> str | None:
    title = meta.get("folderTitle")
    if not title or title == "General" and not meta.get("folderUid"):
        return None
    return str(title)
