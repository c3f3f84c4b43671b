"""What the HTTP clients (grafana/connection.py, prometheus/api.py, ruler/client.py) may print
about a request: why it failed, without the HTTP library's wrappers, and nothing of the
credentials it carried.

    reason(error)                      '[Errno 111] Connection refused': the innermost cause
    chain(error)                       the exception and its causes, innermost last
    redact(text, secrets, user=...)    every secret (and user:secret as Basic auth) → '***'
    split_credentials(url)             ('https://mimir.example.com', 'bob', 'hunter2')

One home for each, below grafana/, prometheus/ and ruler/, so that all three print the same.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit

# A secret shorter than this is replaced only where it is not part of a longer word (no letter,
# digit or _ touching it): a one-letter token must not turn "check" into "ch***ck". A longer
# one is replaced wherever it appears: "s3cret!pw" followed by a letter is still the password.
SHORT_SECRET = 8
MASK = "***"


def chain(error: BaseException) -> list[BaseException]:
    """`error` and what caused it, innermost last: urllib3 keeps the cause in `.reason`,
    Python in __cause__ / __context__."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not e for e in found):
        found.append(current)
        cause = getattr(current, "reason", None)
        current = cause if isinstance(cause, BaseException) \
            else current.__cause__ or current.__context__
    return found


def reason(error: BaseException) -> str:
    """Why a request found nothing answering, in the operating system's words ('[Errno 111]
    Connection refused', 'timed out'): the innermost cause, under the HTTP library's and
    urllib3's wrappers (whose own text repeats the URL and the connection object)."""
    inner = chain(error)[-1]
    return str(inner).strip() or str(error).strip() or type(error).__name__


def redact(text: str, secrets: Iterable[str | None], *, user: str | None = None,
           password: str | None = None) -> str:
    """`text` with every secret replaced by '***' wherever one can appear: as written (a
    header, a body, an exception's text), percent-encoded (a URL) and, for `user` with
    `password`, as the base64 of user:password (a Basic Authorization header). A short secret
    (under SHORT_SECRET characters) only where no letter, digit or _ touches it."""
    wanted = tuple(sorted({s for s in (*secrets, password) if s}))
    basic = user if user is not None and password else None
    for pattern in _patterns(wanted, basic, password or None):
        text = pattern.sub(MASK, text)
    return text


@functools.lru_cache(maxsize=16)
def _patterns(secrets: tuple[str, ...], user: str | None,
              password: str | None) -> tuple[re.Pattern[str], ...]:
    forms: set[str] = set()
    for secret in secrets:
        forms |= {secret, quote(secret), quote(secret, safe=""), quote_plus(secret)}
    if user is not None and password:
        forms.add(base64.b64encode(f"{user}:{password}".encode()).decode())
    # Longest first: a form that contains another is replaced whole.
    return tuple(_pattern(form) for form in sorted(forms, key=len, reverse=True))


def _pattern(form: str) -> re.Pattern[str]:
    """A long secret anywhere; a short one where it is not part of a longer word: no letter,
    digit or _ may touch an end that is one itself ("s3cret!" is the password in "s3cret!x",
    "e" is not in "check")."""
    if len(form) >= SHORT_SECRET:
        return re.compile(re.escape(form))
    before = r"(?<![A-Za-z0-9_])" if _WORD.match(form[0]) else ""
    after = r"(?![A-Za-z0-9_])" if _WORD.match(form[-1]) else ""
    return re.compile(before + re.escape(form) + after)


_WORD = re.compile(r"[A-Za-z0-9_]")


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(`url` without user:password@, to show; the user; the password), each decoded from its
    percent-encoding; (url, None, None) when it names none."""
    parts = urlsplit(url.strip())
    if parts.username is None and parts.password is None:
        return url.strip(), None, None
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    shown = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return (shown, unquote(parts.username or ""),
            None if parts.password is None else unquote(parts.password))
