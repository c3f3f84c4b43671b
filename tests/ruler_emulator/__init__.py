"""Grafana Mimir's ruler API, emulated (Cortex and Loki serve the same): rule groups per tenant
and namespace, set and read as YAML, and what the ruler evaluates as Prometheus's JSON.

Sources (github:grafana/mimir):
- the routes: pkg/api/api.go RegisterRuler — <prometheus-http-prefix>/config/v1/rules[/{namespace}
  [/{groupName}]] (GET, POST on a namespace, DELETE) and <prefix>/api/v1/rules; the prefix is
  /prometheus by default; path variables are URL-unescaped (parseNamespace, parseGroupName);
- the handlers: pkg/ruler/api.go
  ListRules      YAML {namespace: [group]} (rgs.Formatted(); Go's YAML sorts the map's keys);
                 404 "no rule groups found" (ErrNoRuleGroups) when there are none
  GetRuleGroup   YAML group (rulespb.FromProto); 404 "group does not exist"
                 (rulestore.ErrGroupNotFound)
  CreateRuleGroup  a YAML rulefmt.RuleGroup; 400 "unable to decoded rule group"
                 (ErrBadRuleGroup) if it does not unmarshal, 400 with the validation errors
                 joined by ", " (ValidateRuleGroup), else stored (replacing the group of that
                 name) and 202 {"status":"success"} (respondAccepted: "stored and queued for
                 polling, but is not currently active")
  DeleteRuleGroup / DeleteNamespace  202, or 404 "group does not exist" / "group namespace
                 does not exist" (rulestore.ErrGroupNamespaceNotFound)
  PrometheusRules  {"status":"success","data":{"groups":[{name, file: namespace, rules:
                 [{name, query, health, lastError, type, ...}], interval}]}} sorted by file
- the tenant: X-Scope-OrgID, required (weaveworks/common middleware AuthenticateUser answers
  401 "no org id" without it); a gateway's bearer token or basic auth, if the test sets one,
  refused with 401 "unauthorized: Authorization: <what was sent>" (an echo: the worst case
  a client must not print, not Mimir's bare 401).
- the validation messages: Prometheus's rulefmt (model/rulefmt/rulefmt.go, RuleGroup and
  RuleNode Validate).

Cortex and Loki serve the same handlers (Cortex's pkg/ruler/api.go, forked by both) at other
paths (`api`): Cortex at /api/v1/rules[/{namespace}[/{groupName}]] (Cortex's docs/api/_index.md,
"Ruler": List/Get/Set/Delete rule group), Loki at /loki/api/v1/rules[...] (Loki's
docs/sources/reference/loki-http-api.md, "Ruler"; pkg/loki/modules.go initRuler, grafana/loki
pull 2918 for the DELETE of a namespace); both show what they evaluate at
/prometheus/api/v1/rules. Loki's ruler parses expressions as LogQL: the emulator does not parse
expressions for any of the three (a guess that it need not: deploy's tests send valid rules).

What is stored is what a ruler gives back: durations as Prometheus prints them (model.Duration),
empty fields left out. A stored group is evaluated (appears in /api/v1/rules) `load_delay`
seconds after it was set, as the ruler picks it up on its next poll (-ruler.poll-interval).

`latency` (seconds) delays every answer, as a ruler across a network would (the benchmark).

Faults: fail(status, times, method=None) — the next `times` requests (of `method`) answer
`status`; never_load(namespace, group) — the ruler keeps failing to load the group (absent from
/api/v1/rules); unhealthy(namespace, group, error) — its rules evaluate with `error`.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse

import yaml

from support.serving import LocalServer

PREFIX = "/prometheus"
CONFIG = f"{PREFIX}/config/v1/rules"
LOADED = f"{PREFIX}/api/v1/rules"
# ruler → its configuration API's path (the sources above)
CONFIGS = {"mimir": CONFIG, "cortex": "/api/v1/rules", "loki": "/loki/api/v1/rules"}
_DURATION = re.compile(r"^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # Mimir's Go YAML is fast; so is libyaml
_UNITS = (("y", 365 * 86400_000), ("w", 7 * 86400_000), ("d", 86400_000), ("h", 3600_000),
          ("m", 60_000), ("s", 1000), ("ms", 1))


class RulerEmulator(LocalServer):
    def __init__(self, *, token: str | None = None, basic: tuple[str, str] | None = None,
                 load_delay: float = 0.0, latency: float = 0.0, api: str = "mimir"):
        self.api = api
        self.config = CONFIGS[api]
        self.latency = latency
        self.token = token
        self.basic = basic
        self.load_delay = load_delay
        self.lock = threading.Lock()
        # tenant → namespace → group name → (group, when it was set)
        self.store: dict[str, dict[str, dict[str, tuple[dict, float]]]] = {}
        self.requests: list[tuple[str, str]] = []
        self._failures: list[tuple[int, str | None]] = []
        self._never_load: set[tuple[str, str]] = set()
        self._unhealthy: dict[tuple[str, str], str] = {}

    # --- the test's side ---------------------------------------------------------------------

    def groups(self, tenant: str) -> dict[str, dict[str, dict]]:
        """namespace → name → group, as stored."""
        with self.lock:
            return {ns: {name: group for name, (group, _) in groups.items()}
                    for ns, groups in self.store.get(tenant, {}).items()}

    def put(self, tenant: str, namespace: str, group: dict) -> None:
        """Set a group as someone else would (mimirtool, another deploy, a person)."""
        with self.lock:
            self.store.setdefault(tenant, {}).setdefault(namespace, {})[group["name"]] = (
                _stored(group), time.monotonic())

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m in ("POST", "DELETE")]

    def fail(self, status: int, times: int = 1, method: str | None = None) -> None:
        self._failures += [(status, method)] * times

    def never_load(self, namespace: str, group: str) -> None:
        self._never_load.add((namespace, group))

    def unhealthy(self, namespace: str, group: str, error: str) -> None:
        self._unhealthy[(namespace, group)] = error

    # --- the ruler's side --------------------------------------------------------------------

    def respond(self, method: str, raw_path: str, headers, body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        status, content_type, data = self.answer(method, raw_path, headers, body)
        return status, {"Content-Type": content_type}, data

    def answer(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, str, bytes]:
        path = urllib.parse.urlsplit(raw_path).path
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            self.requests.append((method, path))
            for index, (status, only) in enumerate(self._failures):
                if only in (None, method):
                    del self._failures[index]
                    return status, "text/plain", b"emulated failure\n"
        refused = self._authenticate(headers)
        if refused:
            return 401, "text/plain", refused.encode() + b"\n"
        tenant = headers.get("X-Scope-OrgID")
        if path == LOADED and method == "GET":
            return self._prometheus_rules(tenant)
        config = self.config
        if path != config and not path.startswith(config + "/"):
            return 404, "text/plain", b"404 page not found\n"
        parts = [urllib.parse.unquote(p) for p in path[len(config):].split("/") if p]
        namespace = parts[0] if parts else None
        group = parts[1] if len(parts) > 1 else None
        if len(parts) > 2:
            return 404, "text/plain", b"404 page not found\n"
        with self.lock:
            if method == "GET" and group is None:
                return self._list(tenant, namespace)
            if method == "GET":
                return self._get(tenant, namespace, group)
            if method == "POST" and namespace is not None and group is None:
                return self._create(tenant, namespace, body)
            if method == "DELETE" and namespace is not None:
                return self._delete(tenant, namespace, group)
        return 405, "text/plain", b"405 method not allowed\n"

    def _authenticate(self, headers) -> str | None:
        # A refused request's answer echoes the Authorization header it was sent, as a careless
        # gateway or proxy might (a guess at the worst case, not Mimir's own behaviour: its
        # auth middleware answers a bare 401): the client must never print what comes back.
        given = headers.get("Authorization") or ""
        if self.token and given != f"Bearer {self.token}":
            return f"unauthorized: Authorization: {given}"
        if self.basic:
            import base64
            expected = base64.b64encode(":".join(self.basic).encode()).decode()
            if given != f"Basic {expected}":
                return f"unauthorized: Authorization: {given}"
        if not headers.get("X-Scope-OrgID"):
            return "no org id"
        return None

    def _list(self, tenant: str, namespace: str | None):
        namespaces = self.store.get(tenant, {})
        found = {ns: [g for _, (g, _) in sorted(groups.items())]
                 for ns, groups in sorted(namespaces.items())
                 if groups and namespace in (None, ns)}
        if not found:
            return 404, "text/plain", b"no rule groups found\n"
        return 200, "application/yaml", yaml.dump(found, Dumper=_DUMPER, sort_keys=False).encode()

    def _get(self, tenant: str, namespace: str, name: str):
        found = self.store.get(tenant, {}).get(namespace, {}).get(name)
        if found is None:
            return 404, "text/plain", b"group does not exist\n"
        return 200, "application/yaml", yaml.dump(found[0], Dumper=_DUMPER,
                                                  sort_keys=False).encode()

    def _create(self, tenant: str, namespace: str, body: bytes):
        try:
            group = yaml.load(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            if not isinstance(group, dict):
                raise ValueError
        except (yaml.YAMLError, ValueError):
            return 400, "text/plain", b"unable to decoded rule group\n"
        errors = _validate(group)
        if errors:
            return 400, "text/plain", (", ".join(errors) + "\n").encode()
        self.store.setdefault(tenant, {}).setdefault(namespace, {})[group["name"]] = (
            _stored(group), time.monotonic())
        return 202, "application/json", json.dumps(
            {"status": "success", "data": None, "errorType": "", "error": ""}).encode()

    def _delete(self, tenant: str, namespace: str, name: str | None):
        namespaces = self.store.get(tenant, {})
        if name is None:
            if not namespaces.get(namespace):
                return 404, "text/plain", b"group namespace does not exist\n"
            del namespaces[namespace]
        else:
            if name not in namespaces.get(namespace, {}):
                return 404, "text/plain", b"group does not exist\n"
            del namespaces[namespace][name]
            if not namespaces[namespace]:
                del namespaces[namespace]
        return 202, "application/json", json.dumps(
            {"status": "success", "data": None, "errorType": "", "error": ""}).encode()

    def _prometheus_rules(self, tenant: str):
        now = time.monotonic()
        groups = []
        with self.lock:
            for namespace, stored in sorted(self.store.get(tenant, {}).items()):
                for name, (group, since) in stored.items():
                    if now - since < self.load_delay or (namespace, name) in self._never_load:
                        continue
                    error = self._unhealthy.get((namespace, name), "")
                    groups.append({
                        "name": name, "file": namespace,
                        "rules": [_evaluated(rule, error) for rule in group["rules"]],
                        "interval": _seconds(group.get("interval", "1m")) / 1000,
                        "lastEvaluation": "0001-01-01T00:00:00Z", "evaluationTime": 0})
        body = {"status": "success", "data": {"groups": groups}, "errorType": "", "error": ""}
        return 200, "application/json", json.dumps(body).encode()


def _validate(group: dict) -> list[str]:
    """Prometheus's rulefmt checks (RuleGroup.Validate, RuleNode.Validate), as Mimir runs them."""
    errors = []
    if not group.get("name"):
        errors.append("Groupname must not be empty")
    for index, rule in enumerate(group.get("rules") or []):
        where = f"group {group.get('name')!r}, rule {index + 1}"
        if bool(rule.get("record")) == bool(rule.get("alert")):
            errors.append(f"{where}: one of 'record' or 'alert' must be set")
        if not str(rule.get("expr") or "").strip():
            errors.append(f"{where}: field 'expr' must be set in rule")
        if rule.get("record"):
            for field in ("annotations", "for", "keep_firing_for"):
                if rule.get(field):
                    errors.append(f"{where}: invalid field '{field}' in recording rule")
        for field in ("for", "keep_firing_for"):
            if rule.get(field) and not _DURATION.match(str(rule[field])):
                errors.append(f"{where}: not a valid duration string: {rule[field]!r}")
    return errors


def _stored(group: dict) -> dict:
    """What the ruler gives back for `group`: rulespb.ToProto, then FromProto."""
    out: dict = {"name": group["name"]}
    if group.get("interval") and _seconds(group["interval"]):
        out["interval"] = _format(_seconds(group["interval"]))
    rules = []
    for rule in group.get("rules") or []:
        kept: dict = {}
        for key in ("record", "alert"):
            if rule.get(key):
                kept[key] = rule[key]
        kept["expr"] = rule["expr"]
        for key in ("for", "keep_firing_for"):
            if rule.get(key) and _seconds(rule[key]):
                kept[key] = _format(_seconds(rule[key]))
        for key in ("labels", "annotations"):
            if rule.get(key):
                kept[key] = {str(k): str(v) for k, v in rule[key].items()}
        rules.append(kept)
    out["rules"] = rules
    return out


def _evaluated(rule: dict, error: str) -> dict:
    alerting = "alert" in rule
    # getLocalRules shows rule.Query().String(): the expression as parsed and printed, so no
    # comments, and Prometheus's spacing (`sum by (job) (...)`). The emulator drops the
    # comments and keeps the rest as sent (a guess at the rest: no Go PromQL printer here;
    # promql-parser's printing differs from it in string escapes).
    query = "\n".join(_uncommented(line) for line in str(rule["expr"]).splitlines()).strip()
    out = {"name": rule.get("alert") or rule.get("record"), "query": query,
           "labels": rule.get("labels", {}), "health": "err" if error else "ok",
           "lastError": error, "type": "alerting" if alerting else "recording",
           "lastEvaluation": "0001-01-01T00:00:00Z", "evaluationTime": 0}
    if alerting:
        out.update(state="inactive", duration=_seconds(rule.get("for", "0s")) / 1000,
                   annotations=rule.get("annotations", {}), alerts=[])
    return out


def _uncommented(line: str) -> str:
    """The line without a '#' comment (a '#' inside a quoted string is no comment)."""
    quote, index = None, 0
    while index < len(line):
        char = line[index]
        if quote and char == "\\":
            index += 1  # an escaped character
        elif quote and char == quote:
            quote = None
        elif not quote and char in "\"'`":
            quote = char
        elif not quote and char == "#":
            return line[:index].rstrip()
        index += 1
    return line


def _seconds(text) -> int:
    """Milliseconds in a Prometheus duration."""
    match = _DURATION.match(str(text).strip())
    if not match:
        return 0
    values = [match.group(i) for i in range(2, 15, 2)]
    return sum(int(v) * size for v, (_, size) in zip(values, _UNITS, strict=True) if v)


def _format(millis: int) -> str:
    """model.Duration.String(): the largest units first, '0s' for none."""
    if not millis:
        return "0s"
    out = ""
    for unit, size in _UNITS:
        count, millis = divmod(millis, size)
        if count:
            out += f"{count}{unit}"
    return out
