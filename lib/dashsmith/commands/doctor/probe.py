"""`doctor --probe`: a scratch folder and a scratch dashboard in it, to see how this Grafana
answers what deploy relies on, then both deleted, whatever happened.

What it measures, each a behaviour that changed across releases (the shared notes on Grafana
12/13 give the evidence):
- the status of a stale legacy save (POST /api/dashboards/db with an old `version`, without
  `overwrite`): 412 up to 13.0, 409 from 13.1;
- whether saving identical content creates a version (11.x: every save does; 12+: the version is
  metadata.generation, which rises only when the content changes);
- search lag: how long the new dashboard takes to show in /api/search (12+ searches an
  eventually consistent index);
- on a server with the /apis path, the same through dashboard.grafana.app: a PUT with a stale
  metadata.resourceVersion (409 Conflict) and the generation after an identical PUT.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaException

from dashsmith.grafana import retry
from dashsmith.grafana.apis import ApisClient, ApisError, Resource
from dashsmith.grafana.connection import Connection, explain
from dashsmith.grafana.ownership import PROJECT_LABEL
from dashsmith.grafana.server import ServerInfo

PROBE_TAG = "dashsmith-doctor"
POLL_SECONDS = 0.1


REFUSED = "refused"  # Grafana refused a write for a permission (403; the message names it)
UNREACHABLE = "unreachable"  # no usable answer, even after retries
FAILED = "failed"  # anything else


class _Refused(Exception):
    pass


@dataclass
class ProbeResult:
    folder_uid: str
    dashboard_uid: str
    stale_save_status: int | None = None  # None: the stale save was accepted (!)
    stale_save_message: str = ""
    identical_save_new_version: bool | None = None
    versions: list[int] = field(default_factory=list)  # the versions the saves answered
    search_lag: float | None = None  # seconds; None: not seen within the wait
    search_wait: float = 0.0
    apis_stale_status: int | None = None
    apis_identical_keeps_generation: bool | None = None
    apis_first_put_migrated: bool | None = None  # the first PUT through /apis changed the spec
    # deploy's one LIST: does a labelSelector on a label of dashsmith's select (only) the
    # dashboard carrying it, and does a metadata-only LIST come back without the specs
    apis_label_selector: bool | None = None
    apis_metadata_only: bool | None = None
    deleted: list[str] = field(default_factory=list)  # "dashboard <uid>", "folder <uid>"
    cleanup_errors: list[str] = field(default_factory=list)
    failure: str = ""  # why the probe stopped early, secret-free ("" when it ran through)
    failure_kind: str = ""  # REFUSED, UNREACHABLE or FAILED

    def lines(self, info: ServerInfo) -> list[str]:
        if self.failure:
            return [f"probe stopped: {self.failure}", *self._cleanup_lines()]
        out = []
        expected = info.stale_save_status
        if self.stale_save_status is None:
            out.append("stale save: ACCEPTED — Grafana overwrote a dashboard with an old version "
                       "(deploy cannot detect concurrent edits on this server)")
        else:
            note = "" if expected in (None, self.stale_save_status) else (
                f" (Grafana {info.version} was expected to answer {expected})")
            out.append(f"stale save: {self.stale_save_status} {self.stale_save_message}{note}")
        if self.identical_save_new_version is not None:
            out.append("identical save: " + (
                "creates a new version (every save is a version)"
                if self.identical_save_new_version else
                "keeps the version (versions are generations: only a change makes one)"))
        if self.search_lag is None:
            out.append(f"search lag: the new dashboard was not in /api/search within "
                       f"{self.search_wait:g} s")
        else:
            out.append(f"search lag: the new dashboard was in /api/search after "
                       f"{self.search_lag:.1f} s")
        if self.apis_stale_status is not None or self.apis_identical_keeps_generation is not None:
            kept = {True: "keeps the generation", False: "raises the generation",
                    None: "not measured"}[self.apis_identical_keeps_generation]
            stale = (f"{self.apis_stale_status}" if self.apis_stale_status is not None
                     else "ACCEPTED")
            out.append(f"{info.dashboard_api}: stale resourceVersion: {stale}; "
                       f"identical PUT: {kept}")
            if self.apis_label_selector is not None:
                out.append(f"{info.dashboard_api}: LIST by label: " + (
                    "selects what carries the label (deploy's one LIST)"
                    if self.apis_label_selector else
                    "IGNORED the selector (deploy still checks each label; slower)"))
            if self.apis_metadata_only is not None:
                out.append(f"{info.dashboard_api}: metadata-only LIST: " + (
                    "answered (a no-op deploy reads no dashboard's content)"
                    if self.apis_metadata_only else
                    "not offered: whole objects (a no-op deploy reads every spec)"))
            if self.apis_first_put_migrated:
                out.append(f"{info.dashboard_api}: reading a legacy-saved dashboard through it "
                           "migrates the spec (a first PUT of what it read is a new version)")
        return out + self._cleanup_lines()

    def _cleanup_lines(self) -> list[str]:
        out = [f"cleaned up: deleted {' and '.join(self.deleted)}"] if self.deleted else []
        return out + [f"cleanup FAILED: {error}" for error in self.cleanup_errors]

    def as_json(self) -> dict[str, Any]:
        return {"folder_uid": self.folder_uid, "dashboard_uid": self.dashboard_uid,
                "stale_save_status": self.stale_save_status,
                "stale_save_message": self.stale_save_message,
                "identical_save_new_version": self.identical_save_new_version,
                "versions": self.versions, "search_lag_seconds": self.search_lag,
                "search_wait_seconds": self.search_wait,
                "apis_stale_status": self.apis_stale_status,
                "apis_identical_keeps_generation": self.apis_identical_keeps_generation,
                "apis_first_put_migrated": self.apis_first_put_migrated,
                "apis_label_selector": self.apis_label_selector,
                "apis_metadata_only": self.apis_metadata_only,
                "deleted": self.deleted, "cleaned_up": not self.cleanup_errors,
                "cleanup_errors": self.cleanup_errors,
                "failure": self.failure or None, "failure_kind": self.failure_kind or None}


def run(grafana: GrafanaApi, connection: Connection, info: ServerInfo, *,
        search_wait: float = 30.0, clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep) -> ProbeResult:
    """Create, measure, delete. A failure stops the measuring (result.failure says why, and
    whether a permission was refused or Grafana could not be reached); the cleanup runs
    whatever happened, even on Ctrl-C, and its own failures are in result.cleanup_errors."""
    token = secrets.token_hex(4)
    result = ProbeResult(folder_uid=f"dashsmith-doctor-{token}",
                         dashboard_uid=f"dashsmith-doctor-{token}-d", search_wait=search_wait)
    created: list[tuple[str, str]] = []  # (what, the path that deletes it), deletion order
    try:
        _write(connection, "create the scratch folder", lambda: grafana.client.POST(
            "/folders", json={"uid": result.folder_uid,
                              "title": f"dashsmith doctor probe {token}"}))
        created.append((f"folder {result.folder_uid}", f"/folders/{result.folder_uid}"))
        _measure(grafana, connection, info, result, token, created, clock, sleep)
    except _Refused as refused:
        result.failure, result.failure_kind = str(refused), REFUSED
    except Exception as error:  # noqa: BLE001 - reported as the probe's outcome
        result.failure = connection.redact(explain(error, connection))
        # what retries could not get past (no answer, 50x, 429) is Grafana being unavailable
        result.failure_kind = UNREACHABLE if retry.is_transient(error) else FAILED
    finally:
        _clean_up(grafana, created, connection, result)
    return result


def _measure(grafana: GrafanaApi, connection: Connection, info: ServerInfo,
             result: ProbeResult, token: str, created: list[tuple[str, str]],
             clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    uid = result.dashboard_uid
    dashboard: dict[str, Any] = {"uid": uid, "title": f"dashsmith doctor probe {token}",
                                 "tags": [PROBE_TAG], "panels": [], "schemaVersion": 39}

    def save(body: dict[str, Any], version: int | None) -> int:
        sent = {**body} if version is None else {**body, "version": version}
        answer = _write(connection, "save the scratch dashboard", lambda: grafana.client.POST(
            "/dashboards/db", json={"dashboard": sent, "folderUid": result.folder_uid,
                                    "overwrite": False, "message": "dashsmith doctor probe"}))
        saved = int(answer.get("version") or 0) if isinstance(answer, dict) else 0
        result.versions.append(saved)
        return saved

    first = save(dashboard, None)
    created.insert(0, (f"dashboard {uid}", f"/dashboards/uid/{uid}"))
    saved_at = clock()
    result.search_lag = _search_lag(grafana, uid, saved_at, result.search_wait, clock, sleep)
    again = save(dashboard, first)
    result.identical_save_new_version = again != first
    changed = {**dashboard, "description": "changed by dashsmith doctor"}
    save(changed, again)
    try:  # `again` is now one change behind
        save({**changed, "description": "stale"}, again)
        result.stale_save_status = None
    except GrafanaException as error:
        result.stale_save_status = error.status_code
        result.stale_save_message = _message(error)
    resource = info.dashboards()
    if resource is not None:
        _measure_apis(ApisClient(grafana), resource, uid, result)


def _measure_apis(apis: ApisClient, resource: Resource, uid: str, result: ProbeResult) -> None:
    read = apis.get(resource, uid)
    if read is None:
        return
    # The first PUT of what was read stores it as the API version read it: a body saved through
    # the legacy /api is stored unmigrated (v0alpha1), and reading it through v1 migrates it, so
    # that PUT can be a change. The second PUT is the identical one.
    first = apis.update(resource, read)
    result.apis_first_put_migrated = _generation(first) != _generation(read)
    same = apis.update(resource, first)
    result.apis_identical_keeps_generation = _generation(same) == _generation(first)
    spec = dict(same.get("spec") or {})
    apis.update(resource, {**same, "spec": {**spec, "description": "changed through /apis"}})
    try:  # `same` now carries a resourceVersion one write behind
        apis.update(resource, {**same, "spec": {**spec, "description": "stale"}})
    except ApisError as error:  # Conflict, expected
        result.apis_stale_status = error.status_code
    # deploy's LIST: a label only this scratch dashboard carries (a metadata-only write)
    current = apis.get(resource, uid) or {}
    metadata = dict(current.get("metadata") or {})
    metadata["labels"] = {**(metadata.get("labels") or {}), PROJECT_LABEL: uid}
    apis.update(resource, {**current, "metadata": metadata})
    found = apis.list(resource, label_selector=f"{PROJECT_LABEL}={uid}", metadata_only=True,
                      limit=5)
    result.apis_label_selector = [(i.get("metadata") or {}).get("name") for i in found] == [uid]
    result.apis_metadata_only = bool(found) and all("spec" not in i for i in found)


def _generation(obj: dict[str, Any]) -> Any:
    return (obj.get("metadata") or {}).get("generation")


def _search_lag(grafana: GrafanaApi, uid: str, since: float, wait: float,
                clock: Callable[[], float], sleep: Callable[[float], None]) -> float | None:
    """Seconds from the save until search lists the dashboard, or None past `wait`."""
    while True:
        hits = retry.call(lambda attempt: grafana.client.GET(
            "/search", params={"dashboardUIDs": uid, "type": "dash-db"}))
        if any(isinstance(hit, dict) and hit.get("uid") == uid for hit in hits or []):
            return max(clock() - since, 0.0)
        if clock() - since >= wait:
            return None
        sleep(POLL_SECONDS)


def _write(connection: Connection, doing: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except GrafanaException as error:
        if error.status_code == 403:
            raise _Refused(f"cannot {doing}: {explain(error, connection)}") from None
        raise


def _clean_up(grafana: GrafanaApi, created: list[tuple[str, str]], connection: Connection,
              result: ProbeResult) -> None:
    """Delete what the probe made (the dashboard, then its folder), each on its own: a failed
    deletion is recorded with what to delete by hand."""
    for what, path in created:
        try:
            retry.call(functools.partial(_delete, grafana, path))
        except GrafanaClientError as error:
            if error.status_code != 404:  # already gone is what the cleanup is for
                result.cleanup_errors.append(_undeleted(what, error, connection))
                continue
        except Exception as error:  # noqa: BLE001 - recorded and reported, never hidden
            result.cleanup_errors.append(_undeleted(what, error, connection))
            continue
        result.deleted.append(what)
    created.clear()


def _delete(grafana: GrafanaApi, path: str, attempt: int) -> Any:
    return grafana.client.DELETE(path)


def _undeleted(what: str, error: BaseException, connection: Connection) -> str:
    return connection.redact(f"{what} is still there ({explain(error, connection)}): delete it "
                             "by hand")


def _message(error: GrafanaException) -> str:
    body = error.response
    if isinstance(body, dict):
        return str(body.get("message") or body.get("status") or "")
    return str(body or "")[:200]
