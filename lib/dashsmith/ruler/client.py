"""A ruler's HTTP API: Grafana Mimir's, which Cortex and Loki share (`mimirtool rules` speaks it)
under another path (APIS below).

Sources (github:grafana/mimir): the routes in pkg/api/api.go (RegisterRuler, the configuration
API under <prometheus-http-prefix>/config/v1/rules, the prefix /prometheus by default), the
handlers in pkg/ruler/api.go:

  GET    /prometheus/config/v1/rules              ListRules: YAML {namespace: [group, ...]};
                                                  404 "no rule groups found" if it has none
  GET    /prometheus/config/v1/rules/{ns}         ListRules of one namespace (404 likewise)
  GET    /prometheus/config/v1/rules/{ns}/{group} GetRuleGroup: YAML group; 404 if absent
  POST   /prometheus/config/v1/rules/{ns}         CreateRuleGroup: body a YAML group, which
                                                  replaces the group of that name; 202
                                                  ("stored and queued for polling, but not
                                                  currently active": respondAccepted); 400 if
                                                  it does not parse or validate
  DELETE /prometheus/config/v1/rules/{ns}/{group} DeleteRuleGroup: 202; 404 if absent
  DELETE /prometheus/config/v1/rules/{ns}         DeleteNamespace: 202; 404 if absent
  GET    /prometheus/api/v1/rules                 PrometheusRules: the groups the ruler
                                                  evaluates, Prometheus's JSON (file = namespace)

The tenant is the X-Scope-OrgID header (without it the auth middleware answers 401 "no org id");
a gateway in front may ask for a bearer token or basic auth. Errors are plain text (http.Error)
or Prometheus's JSON envelope (respondError, 500).

The same handlers (Cortex's pkg/ruler/api.go, which Mimir and Loki forked) answer at another
path in each (`api`, [dashsmith.deploy] ruler_api or RULER_API):

  mimir   <prometheus-http-prefix>/config/v1/rules   (Mimir's HTTP API reference, "List rule
          groups"; the prefix is /prometheus by default)
  cortex  /api/v1/rules, legacy /api/prom/rules      (Cortex's docs/api/_index.md, "List rule
          groups")
  loki    /loki/api/v1/rules, legacy /api/prom/rules (Loki's docs/sources/reference/
          loki-http-api.md, "List rule groups"; pkg/loki/modules.go initRuler registers them)

and all three show what they evaluate at <prometheus-http-prefix>/api/v1/rules, /prometheus by
default (Loki: /prometheus/api/v1/rules, "List rules"). Loki's ruler parses each expression as
LogQL, so only rules written in LogQL load there.

Every call is safe to repeat (a POST replaces the group whole), so transient failures (no
answer, 429, 502-504) are retried as deploy's Grafana calls are (grafana/retry.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import niquests
import yaml

from dashsmith import http_errors
from dashsmith.grafana import retry

RULES_PATH = "/prometheus/config/v1/rules"
LOADED_PATH = "/prometheus/api/v1/rules"
# ruler → (its configuration API, where it shows what it evaluates); the sources above.
APIS: dict[str, tuple[str, str]] = {
    "mimir": (RULES_PATH, LOADED_PATH),
    "cortex": ("/api/v1/rules", LOADED_PATH),
    "loki": ("/loki/api/v1/rules", LOADED_PATH),
}
DEFAULT_API = "mimir"
DEFAULT_TIMEOUT = 10.0
# libyaml's: a tenant's list holds every group (hundreds), which pure-Python YAML reads slowly.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class RulerError(Exception):
    """The ruler did not do what was asked. `status`: its HTTP status (None: no answer)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _transient(error: BaseException) -> bool:
    return isinstance(error, RulerError) and error.status in retry.TRANSIENT_STATUSES


RETRIED = retry.Policy(also_retry=_transient)


@dataclass(frozen=True)
class RulerConnection:
    """Where the ruler is and who deploy is to it (from RULER_URL, RULER_TENANT, RULER_TOKEN or
    RULER_USER and RULER_PASSWORD), and whose API it speaks (one of APIS)."""

    url: str
    tenant: str | None = None
    token: str | None = field(default=None, repr=False)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    api: str = DEFAULT_API

    @property
    def rules_path(self) -> str:
        return APIS[self.api][0]

    @property
    def loaded_path(self) -> str:
        return APIS[self.api][1]

    def redact(self, text: str) -> str:
        """`text` without the token or password, in any form they can take (as Grafana's
        Connection redacts: http_errors.redact)."""
        return http_errors.redact(text, (self.token,), user=self.user, password=self.password)


class Ruler:
    def __init__(self, connection: RulerConnection, *, timeout: float = DEFAULT_TIMEOUT,
                 policy: retry.Policy = RETRIED):
        self.connection = connection
        self.url = connection.url.rstrip("/")
        self.timeout = timeout
        self.policy = policy
        self.requests = 0  # sent, retries included (the benchmark counts them)
        self._session = niquests.Session()
        headers: dict[str | bytes, str | bytes] = {}
        if connection.tenant:
            headers["X-Scope-OrgID"] = connection.tenant
        if connection.token:
            headers["Authorization"] = f"Bearer {connection.token}"
        self._session.headers.update(headers)
        if connection.user:
            self._session.auth = (connection.user, connection.password or "")

    # --- the configuration API ---------------------------------------------------------------

    def namespaces(self) -> dict[str, list[dict]]:
        """Every rule group of the tenant, by namespace (one request)."""
        answer = self._send("GET", self.connection.rules_path, missing_ok=True)
        if answer is None:
            return {}
        data = self._yaml(answer)
        if not isinstance(data, dict):
            raise RulerError(f"{self.url}: not a ruler's answer to {self.connection.rules_path}",
                             answer.status_code)
        return {str(ns): list(groups or []) for ns, groups in data.items()}

    def group(self, namespace: str, name: str) -> dict | None:
        answer = self._send("GET", self._group_path(namespace, name), missing_ok=True)
        if answer is None:
            return None
        data = self._yaml(answer)
        return data if isinstance(data, dict) else None

    def set_group(self, namespace: str, group: dict) -> None:
        """Create the group, or replace the group of that name."""
        body = yaml.dump(group, Dumper=_DUMPER, sort_keys=False, allow_unicode=True,
                         width=1 << 16)
        self._send("POST", self._namespace_path(namespace), body=body.encode())

    def delete_group(self, namespace: str, name: str) -> None:
        """Absent already counts as deleted (a retry of a delete that landed)."""
        self._send("DELETE", self._group_path(namespace, name), missing_ok=True)

    def delete_namespace(self, namespace: str) -> None:
        self._send("DELETE", self._namespace_path(namespace), missing_ok=True)

    # --- what it evaluates -------------------------------------------------------------------

    def loaded(self) -> list[dict]:
        """The groups the ruler evaluates, each with `file` (its namespace), `name`, `rules`."""
        answer = self._send("GET", self.connection.loaded_path)
        assert answer is not None  # only a 404 that missing_ok allows is None
        try:
            data = answer.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("status") != "success":
            raise RulerError(f"{self.url}{self.connection.loaded_path}: not a Prometheus rules "
                             "answer", answer.status_code)
        return list((data.get("data") or {}).get("groups") or [])

    # --- HTTP --------------------------------------------------------------------------------

    def _namespace_path(self, namespace: str) -> str:
        return f"{self.connection.rules_path}/{quote(namespace, safe='')}"

    def _group_path(self, namespace: str, name: str) -> str:
        return f"{self._namespace_path(namespace)}/{quote(name, safe='')}"

    def _send(self, method: str, path: str, *, body: bytes | None = None,
              missing_ok: bool = False) -> niquests.Response | None:
        """The answer (None for a 404 when `missing_ok`); RulerError for any other failure."""
        headers = {"Content-Type": "application/yaml"} if body is not None else None

        def attempt(number: int) -> niquests.Response | None:
            self.requests += 1
            try:
                answer = self._session.request(method, self.url + path, data=body,
                                               headers=headers, timeout=self.timeout)
            except niquests.exceptions.RequestException as error:
                if number < self.policy.attempts and retry.is_transient(error):
                    raise
                why = http_errors.reason(error)
                raise RulerError(f"cannot reach the ruler at {self.url}: {why}") from None
            status = answer.status_code or 0
            if status == 404 and missing_ok:
                return None
            if status >= 400:
                raise RulerError(self._refused(method, path, answer), status)
            return answer
        return retry.call(attempt, self.policy)

    def _refused(self, method: str, path: str, answer: niquests.Response) -> str:
        status = answer.status_code
        text = (answer.text or "").strip()
        try:
            envelope = answer.json()
            if isinstance(envelope, dict) and envelope.get("error"):
                text = str(envelope["error"])
        except ValueError:
            pass
        hint = {401: " (check RULER_TENANT and the credentials)",
                403: " (the credentials may not write rules)"}.get(status or 0, "")
        return self.connection.redact(f"the ruler at {self.url} answered {method} {path} with "
                                      f"{status}: {text[:300]}{hint}")

    @staticmethod
    def _yaml(answer: niquests.Response) -> Any:
        try:
            return yaml.load(answer.content or b"", Loader=_LOADER)
        except yaml.YAMLError:
            raise RulerError("the ruler's answer is not YAML", answer.status_code) from None
