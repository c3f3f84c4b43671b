"""How dashsmith marks what it owns in Grafana.

- MARKER_TAG: the tag on every dashboard dashsmith deployed. It is how deploy (and --prune)
  knows what it owns; a dashboard without it is never changed without --force, never deleted.
  `diff --live` compares the dashboards carrying it.
- deploy_message(hash, project) / recorded_deploy(message): the save message of each dashsmith
  write, "dashsmith deploy sha256:<hash> project:<project>", kept by Grafana in the dashboard's
  version history. The newest such message says what dashsmith last wrote and for which
  project (several projects may deploy to one Grafana; each owns only what it saved); if it
  is the newest version of all, nobody has saved the dashboard since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER_TAG = "managed-by:dashsmith"
_MESSAGE = "dashsmith deploy sha256:{} project:{}"
# Releases before projects wrote no " project:..." part.
_MESSAGE_PATTERN = re.compile(r"^dashsmith deploy sha256:([0-9a-f]{64})(?: project:(\S+))?$")


def with_marker(data: dict) -> dict:
    """The dashboard as dashsmith saves it: its tags plus MARKER_TAG."""
    tags = [tag for tag in data.get("tags") or [] if tag != MARKER_TAG]
    return {**data, "tags": tags + [MARKER_TAG]}


@dataclass(frozen=True)
class Recorded:
    """What a dashsmith save recorded in its message."""

    hash: str
    project: str | None  # None: saved by a release that did not record projects

    def claimed(self, project: str) -> Recorded:
        """Saved before projects were recorded, when every deploy to a Grafana was one
        project's: the deploying project's now."""
        return self if self.project else Recorded(self.hash, project)


def deploy_message(digest: str, project: str) -> str:
    return _MESSAGE.format(digest, project)


def recorded_deploy(message: str | None) -> Recorded | None:
    """What a dashsmith save message records; None for any other message."""
    found = _MESSAGE_PATTERN.match((message or "").strip())
    return Recorded(found.group(1), found.group(2)) if found else None


# --- another tool's objects -------------------------------------------------------------------
# On 12+ an object can be stamped as managed by a tool (pkg/apimachinery/utils/meta.go): it
# counts as managed only when grafana.app/managerId is set and not empty, the kind coming from
# grafana.app/managedBy (repo for Git Sync, terraform, kubectl, plugin, grafana,
# classic-file-provisioning, classic-api-provisioning; GetManagerProperties). dashsmith leaves
# such a dashboard alone, even with --force, as grafanactl skips objects others manage.
MANAGED_BY = "grafana.app/managedBy"
MANAGER_ID = "grafana.app/managerId"
MANAGER_ALLOWS_EDITS = "grafana.app/managerAllowsEdits"
# How dashsmith stamps its own objects on the /apis path: the kind a generic tool uses (as
# grafanactl does), its project as the identity.
DASHSMITH_MANAGER_KIND = "kubectl"


def manager_of(annotations: dict | None) -> tuple[str, str] | None:
    """(kind, identity) of the tool managing an object, from its annotations; None if none."""
    annotations = annotations or {}
    identity = str(annotations.get(MANAGER_ID) or "")
    if not identity:
        return None
    return str(annotations.get(MANAGED_BY) or "unknown"), identity


def foreign_manager(annotations: dict | None, project: str) -> str | None:
    """"terraform:tf-id" when a tool other than this dashsmith project manages the object."""
    manager = manager_of(annotations)
    if manager is None or manager == (DASHSMITH_MANAGER_KIND, project):
        return None
    return f"{manager[0]}:{manager[1]}"
