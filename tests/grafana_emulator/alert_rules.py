"""/api/v1/provisioning alert-rules and rule-groups endpoints (Grafana 11.3).

Provenance: the X-Disable-Provenance header (any value) writes provenance ""
("none", omitted from answers, editable in the UI); without it "api".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .alert_rule_model import (
    RuleInput,
    echo_json,
    parse_rule,
    stored_queries,
    to_json,
    validate_interval,
    validate_new_uid,
    validate_rule,
)
from .errors import ApiError, bad_request_data, empty_error, plain_error, structured_error
from .http_types import Request, Response, json_response
from .store import AlertRuleRecord, Store
from .values import generate_short_uid, now_timestamp

DISABLE_PROVENANCE_HEADER = "X-Disable-Provenance"
API = "api"
NONE = ""


def request_provenance(request: Request) -> str:
    return NONE if request.has_header(DISABLE_PROVENANCE_HEADER) else API


# --- single rules --------------------------------------------------------------

def list_rules(store: Store, request: Request) -> Response:
    rules = sorted(store.alert_rules.values(), key=lambda r: r.id)
    return json_response(200, [to_json(r) for r in rules])


def get_rule(store: Store, request: Request) -> Response:
    record = store.alert_rules.get(request.params["uid"])
    if record is None:
        raise empty_error(404)
    return json_response(200, to_json(record))


def post_rule(store: Store, request: Request) -> Response:
    rule = parse_rule(request.json_object())
    return json_response(201, to_json(create_rule(store, rule, request_provenance(request))))


def create_rule(store: Store, rule: RuleInput, provenance: str) -> AlertRuleRecord:
    if rule.uid:
        validate_new_uid(rule.uid)
        if rule.uid in store.alert_rules:
            raise plain_error(400, "invalid alert rule: a rule with UID "
                              f"'{rule.uid}' already exists", traced=True)
    interval = _interval_for(store, rule)
    validate_rule(store, rule, interval)
    record = _new_record(store, rule, interval, provenance, group_index=_next_index(store, rule))
    store.alert_rules[record.uid] = record
    return record


def _next_index(store: Store, rule: RuleInput) -> int:
    return len(store.rules_in_group(rule.folder_uid, rule.rule_group)) + 1


def _interval_for(store: Store, rule: RuleInput) -> int:
    """A rule joins its group's interval; a new group gets the default one."""
    existing = store.group_interval(rule.folder_uid, rule.rule_group)
    return existing if existing is not None else store.settings.default_group_interval


def _new_record(store: Store, rule: RuleInput, interval: int, provenance: str,
                group_index: int) -> AlertRuleRecord:
    return _versioned(store, _build_record(rule, interval, provenance, group_index,
                                           store.next_rule_id()))


def _versioned(store: Store, record: AlertRuleRecord) -> AlertRuleRecord:
    """Drop the fields the emulated release does not have (behaviour.rule_keep_firing_for)."""
    if not store.behaviour.rule_keep_firing_for:
        record.keep_firing_for_millis = None
        record.missing_series_evals_to_resolve = None
    return record


def _build_record(rule: RuleInput, interval: int, provenance: str, group_index: int,
                  record_id: int, version: int = 1) -> AlertRuleRecord:
    return AlertRuleRecord(
        id=record_id, version=version, uid=rule.uid or generate_short_uid(),
        folder_uid=rule.folder_uid, rule_group=rule.rule_group, group_index=group_index,
        interval_seconds=interval, title=rule.title, condition=rule.condition,
        data=stored_queries(rule), no_data_state=rule.no_data_state,
        exec_err_state=rule.exec_err_state, for_millis=rule.for_millis, labels=rule.labels,
        annotations=rule.annotations, is_paused=rule.is_paused,
        notification_settings=rule.notification_settings, updated=now_timestamp(),
        provenance=provenance, keep_firing_for_millis=rule.keep_firing_for_millis,
        missing_series_evals_to_resolve=rule.missing_series_evals_to_resolve)


def put_rule(store: Store, request: Request) -> Response:
    rule = parse_rule(request.json_object())
    existing = store.alert_rules.get(request.params["uid"])
    if existing is None:
        raise empty_error(404)
    provenance = request_provenance(request)
    if existing.provenance not in (provenance, NONE):
        if store.behaviour.rule_provenance_conflict_409:
            raise provenance_mismatch("update", provenance, existing.provenance)
        raise plain_error(500, f"cannot change provenance from '{existing.provenance}' to "
                               f"'{provenance}'", traced=True)
    same_group = (rule.folder_uid, rule.rule_group) == (existing.folder_uid, existing.rule_group)
    interval = existing.interval_seconds if same_group else _interval_for(store, rule)
    validate_rule(store, rule, interval)
    index = existing.group_index if same_group else _next_index(store, rule)
    updated = _versioned(store, _updated_record(existing, rule, interval, provenance, index))
    store.alert_rules[updated.uid] = updated
    return json_response(200, to_json(updated))


def _updated_record(existing: AlertRuleRecord, rule: RuleInput, interval: int,
                    provenance: str, group_index: int) -> AlertRuleRecord:
    return _build_record(dataclasses.replace(rule, uid=existing.uid), interval, provenance,
                         group_index, existing.id, existing.version + 1)


def delete_rule(store: Store, request: Request) -> Response:
    """204 also for an unknown uid; 409 when the rule has another provenance."""
    existing = store.alert_rules.get(request.params["uid"])
    if existing is not None:
        _check_delete_provenance(existing, request_provenance(request))
        del store.alert_rules[existing.uid]
    return Response(204, None)


def _check_delete_provenance(record: AlertRuleRecord, provenance: str) -> None:
    if record.provenance not in (provenance, NONE):
        raise provenance_mismatch("delete", provenance, record.provenance)


def provenance_mismatch(operation: str, provided: str, stored: str) -> ApiError:
    """errProvenanceMismatch (pkg/services/ngalert/provisioning/alert_rules.go): 409
    alerting.provenanceMismatch "cannot <op> with provided provenance '<p>', needs '<s>'"."""
    return structured_error(409, "alerting.provenanceMismatch",
                            f"cannot {operation} with provided provenance '{provided}', "
                            f"needs '{stored}'")


# --- rule groups -----------------------------------------------------------------

def get_group(store: Store, request: Request) -> Response:
    folder_uid, group = request.params["folder"], request.params["group"]
    rules = store.rules_in_group(folder_uid, group)
    if not rules:
        raise _group_not_found()
    return json_response(200, {"title": group, "folderUid": folder_uid,
                               "interval": rules[0].interval_seconds,
                               "rules": [to_json(r) for r in rules]})


def _group_not_found() -> ApiError:
    """models.ErrAlertRuleGroupNotFound is errutil.NotFound("alerting.alert-rule.notFound") with
    no public message, raised by AlertRuleService.GetRuleGroup / DeleteRuleGroup; the handlers
    answer it through response.ErrOrFallback, i.e. its Public() form, whose message then is the
    status text "Not found" (errutil Error.Public)."""
    return structured_error(404, "alerting.alert-rule.notFound", "Not found")


def put_group(store: Store, request: Request) -> Response:
    """REPLACES the group: rules left out are deleted, order sets the index.
    Answers 200 echoing the request (not the stored, normalised rules)."""
    folder_uid, group = request.params["folder"], request.params["group"]
    body = request.json_object()
    interval = body.get("interval", 0)
    rules_json = body.get("rules") or []
    if not isinstance(interval, int) or isinstance(interval, bool) \
            or not isinstance(rules_json, list):
        raise bad_request_data()
    rules = [parse_rule(r) for r in rules_json]
    validate_interval(interval, store.settings.alerting_base_interval)
    provenance = request_provenance(request)
    replacement = _group_replacement(store, folder_uid, group, interval, rules, provenance)
    _apply_replacement(store, folder_uid, group, replacement)
    keep_firing = store.behaviour.rule_keep_firing_for
    echo = {"title": group, "folderUid": folder_uid, "interval": interval,
            "rules": [echo_json(r, keep_firing=keep_firing) for r in rules]}
    return json_response(200, echo)


def _group_replacement(store: Store, folder_uid: str, group: str, interval: int,
                       rules: list[RuleInput], provenance: str) -> list[AlertRuleRecord]:
    """The group's new records, validated, before anything is written."""
    replacement = []
    for index, rule in enumerate(rules, start=1):
        rule = dataclasses.replace(rule, folder_uid=folder_uid, rule_group=group)
        existing = store.alert_rules.get(rule.uid) if rule.uid else None
        if existing is None and rule.uid:
            validate_new_uid(rule.uid)
        validate_rule(store, rule, interval)
        if existing is None:
            replacement.append(_new_record(store, rule, interval, provenance, index))
            continue
        _check_group_provenance(store, existing, provenance, "update")
        replacement.append(_updated_or_same(store, existing, rule, interval, provenance, index))
    kept = {r.uid for r in replacement}
    for stale in store.rules_in_group(folder_uid, group):
        if stale.uid not in kept:
            _check_group_provenance(store, stale, provenance, "delete")
    return replacement


def _updated_or_same(store: Store, existing: AlertRuleRecord, rule: RuleInput, interval: int,
                     provenance: str, index: int) -> AlertRuleRecord:
    """Grafana only writes the rules of a group that actually changed, and the provenance of a
    request only lands on those: an unchanged rule keeps its own (ngalert's ReplaceRuleGroup
    computes the delta without provenance, returns early when it is empty, and persists
    provenance for the rules it updates or inserts)."""
    candidate = _versioned(store, _updated_record(existing, rule, interval, provenance, index))
    unchanged = dataclasses.replace(candidate, updated=existing.updated, version=existing.version,
                                    provenance=existing.provenance)
    return existing if unchanged == existing else candidate


def _check_group_provenance(store: Store, record: AlertRuleRecord, provenance: str,
                            action: str) -> None:
    """Rule groups also allow moving from "api" to none. A refusal is 11.x's 500, and 12.4+'s
    409 errProvenanceMismatch (that the group path uses it too is a guess)."""
    stored = record.provenance
    if stored in (provenance, NONE) or (stored == API and provenance == NONE):
        return
    if store.behaviour.rule_provenance_conflict_409:
        raise provenance_mismatch(action, provenance, stored)
    raise plain_error(500, f"cannot {action} with provided provenance '{provenance}', "
                           f"needs '{stored}'", traced=True)


def _apply_replacement(store: Store, folder_uid: str, group: str,
                       replacement: list[AlertRuleRecord]) -> None:
    for stale in store.rules_in_group(folder_uid, group):
        del store.alert_rules[stale.uid]
    for record in replacement:
        store.alert_rules[record.uid] = record


def delete_group(store: Store, request: Request) -> Response:
    rules = store.rules_in_group(request.params["folder"], request.params["group"])
    if not rules:
        raise _group_not_found()
    provenance = request_provenance(request)
    for rule in rules:  # as for a PUT of the group: "api" may also be deleted without provenance
        _check_group_provenance(store, rule, provenance, "delete")
    for rule in rules:
        del store.alert_rules[rule.uid]
    return Response(204, None)


def seed_rule(store: Store, body: dict[str, Any], provenance: str) -> AlertRuleRecord:
    """The add_alert_rule hook: create a rule with any provenance ("file" too)."""
    return create_rule(store, parse_rule(body), provenance)

