"""Grafana-managed alert rules as the provisioning API reads and writes them.

parse_rule binds the JSON (type errors are 'bad request data'), validate_rule
applies AlertRule.ValidateAlertRule's checks, to_json/echo_json write the
ProvisionedAlertRule shape.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request_data, plain_error
from .store import AlertRuleRecord, Store
from .values import (
    format_go_duration,
    format_prometheus_duration,
    is_uid_too_long,
    is_valid_uid,
    parse_prometheus_duration,
)

NO_DATA_STATES = ("Alerting", "NoData", "OK", "KeepLast")
EXEC_ERROR_STATES = ("Alerting", "Error", "OK", "KeepLast")
MAX_TITLE_LENGTH = 190
ZERO_TIME = "0001-01-01T00:00:00Z"
# AlertQuery.PreSave fills these into every query model that lacks them.
MODEL_DEFAULTS = {"intervalMs": 1000, "maxDataPoints": 43200}


@dataclass
class RuleInput:
    uid: str = ""
    folder_uid: str = ""
    rule_group: str = ""
    title: str = ""
    condition: str = ""
    data: list[dict[str, Any]] = field(default_factory=list)
    no_data_state: str = ""
    exec_err_state: str = ""
    for_millis: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    is_paused: bool = False
    notification_settings: Any = None
    keep_firing_for_millis: int = 0
    missing_series_evals_to_resolve: int | None = None


_STRING_FIELDS = {"uid": "uid", "folderUID": "folder_uid", "ruleGroup": "rule_group",
                  "title": "title", "condition": "condition", "noDataState": "no_data_state",
                  "execErrState": "exec_err_state"}


def parse_rule(body: Any) -> RuleInput:
    if not isinstance(body, dict):
        raise bad_request_data()
    rule = RuleInput()
    for key, attribute in _STRING_FIELDS.items():
        setattr(rule, attribute, _typed(body, key, str, ""))
    rule.data = [_parse_query(q) for q in _typed(body, "data", list, [])]
    rule.for_millis = _parse_for(body.get("for"))
    rule.labels = _string_map(body, "labels")
    rule.annotations = _string_map(body, "annotations")
    rule.is_paused = _typed(body, "isPaused", bool, False)
    rule.notification_settings = copy.deepcopy(body.get("notification_settings"))
    # 12.4+ fields (definitions.ProvisionedAlertRule: keep_firing_for model.Duration,
    # missingSeriesEvalsToResolve *int); older releases ignore them as unknown JSON fields.
    rule.keep_firing_for_millis = _parse_for(body.get("keep_firing_for"))
    rule.missing_series_evals_to_resolve = _typed(body, "missingSeriesEvalsToResolve", int, None)
    return rule


def _typed(body: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise bad_request_data()
    return value


def _string_map(body: dict[str, Any], key: str) -> dict[str, str]:
    value = _typed(body, key, dict, {})
    if not all(isinstance(v, str) for v in value.values()):
        raise bad_request_data()
    return dict(value)


def _parse_for(value: Any) -> int:
    if value is None:
        return 0
    if not isinstance(value, str):
        raise bad_request_data()
    try:
        return parse_prometheus_duration(value)
    except ValueError:
        raise bad_request_data() from None


def _parse_query(query: Any) -> dict[str, Any]:
    if not isinstance(query, dict):
        raise bad_request_data()
    time_range = _typed(query, "relativeTimeRange", dict, {})
    bounds = [time_range.get("from", 0), time_range.get("to", 0)]
    if not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise bad_request_data()
    return {
        "refId": _typed(query, "refId", str, ""),
        "queryType": _typed(query, "queryType", str, ""),
        "relativeTimeRange": {"from": int(bounds[0]), "to": int(bounds[1])},
        "datasourceUid": _typed(query, "datasourceUid", str, ""),
        "model": copy.deepcopy(query.get("model")),
    }


# --- validation ----------------------------------------------------------------

def invalid_rule(reason: str) -> ApiError:
    return plain_error(400, f"invalid alert rule: {reason}", traced=True)


def validate_new_uid(uid: str) -> None:
    if not is_valid_uid(uid):
        raise invalid_rule(f"cannot create rule with UID '{uid}': invalid format of UID. "
                           "Only letters, numbers, - and _ are allowed")
    if is_uid_too_long(uid):
        raise invalid_rule(f"cannot create rule with UID '{uid}': UID is longer than 40 symbols")


def validate_rule(store: Store, rule: RuleInput, interval_seconds: int) -> None:
    if rule.folder_uid == "":
        raise invalid_rule("folderUID must be set")
    if rule.folder_uid not in store.folders:
        raise invalid_rule(f"folder does not exist: {rule.folder_uid}")
    if not rule.data:
        raise invalid_rule("no queries or expressions are found")
    if rule.title == "":
        raise invalid_rule("title is empty")
    validate_interval(interval_seconds, store.settings.alerting_base_interval)
    if rule.exec_err_state not in EXEC_ERROR_STATES:
        raise invalid_rule(f"unknown Error state option {rule.exec_err_state}")
    if rule.no_data_state not in NO_DATA_STATES:
        raise invalid_rule(f"unknown NoData state option {rule.no_data_state}")
    if rule.for_millis < 0:
        raise invalid_rule("field `for` cannot be negative")
    if rule.keep_firing_for_millis < 0:
        raise invalid_rule("field `keep_firing_for` cannot be negative")  # wording a guess
    if len(rule.title) > MAX_TITLE_LENGTH:
        raise invalid_rule(f"name length should not be greater than {MAX_TITLE_LENGTH}")
    if len(rule.rule_group) > MAX_TITLE_LENGTH:
        raise invalid_rule(f"rule group name length should not be greater than {MAX_TITLE_LENGTH}")


def validate_interval(interval_seconds: int, base_interval: int) -> None:
    if interval_seconds <= 0 or interval_seconds % base_interval:
        raise invalid_rule(f"interval ({format_go_duration(interval_seconds)}) should be non-zero "
                           f"and divided exactly by scheduler interval: {base_interval}")


def stored_queries(rule: RuleInput) -> list[dict[str, Any]]:
    """The queries as Grafana stores them: models get intervalMs and maxDataPoints."""
    queries = copy.deepcopy(rule.data)
    for query in queries:
        if query["model"] is None:
            query["model"] = {}
        if not isinstance(query["model"], dict):
            raise invalid_rule(f"invalid alert query {query['refId']}: model is not a JSON object")
        for key, default in MODEL_DEFAULTS.items():
            query["model"].setdefault(key, default)
    return queries


# --- JSON --------------------------------------------------------------------

def to_json(record: AlertRuleRecord) -> dict[str, Any]:
    """The ProvisionedAlertRule answer (empty maps and provenance "" are omitted)."""
    body: dict[str, Any] = {
        "id": record.id,
        "uid": record.uid,
        "orgID": 1,
        "folderUID": record.folder_uid,
        "ruleGroup": record.rule_group,
        "title": record.title,
        "condition": record.condition,
        "data": copy.deepcopy(record.data),
        "updated": record.updated,
        "noDataState": record.no_data_state,
        "execErrState": record.exec_err_state,
        "for": format_prometheus_duration(record.for_millis),
    }
    _add_optional(body, record.annotations, record.labels, record.provenance,
                  record.is_paused, record.notification_settings)
    if record.keep_firing_for_millis is not None:
        _add_keep_firing(body, record.keep_firing_for_millis,
                         record.missing_series_evals_to_resolve)
    return body


def _add_keep_firing(body: dict[str, Any], keep_firing_millis: int, evals: int | None) -> None:
    """keep_firing_for has no omitempty ("0s" when unset); missingSeriesEvalsToResolve is an
    omitempty pointer (12.4+, behaviour.rule_keep_firing_for)."""
    body["keep_firing_for"] = format_prometheus_duration(keep_firing_millis)
    if evals is not None:
        body["missingSeriesEvalsToResolve"] = evals


def echo_json(rule: RuleInput, *, keep_firing: bool = False) -> dict[str, Any]:
    """A request rule written back through Go's struct: zero values, no normalisation."""
    body: dict[str, Any] = {
        "id": 0, "uid": rule.uid, "orgID": 0, "folderUID": rule.folder_uid,
        "ruleGroup": rule.rule_group, "title": rule.title, "condition": rule.condition,
        "data": copy.deepcopy(rule.data), "updated": ZERO_TIME,
        "noDataState": rule.no_data_state, "execErrState": rule.exec_err_state,
        "for": format_prometheus_duration(rule.for_millis),
    }
    _add_optional(body, rule.annotations, rule.labels, "", rule.is_paused,
                  rule.notification_settings)
    if keep_firing:
        _add_keep_firing(body, rule.keep_firing_for_millis, rule.missing_series_evals_to_resolve)
    return body


def _add_optional(body: dict[str, Any], annotations: dict[str, str], labels: dict[str, str],
                  provenance: str, is_paused: bool, notification_settings: Any) -> None:
    """definitions.ProvisionedAlertRule (pkg/services/ngalert/api/tooling/definitions/
    provisioning_alert_rules.go): annotations, labels and provenance are omitempty; isPaused is
    always there; notification_settings and record are pointers without omitempty, so they read
    null when unset (record: the field came with Grafana-managed recording rules in 11.x, whether
    11.3.0 serialises it is a guess). The emulator keeps no recording rules: record is always
    null."""
    if annotations:
        body["annotations"] = dict(annotations)
    if labels:
        body["labels"] = dict(labels)
    if provenance:
        body["provenance"] = provenance
    body["isPaused"] = is_paused
    body["notification_settings"] = copy.deepcopy(notification_settings) or None
    body["record"] = None
