"""Issue 18, messages as a newcomer reads them: a secret is redacted where it can appear and
nowhere else (a one-letter token must not turn "check" into "ch***ck"), at every verbosity, and
a connection that fails says what is wrong and what to do (gh, kubectl), without the HTTP
library's internals."""

from __future__ import annotations

import base64
import re
import socket
from urllib.parse import quote

import pytest

from dashsmith.grafana.connection import Connection, Secret

try:
    from tests.grafana_emulator import GrafanaEmulator
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from grafana_emulator import GrafanaEmulator

GOOD = "glsa_messages_Xq7Zt9Lm2Pw4Rv8Kc3Hs6Nd1Bf5Jg0Ty"
DATASOURCE = {"uid": "prom-main", "name": "Prometheus", "type": "prometheus",
              "url": "http://prometheus:9090", "isDefault": True}
CLEAN_ENV = dict.fromkeys(("GRAFANA_URL", "GRAFANA_TOKEN", "GRAFANA_TOKEN_FILE", "GRAFANA_USER",
                           "GRAFANA_PASSWORD", "GRAFANA_CA_CERT", "GRAFANA_TIMEOUT",
                           "GRAFANA_ORG_ID", "PROMETHEUS_URL", "CI")) | {"DASHSMITH_RULES": "none"}
# short, long and odd: one letter, a real token's shape, and characters URLs and regular
# expressions treat specially
TOKENS = ["e", "ab", GOOD, "a+b/c==", "p@ss:w0rd!", "x.y-z~$1", "(.*)"]
# words every message of these commands can hold; none may lose a letter to a short token
WORDS = ("check", "health", "credentials", "Grafana", "rejected", "the token in GRAFANA_TOKEN")


@pytest.mark.parametrize("token", TOKENS)
def test_a_token_is_redacted_where_it_can_appear_and_nowhere_else(token):
    connection = Connection("http://grafana:3000", token=Secret(token))
    places = [f"Authorization: Bearer {token}", f"invalid header value b'Bearer {token}'",
              f'{{"key": "{token}"}}', f"http://grafana:3000/api/search?token={quote(token)}",
              f"token={token}\n"]
    for text in places:
        redacted = connection.redact(text)
        assert token not in redacted.replace("***", "") or len(token) < 3, (text, redacted)
        assert "***" in redacted, text
    ordinary = "cannot check /api/health at http://grafana:3000: no answer (timeout)"
    assert connection.redact(ordinary) == ordinary


def test_a_password_is_redacted_also_as_a_basic_authorization_header():
    connection = Connection("http://grafana:3000", user="admin", password=Secret("s3cret!"))
    header = base64.b64encode(b"admin:s3cret!").decode()
    assert connection.redact(f"Authorization: Basic {header}") == "Authorization: Basic ***"
    assert connection.redact("user admin, password s3cret!") == "user admin, password ***"
    # a short secret is not redacted inside a longer word ("secret3" is not "s3cret!"), but
    # where its end is no letter, what follows it does not hide it: "s3cret!x" shows it
    assert connection.redact("a secret3 is no s3cret!x") == "a secret3 is no ***x"
    assert connection.redact("as3cret!") == "as3cret!"


def test_a_long_secret_is_redacted_even_inside_a_longer_word():
    connection = Connection("http://grafana:3000", user="admin", password=Secret("s3cret!pw"))
    assert connection.redact("password s3cret!pwx, s3cret!pw_2") == "password ***x, ***_2"
    assert connection.redact("a s3cret!p is shorter") == "a s3cret!p is shorter"


@pytest.fixture(scope="module")
def grafana():
    emu = GrafanaEmulator(version="12.4.0", tokens={GOOD: "Admin"},
                          datasources=[DATASOURCE]).start()
    yield emu
    emu.stop()


@pytest.mark.parametrize("verbosity", [(), ("-v",), ("-vv",)])
@pytest.mark.parametrize("token", TOKENS)
def test_no_verbosity_prints_the_token_or_mangles_a_word(cli, grafana, token, verbosity):
    result = cli("deploy", "--dry-run", *verbosity,
                 env={**CLEAN_ENV, "GRAFANA_URL": grafana.url, "GRAFANA_TOKEN": token})
    output = result.output
    if token == GOOD:
        assert result.exit_code == 0, output
        assert "GET /api/health" in output or verbosity != ("-vv",)
    else:
        assert result.exit_code == 2, output
        assert "cannot check the credentials at" in output
        assert "401 Unauthorized: Grafana rejected the token in GRAFANA_TOKEN" in output
    for word in WORDS:
        assert "***" not in word  # the words above are whole in the output where they appear
    # '***' only ever stands for a whole secret, never inside a word
    assert not re.search(r"[A-Za-z0-9_]\*\*\*|\*\*\*[A-Za-z0-9_]", output), output
    if len(token) >= 3:
        assert token not in output


# --- connection errors -----------------------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _no_internals(text: str) -> None:
    for internal in ("urllib3", "ConnectionPool", " object at 0x", "Max retries", "NewConnection"):
        assert internal not in text, text


def test_connection_refused_says_to_check_the_url(cli):
    url = f"http://127.0.0.1:{_closed_port()}"
    result = cli("diff", "--live", env={**CLEAN_ENV, "GRAFANA_URL": url, "GRAFANA_TOKEN": GOOD})
    assert result.exit_code == 2
    assert f"dashsmith: cannot check /api/health at {url}: connection refused: is GRAFANA_URL " \
           "(--url) right, and is Grafana running there?" in result.output
    _no_internals(result.output)


def test_an_unknown_host_says_so(cli):
    url = "http://no-such-host.invalid:3000"
    result = cli("diff", "--live", env={**CLEAN_ENV, "GRAFANA_URL": url, "GRAFANA_TOKEN": GOOD})
    assert result.exit_code == 2
    assert "no such host no-such-host.invalid: is GRAFANA_URL (--url) right?" in result.output
    _no_internals(result.output)


def test_an_empty_token_file_is_called_empty(cli, tmp_path):
    empty = tmp_path / "token"
    empty.write_text("\n")
    result = cli("diff", "--live", "--token-file", str(empty),
                 env={**CLEAN_ENV, "GRAFANA_URL": "http://127.0.0.1:3000"})
    assert result.exit_code == 2
    assert f"--token-file {empty}: the token file is empty" in result.output
    assert "characters a Grafana token cannot have" not in result.output


def test_a_prometheus_address_without_a_scheme_is_told_to_add_http(cli):
    result = cli("verify", "--prometheus", "127.0.0.1:9090", env=CLEAN_ENV)
    assert result.exit_code == 2, result.output
    assert "not a URL: add http:// (http://127.0.0.1:9090)" in result.output
    assert "No connection adapters" not in result.output
