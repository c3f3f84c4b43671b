"""A deploy plan as a value and as a file (deploy --plan-out / --plan): what it records, the
checks it makes of itself, and that a saved plan reads back as exactly the plan that was saved.
The command line around it is in test_deploy.py ("saved plans")."""

from __future__ import annotations

import dataclasses
import json

import pytest

from dashsmith.commands.deploy import notifications, plan_file
from dashsmith.commands.deploy.plan import (
    ABSENT,
    CONTACT_POINT,
    DASHBOARD,
    FOLDER,
    POLICY_TREE,
    RULE_GROUP,
    Action,
    Change,
    Plan,
    PlanOptions,
    Seen,
)
from dashsmith.compiler.project import Project
from dashsmith.grafana.apis import Target
from support import REPO

OPTIONS = PlanOptions("trading", "https://grafana.example.com", None, prune=True)
SECRET = "${secret:env:SLACK_WEBHOOK_URL}"


def a_plan(**options) -> Plan:
    """One change of each sort of precondition: absent, a version, a content hash."""
    changes = (
        Change(FOLDER, "ops", "Ops", Action.CREATE, "new", "create",
               payload={"uid": "ops", "title": "Ops", "parentUid": None}),
        Change(DASHBOARD, "db", "Database", Action.UPDATE, "changed in code", "update",
               seen=Seen(True, version=7), owner="trading", folder_uid="ops",
               payload={"uid": "db", "title": "Database", "panels": [{"w": 0.5}]}, hash="a" * 64,
               diff=("--- grafana", "+++ code"), source="dashboards/db.py:3"),
        Change(RULE_GROUP, "alerts/node", "node", Action.DELETE, "no longer in code", "delete",
               seen=Seen(True, hash="b" * 64), owner="trading", folder_uid="alerts"),
        Change(CONTACT_POINT, "dashsmith-ops-slack-0", "ops", Action.UPDATE, "written", "update",
               seen=Seen(True, hash="c" * 64),
               payload={"uid": "dashsmith-ops-slack-0", "settings": {"url": SECRET}}),
        Change(POLICY_TREE, "root", "notification policy tree", Action.UPDATE, "written",
               "update", seen=Seen(True, hash="d" * 64), payload={"receiver": "ops"}),
    )
    kept = (Change(DASHBOARD, "old", "Old", Action.DELETE, "no longer in code", "delete",
                   seen=Seen(True, version=2), owner="trading"),)
    return Plan(changes, dataclasses.replace(OPTIONS, **options), kept, "e" * 64,
                ("1 inhibition rule(s): not in Grafana",))


def saved(plan: Plan, tmp_path) -> str:
    path = str(tmp_path / "plan.json")
    plan_file.save(plan, path)
    return path


def load(path: str, **made_for):
    return plan_file.load(path, **{"project": "trading", "grafana": OPTIONS.grafana,
                                   "org_id": None, **made_for})


def test_a_saved_plan_reads_back_as_exactly_the_plan(tmp_path):
    plan = a_plan()
    assert load(saved(plan, tmp_path)) == plan
    assert plan_file.dumps(plan) == plan_file.dumps(a_plan())  # deterministic


def test_a_plan_made_on_the_apis_path_with_force_v2_reads_back_as_made(tmp_path):
    """--force --force-v2 UID and the /apis target are part of the plan: --plan applies it
    through the same API, with the same confirmation."""
    plan = dataclasses.replace(
        a_plan(force=True, force_v2=("db",), ui_edits="block"),
        target=Target("default", "v1", "v1", "v2"))
    plan = dataclasses.replace(plan, changes=tuple(
        dataclasses.replace(c, seen=Seen(True, version=7, resource_version="1796")) if
        c.key == "db" else c for c in plan.changes))
    loaded = load(saved(plan, tmp_path))
    assert loaded == plan
    assert loaded.options.force_v2 == ("db",) and loaded.target == Target("default", "v1", "v1",
                                                                           "v2")


def test_the_file_holds_every_precondition_and_what_the_plan_was_made_for(tmp_path):
    data = json.loads(plan_file.dumps(a_plan()))
    assert (data["project"], data["grafana"], data["desired_hash"]) == (
        "trading", "https://grafana.example.com", "e" * 64)
    seen = {c["key"]: c["seen"] for c in data["changes"]}
    assert seen["ops"] == {"exists": False, "version": None, "hash": None,
                           "resource_version": None}
    assert seen["db"]["version"] == 7 and seen["alerts/node"]["hash"] == "b" * 64
    assert data["options"] == {"force": False, "prune": True, "disable_provenance": False,
                               "force_v2": [], "ui_edits": "allow"}
    assert data["target"] is None  # made on the legacy /api
    assert data["checksum"].startswith("sha256:")


def test_a_plan_file_for_another_project_or_grafana_or_changed_since_is_refused(tmp_path):
    path = saved(a_plan(), tmp_path)
    with pytest.raises(plan_file.PlanFileError, match=r"a plan of project 'trading', not of "
                                                      r"this one \('team-b'\)"):
        load(path, project="team-b")
    with pytest.raises(plan_file.PlanFileError, match="not for https://grafana.example.com "
                                                      r"\(organisation 2\)"):
        load(path, org_id=2)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace('"version": 7', '"version": 8'))
    with pytest.raises(plan_file.PlanFileError, match=f"^{path}: the plan was changed since "
                                                      "dashsmith wrote it"):
        load(path)


def test_max_deletes_and_prune_only_this_projects_are_checks_of_the_plan():
    plan = a_plan()  # deletes one rule group, keeps a dashboard
    assert plan.refusals(max_deletes=1) == []
    assert plan.refusals(max_deletes=0) == [
        "the plan deletes 1 item(s), more than --max-deletes 0"]
    foreign = Change(DASHBOARD, "theirs", "Theirs", Action.DELETE, "no longer in code",
                     "delete", seen=Seen(True, version=1), owner="team-b")
    with_foreign = Plan((foreign,), OPTIONS)
    assert with_foreign.refusals(max_deletes=5) == [
        "the plan deletes dashboard theirs, which this project ('trading') did not deploy"]


def test_drift_without_force_is_left_alone():
    drifted = Change(DASHBOARD, "db", "Database", Action.DRIFTED, "edited in Grafana",
                     "update", blocked=True, seen=Seen(True, version=3))
    plan = Plan((drifted,), OPTIONS)
    assert plan.left_alone == [drifted] and plan.writes == []


def test_changed_since_names_each_written_item_grafana_no_longer_holds_as_planned():
    plan = a_plan()
    as_planned = {(c.kind, c.key): c.seen for c in plan.writes}
    assert plan.changed_since(as_planned) == []
    now = {**as_planned, (DASHBOARD, "db"): Seen(True, version=8),
           (FOLDER, "ops"): Seen(True, version=1), (RULE_GROUP, "alerts/node"): ABSENT}
    assert plan.changed_since(now) == [
        "folder ops: absent when planned, version 1 now",
        "dashboard db: version 7 when planned, version 8 now",
        f"rule-group alerts/node: content {'b' * 12} when planned, absent now"]


def test_contact_points_hold_placeholders_not_secrets():
    routing = Project(REPO).estate.routing
    environ = {s.env: f"secret-{s.env.lower()}" for s in routing.secrets() if s.env}
    desired, secrets = notifications.desired_routing(routing, environ)
    sealed = json.dumps(desired.contact_points)
    assert not [value for value in environ.values() if value in sealed]
    assert "${secret:env:" in sealed
    assert notifications.secret_values(desired.contact_points, environ) == secrets
    revealed = json.dumps([notifications.revealed(p, secrets) for p in desired.contact_points])
    assert "${secret:" not in revealed
    with pytest.raises(notifications.RoutingUnavailable, match="environment variables not set"):
        notifications.secret_values(desired.contact_points, {})
