"""What Grafana holds now of each item a plan writes, read as the plan read it (live.py): the
check of a saved plan (deploy --plan FILE) against Grafana before anything is written, by
Plan.changed_since. Dashboards and folders are known by their version (on the /apis path, their
generation and resourceVersion, read through the API the plan was made on), the rest by the
hash of what Grafana answers."""

from __future__ import annotations

from dashsmith.commands.deploy import live
from dashsmith.commands.deploy.plan import (
    ABSENT,
    DASHBOARD,
    FOLDER,
    ITEM_KINDS,
    MUTE_TIMING,
    POLICY_TREE,
    Change,
    Plan,
    Seen,
)
from dashsmith.grafana import reads, workers
from dashsmith.grafana.apis import ApisClient, Target


def read(grafana, plan: Plan, *, concurrency: int) -> dict[tuple[str, str], Seen]:
    """(kind, key) → what Grafana holds now, for every change `plan` writes."""
    writes = plan.writes
    items = [c for c in writes if c.kind in ITEM_KINDS]
    found = workers.run_all_or_raise(lambda c: _item(grafana, c, plan.project, plan.target),
                                     items, concurrency)
    now = {(c.kind, c.key): seen for c, seen in zip(items, found, strict=True)}
    routing = [c for c in writes if c.kind not in ITEM_KINDS]
    if routing:
        have = live.read_routing(grafana)
        for change in routing:
            now[(change.kind, change.key)] = _hashed(
                have.policy_tree if change.kind == POLICY_TREE
                else (have.mute_timings if change.kind == MUTE_TIMING
                      else have.contact_points).get(change.key))
    return now


def _item(grafana, change: Change, project: str, target: Target | None = None) -> Seen:
    if target is not None and change.kind in (FOLDER, DASHBOARD):
        resource = target.dashboard_resource() if change.kind == DASHBOARD \
            else target.folder_resource()
        if resource is not None:
            return _object(ApisClient(grafana).get(resource, change.key))
    if change.kind == FOLDER:
        folder = live.read_folder(grafana, change.key)
        return ABSENT if folder is None else Seen(True, version=folder.version)
    if change.kind == DASHBOARD:
        newest = reads.newest_version(grafana, change.key)
        return ABSENT if newest is None else Seen(True, version=newest.get("version"))
    folder_uid, name = change.key.split("/", 1)
    group = live.read_group(grafana, folder_uid, name, project)
    return ABSENT if group is None else _hashed(group.content_hash)


def _object(found: dict | None) -> Seen:
    if found is None:
        return ABSENT
    metadata = found.get("metadata") or {}
    return Seen(True, version=metadata.get("generation"),
                resource_version=str(metadata.get("resourceVersion") or "") or None)


def _hashed(content_hash: str | None) -> Seen:
    return ABSENT if content_hash is None else Seen(True, hash=content_hash)
