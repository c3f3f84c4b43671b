"""The deploy plan (a pure function of desired and live state), normalization, retries and
connection options: the logic whose cases are subtle enough to pin one by one."""

from __future__ import annotations

import dataclasses

import click
import niquests
import pytest
from grafana_client.client import GrafanaClientError, GrafanaServerError, GrafanaTimeoutError
from hypothesis import given, strategies as st

from dashsmith.commands.deploy.alerting import DesiredGroup, group_hash, normalize_group
from dashsmith.commands.deploy.desired import Desired, DesiredDashboard, folder_tree
from dashsmith.commands.deploy.live import Live, LiveDashboard, LiveFolder, LiveGroup, iso_utc
from dashsmith.commands.deploy.plan import Action, PlanOptions, make_plan
from dashsmith.grafana import retry
from dashsmith.grafana.connection import Secret, connection_from
from dashsmith.grafana.content import content_hash, dashboard_hash, normalize_dashboard
from dashsmith.grafana.ownership import (
    MARKER_TAG,
    Recorded,
    deploy_message,
    recorded_deploy,
    with_marker,
)
from dashsmith.model.source import Source

HERE = Source("dashboards/x.py", 1)


def wanted(uid="d1", description="code", folder="f") -> DesiredDashboard:
    json = {"uid": uid, "title": uid.upper(), "description": description, "tags": ["a"]}
    return DesiredDashboard(uid, uid.upper(), folder, with_marker(json), dashboard_hash(json), HERE)


def hash_of(description: str, uid="d1") -> str:
    return wanted(uid, description).hash


PROJECT = "p"


def live_dashboard(uid="d1", *, content="code", recorded="code", managed=True, folder="f",
                   project=PROJECT) -> LiveDashboard:
    """`recorded`: the content dashsmith's last save had (None: none in the history), by
    `project`."""
    content_hash_ = hash_of(content, uid) if content else None
    recorded_hash_ = hash_of(recorded, uid) if recorded else None
    normalized = normalize_dashboard({"uid": uid, "title": uid.upper(), "description": content,
                                      "tags": ["a"]}) if content else None
    return LiveDashboard(uid, uid.upper(), folder, managed, version=7, recorded_hash=recorded_hash_,
                         recorded_project=project if recorded else None,
                         content_hash=content_hash_, normalized=normalized)


def plan_for(dashboards=(), live=(), **options):
    desired = Desired([], list(dashboards))
    state = Live(dashboards={d.uid: d for d in live})
    return make_plan(state, desired, PlanOptions(PROJECT, **options))


def only(plan):
    (change,) = plan.changes
    return change


# --- dashboards --------------------------------------------------------------------------------

def test_a_dashboard_missing_from_grafana_is_created():
    change = only(plan_for([wanted()]))
    assert (change.action, change.operation, change.version) == (Action.CREATE, "create", None)


def test_a_dashboard_as_dashsmith_left_it_is_unchanged():
    change = only(plan_for([wanted()], [live_dashboard()]))
    assert change.action is Action.UNCHANGED and not change.writes


def test_a_code_change_is_an_update_conditional_on_the_version_seen():
    change = only(plan_for([wanted(description="new")], [live_dashboard()]))
    assert (change.action, change.operation, change.version) == (Action.UPDATE, "update", 7)
    assert any(line.startswith('+  "description": "new"') for line in change.diff)


def test_an_edit_in_grafana_is_drift_and_blocked_unless_forced():
    edited = live_dashboard(content="ui", recorded="code")
    change = only(plan_for([wanted(description="new")], [edited]))
    assert change.action is Action.DRIFTED and change.blocked and not change.writes
    assert change.reason == "edited in Grafana since dashsmith deployed it"
    forced = only(plan_for([wanted(description="new")], [edited], force=True))
    assert forced.action is Action.DRIFTED and forced.writes and forced.version == 7


def test_an_edit_in_grafana_that_matches_the_code_is_unchanged():
    change = only(plan_for([wanted(description="new")],
                           [live_dashboard(content="new", recorded="code")]))
    assert change.action is Action.UNCHANGED


def test_a_save_without_content_change_since_dashsmith_is_not_drift():
    saved_again = live_dashboard(content="code", recorded="code")  # a save with no change
    change = only(plan_for([wanted(description="new")], [saved_again]))
    assert change.action is Action.UPDATE


def test_a_dashboard_dashsmith_never_deployed_is_not_taken_over():
    foreign = live_dashboard(content="theirs", recorded=None, managed=False)
    change = only(plan_for([wanted()], [foreign]))
    assert change.action is Action.DRIFTED and change.blocked
    assert "not deployed by dashsmith" in change.reason


def test_a_marker_without_any_dashsmith_version_is_drift():
    tagged = live_dashboard(content="theirs", recorded=None, managed=True)
    assert (only(plan_for([wanted()], [tagged])).reason
            == "no dashsmith deploy in its version history")


def test_same_content_without_the_marker_is_adopted_by_an_update():
    same = live_dashboard(content="code", recorded=None, managed=False)
    change = only(plan_for([wanted()], [same]))
    assert change.action is Action.UPDATE and "marker" in change.reason


def test_a_dashboard_moved_to_another_folder_is_moved_back():
    change = only(plan_for([wanted()], [live_dashboard(folder="elsewhere")]))
    assert change.action is Action.UPDATE and change.folder_uid == "f"
    assert "move from folder elsewhere to f" in change.reason


# --- prune ---------------------------------------------------------------------------------------

def test_without_prune_removed_dashboards_are_kept_and_listed():
    plan = plan_for([], [live_dashboard("old")])
    assert plan.changes == () and [c.key for c in plan.kept] == ["old"]


def test_prune_deletes_only_dashboards_with_the_marker():
    plan = plan_for([], [live_dashboard("old"), live_dashboard("theirs", managed=False)],
                    prune=True)
    assert [(c.key, c.action) for c in plan.changes] == [("old", Action.DELETE)]


def test_prune_never_deletes_another_projects_dashboards_even_forced():
    theirs = [live_dashboard("b1", project="q"), live_dashboard("b2", content="ui", project="q"),
              live_dashboard("copy", recorded=None)]  # a "Save As" copy keeps the marker tag
    plan = plan_for([], theirs, prune=True, force=True)
    assert plan.changes == () and plan.kept == ()


def test_another_projects_dashboard_in_the_code_is_not_taken_over_without_force():
    change = only(plan_for([wanted(description="new")], [live_dashboard(project="q")]))
    assert change.action is Action.DRIFTED and change.blocked
    assert change.reason == "deployed by dashsmith project 'q', not by this one ('p')"
    assert only(plan_for([wanted(description="new")], [live_dashboard(project="q")],
                         force=True)).writes


def test_prune_keeps_a_removed_dashboard_edited_in_grafana_unless_forced():
    edited = live_dashboard("old", content="ui", recorded="code")
    change = only(plan_for([], [edited], prune=True))
    assert change.action is Action.DRIFTED and change.operation == "delete" and change.blocked
    assert only(plan_for([], [edited], prune=True, force=True)).writes


# --- folders -------------------------------------------------------------------------------------

def test_a_drifted_dashboard_carries_who_edited_it_and_when_and_only_a_drifted_one():
    edited = dataclasses.replace(live_dashboard(content="ui edit"), edited_by="dana",
                                 edited_at="2026-12-07T17:23:33Z")
    quiet = dataclasses.replace(live_dashboard("d2"), edited_by="deployer",
                                edited_at="2026-12-01T00:00:00Z")
    plan = plan_for([wanted(), wanted("d2")], [edited, quiet])
    drifted, unchanged = plan.of("dashboard")
    assert drifted.action is Action.DRIFTED and unchanged.action is Action.UNCHANGED
    assert (drifted.edited_by, drifted.edited_at) == ("dana", "2026-12-07T17:23:33Z")
    assert (unchanged.edited_by, unchanged.edited_at) == (None, None)
    as_json = drifted.as_json()
    assert (as_json["edited_by"], as_json["edited_at"]) == ("dana", "2026-12-07T17:23:33Z")


def test_grafana_times_become_iso_8601_utc():
    assert iso_utc("2026-12-07T19:23:33+02:00") == "2026-12-07T17:23:33Z"
    assert iso_utc("2026-12-07T17:23:33Z") == "2026-12-07T17:23:33Z"
    assert iso_utc("2026-12-07T17:23:33.123456Z") == "2026-12-07T17:23:33Z"
    assert iso_utc("yesterday") is None and iso_utc(None) is None


def test_on_the_apis_path_an_unlabelled_or_restamped_dashboard_is_an_update():
    unlabelled = dataclasses.replace(live_dashboard(), labelled=False)
    stamped = dataclasses.replace(live_dashboard("d2"), labelled=True, ui_edits="allow")
    plan = plan_for([wanted(), wanted("d2")], [unlabelled, stamped], ui_edits="block")
    label, stamp = plan.of("dashboard")
    assert (label.action, stamp.action) == (Action.UPDATE, Action.UPDATE)
    assert label.reason.startswith("record ownership in the label dashsmith.dev/project=p")
    assert stamp.reason == "ui_edits = block: make it read-only in Grafana's UI"
    same = plan_for([wanted("d2")], [stamped], ui_edits="allow")
    assert same.of("dashboard")[0].action is Action.UNCHANGED


def test_folder_tree_lists_parents_before_children_once():
    tree = folder_tree(["A/B/C", "A/B", "A/D", "E"])
    assert [f.path for f in tree] == ["A", "E", "A/B", "A/D", "A/B/C"]
    assert {f.path: f.parent_uid for f in tree}["A/B/C"] == "a-b"


def test_folders_are_created_respelled_or_left_alone():
    desired = Desired(folder_tree(["A/Big Data", "C"]), [])
    live = Live(folders={"a": LiveFolder("a", "A", None, 1),
                         "a-big-data": LiveFolder("a-big-data", "big  data", "a", 3)})
    changes = {c.key: c for c in make_plan(live, desired, PlanOptions(PROJECT)).changes}
    assert changes["a"].action is Action.UNCHANGED
    assert changes["c"].action is Action.CREATE
    respelled = changes["a-big-data"]  # the same uid from the code's new spelling
    assert respelled.action is Action.UPDATE and respelled.version == 3
    assert respelled.reason == "title 'big  data' → 'Big Data'"


@pytest.mark.parametrize("title, parent", [("Team X (do not touch)", "a"), ("Big Data", None)])
def test_a_folder_renamed_or_moved_in_grafana_is_drift(title, parent):
    desired = Desired(folder_tree(["A/Big Data"]), [])
    live = Live(folders={"a": LiveFolder("a", "A", None, 1),
                         "a-big-data": LiveFolder("a-big-data", title, parent, 3)})
    change = make_plan(live, desired, PlanOptions(PROJECT)).changes[1]
    assert change.action is Action.DRIFTED and change.blocked
    assert change.reason.startswith("renamed or moved in Grafana (")
    forced = make_plan(live, desired, PlanOptions(PROJECT, force=True)).changes[1]
    assert forced.writes and forced.version == 3


# --- rule groups ---------------------------------------------------------------------------------

def group(name="g", expr="up == 0", editable=False) -> DesiredGroup:
    body = {"title": name, "folderUid": "alerts", "interval": 60, "rules": [
        {"uid": f"{name}-r", "title": "R", "ruleGroup": name, "folderUID": "alerts",
         "condition": "threshold", "data": [{"refId": "query", "datasourceUid": "p",
                                             "model": {"expr": expr}}],
         "noDataState": "OK", "execErrState": "Error", "for": "5m", "labels": {},
         "annotations": {}, "isPaused": False}]}
    return DesiredGroup("alerts", name, body, group_hash(body, editable), HERE, editable)


def live_group(want: DesiredGroup, *, content=None, recorded=None, project=PROJECT,
               editable=False) -> LiveGroup:
    """As deployed (`recorded`: False for never) in provenance "api" (or none: `editable`)."""
    deployed = group_hash(want.body, editable)
    content = content or deployed
    return LiveGroup("alerts", want.name, recorded is not False,
                     None if recorded is False else recorded or deployed,
                     None if recorded is False else project, content,
                     normalize_group(want.body))


def plan_groups(desired=(), live=(), **options):
    return make_plan(Live(groups={g.key: g for g in live}), Desired([], [], list(desired)),
                     PlanOptions(PROJECT, **options))


def test_rule_groups_follow_the_same_rules_as_dashboards():
    want = group()
    assert only(plan_groups([want])).action is Action.CREATE
    same = live_group(want)
    assert only(plan_groups([want], [same])).action is Action.UNCHANGED
    changed = group(expr="up == 1")
    assert only(plan_groups([changed], [same])).action is Action.UPDATE
    edited = live_group(want, content="x" * 64)
    assert only(plan_groups([changed], [edited])).action is Action.DRIFTED


def test_making_api_provisioned_rules_editable_is_one_update_of_every_rule():
    """Grafana writes only the rules a PUT changes: the hash (in every rule's annotation) covers
    the provenance, so switching it changes them all, in one PUT and without a delete."""
    want = group(editable=True)
    change = only(plan_groups([want], [live_group(want, editable=False)]))
    assert (change.action, change.operation) == (Action.UPDATE, "update")
    assert change.reason == "make editable in the UI (provenance none)"
    assert want.hash != group(editable=False).hash
    locked = only(plan_groups([group()], [live_group(want, editable=True)]))
    assert locked.reason == "lock against edits in the UI (provenance api)"


def test_another_projects_rule_group_is_neither_taken_over_nor_pruned():
    want, theirs = group("g"), group("other")
    live = [live_group(want, content="x" * 64, recorded="x" * 64, project="q"),
            live_group(theirs, project="q")]
    plan = plan_groups([group("g", expr="up == 1")], live, prune=True)
    (change,) = plan.changes
    assert change.action is Action.DRIFTED and change.blocked
    assert change.reason == "deployed by dashsmith project 'q', not by this one ('p')"


def test_grafana_query_defaults_and_for_spelling_do_not_count_as_changes():
    want = group()
    stored = {**want.body, "rules": [{**want.body["rules"][0], "for": "300s", "id": 4,
                                      "provenance": "api", "updated": "2024-01-01T00:00:00Z",
                                      "data": [{**want.body["rules"][0]["data"][0],
                                                "model": {"expr": "up == 0", "intervalMs": 1000,
                                                          "maxDataPoints": 43200}}]}]}
    assert group_hash(stored, False) == want.hash


# --- normalization and markers --------------------------------------------------------------------

def test_normalize_strips_what_grafana_adds_and_the_marker():
    stored = {"id": 12, "uid": "u", "version": 5, "title": " T ", "tags": ["x", MARKER_TAG],
              "panels": [{"gridPos": {"h": 8.0, "w": 12}, "fillOpacity": 0.5}]}
    assert normalize_dashboard(stored) == {"uid": "u", "title": "T", "tags": ["x"],
                                           "panels": [{"gridPos": {"h": 8, "w": 12},
                                                       "fillOpacity": 0.5}]}


def test_the_hash_reads_whole_number_floats_as_grafana_returns_them():
    built = {"id": None, "version": 0, "title": "T", "tags": [], "w": 8.0, "o": [0.5, -2.0, -0.0],
             "s": "Panel 1.0", "n": {"x": 10.0}}
    stored = {"id": 3, "version": 4, "title": "T", "tags": [MARKER_TAG], "w": 8, "o": [0.5, -2, 0],
              "s": "Panel 1.0", "n": {"x": 10}}
    assert (dashboard_hash(built) == dashboard_hash(stored)
            == content_hash(normalize_dashboard(built)))
    assert dashboard_hash({**built, "w": 8.5}) != dashboard_hash(built)
    assert dashboard_hash({**built, "s": "Panel 1"}) != dashboard_hash(built)


def test_deploy_message_round_trips_and_other_messages_do_not_match():
    digest = "a" * 64
    assert recorded_deploy(deploy_message(digest, "trading")) == Recorded(digest, "trading")
    legacy = recorded_deploy(f"dashsmith deploy sha256:{digest}")  # before projects
    assert legacy == Recorded(digest, None) and legacy.claimed("p") == Recorded(digest, "p")
    assert recorded_deploy("Restored from version 3") is None
    assert recorded_deploy(None) is None


# --- retries -------------------------------------------------------------------------------------

def test_transient_failures_are_retried_with_growing_jittered_waits():
    failures = [GrafanaServerError(503, {}, "x"), GrafanaTimeoutError(0, None, "t"),
                niquests.exceptions.ConnectionError("refused")]
    waits = []

    def flaky(attempt):
        if failures:
            raise failures.pop(0)
        return attempt

    assert retry.call(flaky, retry.Policy(attempts=5, base=1.0, cap=10), sleep=waits.append) == 4
    assert len(waits) == 3 and all(0 <= w <= 2 ** i for i, w in enumerate(waits))


def test_client_errors_and_exhausted_attempts_are_raised():
    def refused(attempt):
        raise GrafanaClientError(412, {}, "version-mismatch")

    with pytest.raises(GrafanaClientError):
        retry.call(refused, sleep=lambda s: None)
    calls = []

    def down(attempt):
        calls.append(attempt)
        raise GrafanaServerError(502, {}, "bad gateway")

    with pytest.raises(GrafanaServerError):
        retry.call(down, retry.Policy(attempts=3), sleep=lambda s: None)
    assert calls == [1, 2, 3]


def test_retry_after_is_used_up_to_the_cap():
    policy = retry.Policy(cap=5)
    assert policy.delay(1, 2.0) == 2.0 and policy.delay(1, 60.0) == 5


# --- connection options ---------------------------------------------------------------------------

def test_credentials_come_from_the_token_then_the_user_then_the_url():
    token = connection_from("https://g.example/",
                            environ={"GRAFANA_TOKEN": "glsa_x", "GRAFANA_USER": "u"})
    assert token.token.reveal() == "glsa_x" and token.user is None
    user = connection_from("https://g.example",
                           environ={"GRAFANA_USER": "u", "GRAFANA_PASSWORD": "p"})
    assert (user.user, user.password.reveal()) == ("u", "p")
    in_url = connection_from("http://admin:s%40cret@g.example:3000/grafana/", environ={})
    assert (in_url.user, in_url.password.reveal()) == ("admin", "s@cret")
    assert in_url.url == "http://g.example:3000/grafana"  # shown without the password
    assert connection_from(None, environ={"GRAFANA_TOKEN": "t"}) is None


def test_secrets_never_print():
    connection = connection_from("https://g.example", environ={"GRAFANA_TOKEN": "glsa_topsecret"})
    assert "topsecret" not in repr(connection) + str(connection) + repr(connection.auth)
    assert str(Secret("x")) == "Secret('***')"
    assert connection.redact("Bearer glsa_topsecret failed") == "Bearer *** failed"


def test_bad_urls_and_tls_options_are_usage_errors(tmp_path):
    with pytest.raises(click.UsageError, match="must look like"):
        connection_from("grafana:3000", environ={})
    with pytest.raises(click.UsageError, match="no such file"):
        connection_from("https://g.example", ca_cert=str(tmp_path / "missing.pem"), environ={})


# --- the safety promises, for any state ----------------------------------------------------------

VERSIONS = ("code", "old", "ui")


@st.composite
def states(draw):
    uids = [f"d{i}" for i in range(draw(st.integers(1, 5)))]
    wanted_uids = draw(st.lists(st.sampled_from(uids), unique=True))
    live = []
    for uid in draw(st.lists(st.sampled_from(uids), unique=True)):
        content = draw(st.sampled_from(VERSIONS))
        recorded = draw(st.sampled_from((None, "code", "old")))
        live.append(live_dashboard(uid, content=content, recorded=recorded,
                                   managed=draw(st.booleans()),
                                   folder=draw(st.sampled_from(("f", "g"))),
                                   project=draw(st.sampled_from((PROJECT, "q")))))
    return [wanted(uid) for uid in wanted_uids], live, draw(st.booleans()), draw(st.booleans())


@given(states())
def test_deploy_never_overwrites_an_edit_or_deletes_what_it_does_not_own(state):
    dashboards, live, prune, force = state
    plan = plan_for(dashboards, live, prune=prune, force=force)
    have = {d.uid: d for d in live}
    want = {d.uid: d for d in dashboards}
    for change in plan.writes:
        current = have.get(change.key)
        if change.operation == "delete":
            assert change.key not in want and current.managed and prune
            assert current.recorded_project == PROJECT  # only its own, even with --force
            assert force or current.content_hash == current.recorded_hash
        elif current is not None:
            edited = current.content_hash != current.recorded_hash
            if current.content_hash != want[change.key].hash:
                assert force or (current.managed and not edited
                                 and current.recorded_project == PROJECT)
    for uid, current in have.items():
        if uid in want and current.managed and current.folder_uid == "f" \
                and current.content_hash == want[uid].hash:
            assert all(c.key != uid for c in plan.writes)  # unchanged is never rewritten
