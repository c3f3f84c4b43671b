"""Connecting to Grafana: where (--url / GRAFANA_URL), as whom (GRAFANA_TOKEN, --token-file, or
GRAFANA_USER + GRAFANA_PASSWORD, or user:password in the URL), over what TLS (verified by
default; --ca-cert FILE for a private CA; --insecure turns verification off, with a warning).

    @click.command()
    @connection_options
    def diff(connection: Connection | None, ...):
        grafana = connect(connection)       # a checked grafana_client.GrafanaApi

`connection` is None when no URL is given. Secrets are held in `Secret` (str and repr '***');
`Connection.redact(text)` removes them from any text. connect() raises GrafanaUnavailable, whose
message never contains a secret. Tokens are read from the environment or a file, never from a
command-line option (which `ps` would show).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from urllib.parse import unquote, urlsplit

import click
import niquests
from grafana_client import GrafanaApi
from grafana_client.client import GrafanaException, GrafanaTimeoutError

from dashsmith import http_errors
from dashsmith.grafana import retry

DEFAULT_TIMEOUT = 10.0
_TOKEN_CHARACTERS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


class GrafanaUnavailable(Exception):
    """Grafana cannot be used: unreachable, unhealthy, or the credentials do not work."""


class Secret:
    """A credential that prints as '***'."""

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class _BearerAuth(niquests.auth.AuthBase):
    def __init__(self, token: Secret):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth('***')"


class _BasicAuth(niquests.auth.HTTPBasicAuth):
    def __init__(self, user: str, password: Secret):
        super().__init__(user, password.reveal())

    def __repr__(self) -> str:
        return f"BasicAuth({self.username!r}, '***')"


@dataclasses.dataclass(frozen=True)
class Connection:
    """How to reach Grafana; `url` is shown to users (it never holds credentials)."""

    url: str
    token: Secret | None = None
    user: str | None = None
    password: Secret | None = None
    credential_source: str = "no credentials"
    ca_cert: str | None = None
    insecure: bool = False
    timeout: float = DEFAULT_TIMEOUT
    org_id: int | None = None

    def secrets(self) -> list[str]:
        return [s.reveal() for s in (self.token, self.password) if s and s.reveal()]

    def redact(self, text: str) -> str:
        """`text` without the secrets, in any form they can take (http_errors.redact)."""
        return http_errors.redact(text, self.secrets(), user=self.user,
                                  password=self.password.reveal() if self.password else None)

    @property
    def auth(self):
        if self.token:
            return _BearerAuth(self.token)
        if self.user is not None and self.password is not None:
            return _BasicAuth(self.user, self.password)
        return None


def connection_options(command):
    """Adds --url, --token-file, --ca-cert, --insecure, --timeout, --org-id to a click command
    and passes `connection` (a Connection, or None without a URL) instead of them."""

    @functools.wraps(command)
    def wrapper(*args, url, token_file, ca_cert, insecure, timeout, org_id, **kwargs):
        connection = connection_from(url, token_file=token_file, ca_cert=ca_cert,
                                     insecure=insecure, timeout=timeout, org_id=org_id)
        return command(*args, connection=connection, **kwargs)

    options = [
        click.option("--url", envvar="GRAFANA_URL", metavar="URL",
                     help="Grafana's base URL (default: $GRAFANA_URL)."),
        click.option("--token-file", envvar="GRAFANA_TOKEN_FILE", type=click.Path(dir_okay=False),
                     help="Read the service-account token from this file (default: "
                          "$GRAFANA_TOKEN, or $GRAFANA_USER and $GRAFANA_PASSWORD)."),
        click.option("--ca-cert", envvar="GRAFANA_CA_CERT", type=click.Path(dir_okay=False),
                     help="Verify Grafana's TLS certificate against this CA bundle."),
        click.option("--insecure", is_flag=True,
                     help="Do not verify Grafana's TLS certificate (prints a warning)."),
        click.option("--timeout", envvar="GRAFANA_TIMEOUT", type=click.FloatRange(min=0.1),
                     default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds to wait for each HTTP response."),
        click.option("--org-id", envvar="GRAFANA_ORG_ID", type=int,
                     help="Grafana organisation id (default: the credentials' own)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def connection_from(url: str | None, *, token_file: str | None = None, ca_cert: str | None = None,
                    insecure: bool = False, timeout: float = DEFAULT_TIMEOUT,
                    org_id: int | None = None, environ=None) -> Connection | None:
    """The Connection the options and the environment describe; click.UsageError if they
    contradict each other. None when there is no URL."""
    environ = os.environ if environ is None else environ
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.UsageError("the Grafana URL must look like https://grafana.example.com "
                               "(GRAFANA_URL or --url)")
    if ca_cert and insecure:
        raise click.UsageError("--ca-cert and --insecure contradict each other; choose one")
    if ca_cert and not os.path.isfile(ca_cert):
        raise click.UsageError(f"--ca-cert {ca_cert}: no such file")
    credentials = _credentials(parts, token_file, environ)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    shown = f"{parts.scheme}://{host}{parts.path.rstrip('/')}"
    return Connection(url=shown, ca_cert=ca_cert, insecure=insecure, timeout=timeout,
                      org_id=org_id, **credentials)


def _credentials(parts, token_file: str | None, environ) -> dict:
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        except (OSError, UnicodeDecodeError) as error:
            raise click.UsageError(f"--token-file {token_file}: cannot read it "
                                   f"({type(error).__name__})") from None
        if not token:
            raise click.UsageError(f"--token-file {token_file}: the token file is empty; write "
                                   "the service-account token into it (Grafana › "
                                   "Administration › Service accounts)")
        return {"token": _checked_token(token, f"the token in {token_file}"),
                "credential_source": f"the token in {token_file}"}
    if environ.get("GRAFANA_TOKEN", "").strip():
        return {"token": _checked_token(environ["GRAFANA_TOKEN"].strip(), "GRAFANA_TOKEN"),
                "credential_source": "the token in GRAFANA_TOKEN"}
    if environ.get("GRAFANA_USER"):
        return {"user": environ["GRAFANA_USER"],
                "password": Secret(environ.get("GRAFANA_PASSWORD", "")),
                "credential_source":
                    f"user {environ['GRAFANA_USER']} (GRAFANA_USER/GRAFANA_PASSWORD)"}
    if parts.username:
        return {"user": unquote(parts.username), "password": Secret(unquote(parts.password or "")),
                "credential_source": f"user {unquote(parts.username)} (from the URL)"}
    return {}


def _checked_token(token: str, where: str) -> Secret:
    # A token with spaces or non-ASCII characters would be echoed by the HTTP library's
    # "invalid header value" error; refuse it here without showing it.
    if not _TOKEN_CHARACTERS.match(token):
        raise click.UsageError(f"{where} contains characters a Grafana token cannot have "
                               "(spaces, line breaks or non-ASCII); check how it was set")
    return Secret(token)


def connect(connection: Connection, *, pool_size: int = 10, log=None) -> GrafanaApi:
    """A GrafanaApi for `connection`, after checking that Grafana answers /api/health with a
    working database and that the credentials are accepted. GrafanaUnavailable otherwise.
    `log(line)`, if given, receives one line per HTTP response (method, path, status, time)."""
    if not connection.auth:
        raise GrafanaUnavailable(
            f"no credentials for {connection.url}: set GRAFANA_TOKEN (a service-account token), "
            "--token-file FILE, or GRAFANA_USER and GRAFANA_PASSWORD")
    if connection.insecure:
        click.echo(f"dashsmith: warning: TLS certificate verification is off for "
                   f"{connection.url} (--insecure)", err=True)
        _quiet_insecure_warnings()
    api = client(connection, pool_size=pool_size, log=log)
    health = call(connection, lambda: api.client.GET("/health"), "check /api/health")
    if not isinstance(health, dict) or health.get("database") != "ok":
        raise GrafanaUnavailable(f"Grafana at {connection.url} is not healthy: /api/health "
                                 f"answered {health!r}")
    call(connection, lambda: api.client.GET("/org"), "check the credentials")
    return api


def client(connection: Connection, *, pool_size: int = 10, log=None) -> GrafanaApi:
    """An unchecked GrafanaApi (connect() checks it)."""
    parts = urlsplit(connection.url)
    verify = False if connection.insecure else (connection.ca_cert or True)
    api = GrafanaApi(auth=connection.auth, host=parts.hostname, port=parts.port,
                     url_path_prefix=parts.path.strip("/") + "/" if parts.path.strip("/") else "",
                     protocol=parts.scheme, verify=verify, timeout=connection.timeout,
                     organization_id=connection.org_id, session_pool_size=max(pool_size, 10))
    api.client.s.hooks.setdefault("response", []).append(retry.remember_retry_after)
    if log:
        api.client.s.hooks["response"].append(_response_logger(log))
    return api


def call(connection: Connection, fn, doing: str):
    """fn() with retries; any failure becomes GrafanaUnavailable with a clear, secret-free
    message."""
    try:
        return retry.call(lambda attempt: fn())
    except Exception as error:  # noqa: BLE001 - every failure here means "cannot use Grafana"
        raise GrafanaUnavailable(connection.redact(
            f"cannot {doing} at {connection.url}: {explain(error, connection)}")) from None


def explain(error: BaseException, connection: Connection | None = None) -> str:
    """A one-line, secret-free description of a failed Grafana call."""
    if isinstance(error, GrafanaTimeoutError):
        timeout = f" within {connection.timeout:g}s" if connection else ""
        return f"no answer{timeout} (timeout; raise it with --timeout)"
    if isinstance(error, GrafanaException):
        return _explain_status(error, connection)
    if isinstance(error, niquests.exceptions.SSLError):
        return ("TLS verification failed; for a private CA use --ca-cert FILE "
                f"({_first_line(error)})")
    if isinstance(error, niquests.exceptions.ConnectionError):
        return _connection_failed(error, connection)
    if isinstance(error, niquests.exceptions.RequestException):
        return f"{type(error).__name__} ({_plain(_first_line(error))})"
    return f"{type(error).__name__}: {_plain(_first_line(error))}"


# What the operating system says when nothing could be connected to, as the HTTP library
# wraps it ('[Errno 111] Connection refused', 'Name or service not known'; macOS and Windows
# word the lookup failure differently), and what to do about each, as gh and kubectl say it.
_CONNECTION_FAILURES = (
    (re.compile(r"connection refused|actively refused", re.IGNORECASE),
     "connection refused: is GRAFANA_URL (--url) right, and is Grafana running there?"),
    (re.compile(r"name or service not known|nodename nor servname|getaddrinfo failed|"
                r"name resolution|no address associated|NameResolutionError", re.IGNORECASE),
     "no such host{host}: is GRAFANA_URL (--url) right?"),
    (re.compile(r"network is unreachable|no route to host", re.IGNORECASE),
     "no route to{host}: is GRAFANA_URL (--url) right, and is this machine on its network?"),
    (re.compile(r"timed out", re.IGNORECASE),
     "no connection within the timeout: is GRAFANA_URL (--url) right? (--timeout waits "
     "longer)"),
)


def _connection_failed(error: BaseException, connection: Connection | None) -> str:
    text = " ".join(str(e) for e in http_errors.chain(error))
    host = f" {urlsplit(connection.url).hostname}" if connection else ""
    for pattern, advice in _CONNECTION_FAILURES:
        if pattern.search(text):
            return advice.format(host=host)
    return f"connection failed ({_plain(_first_line(error))}): is GRAFANA_URL (--url) right?"


# urllib3's wrappers repeat the pool and the connection object (with its memory address)
_POOL = re.compile(r"\w*ConnectionPool\([^)]*\): Max retries exceeded with url: \S+ \(Caused by ")
_OBJECT = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>: ?")


def _plain(text: str) -> str:
    """An exception's text without the HTTP library's internals (pools, object addresses)."""
    return _OBJECT.sub("", _POOL.sub("", text))


def _explain_status(error: GrafanaException, connection: Connection | None) -> str:
    status = error.status_code
    detail = _body_message(error.response)
    if status == 401:
        who = connection.credential_source if connection else "the credentials"
        return f"401 Unauthorized: Grafana rejected {who} ({detail or 'no detail'})"
    if status == 403:
        return f"403 Forbidden: the credentials lack a permission ({detail})"
    if status == 0:
        return detail or _first_line(error)
    return f"{status} {detail}".strip()


def _body_message(body) -> str:
    if isinstance(body, dict):
        message = str(body.get("message") or body.get("title") or "")
        if body.get("messageId"):
            message += f" [{body['messageId']}]"
        return message
    return str(body or "").strip()[:200]


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]


def _response_logger(log):
    def hook(response, **kwargs):
        request = response.request
        path = urlsplit(request.url).path
        elapsed = response.elapsed.total_seconds() * 1000 if response.elapsed else 0
        log(f"{request.method} {path} → {response.status_code} ({elapsed:.0f} ms)")
        return response
    return hook


def _quiet_insecure_warnings() -> None:
    import warnings
    warnings.filterwarnings("ignore", message=".*Unverified HTTPS request.*")
