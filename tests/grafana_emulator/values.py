"""Grafana's small value rules: uids, slugs, durations and timestamps.

Each function mirrors one Go function of Grafana 11.3 (named in its docstring),
so the emulator answers with the same uids, slugs and duration strings.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import time
import uuid
from datetime import datetime, timezone

MAX_UID_LENGTH = 40
_UID_CHARACTERS = re.compile(r"[a-zA-Z0-9\-_]*")


def is_valid_uid(uid: str) -> bool:
    """util.IsValidShortUID: letters, digits, '-' and '_' only (empty is valid)."""
    return _UID_CHARACTERS.fullmatch(uid) is not None


def is_uid_too_long(uid: str) -> bool:
    """util.IsShortUIDTooLong."""
    return len(uid) > MAX_UID_LENGTH


# util.GenerateShortUID (10.x-11.x): a random letter followed by a base-36
# snowflake id, which gives 13 or 14 characters.
_SNOWFLAKE_EPOCH_MS = 1288834974657
_sequence = itertools.count()
_node = random.getrandbits(10)


def generate_short_uid() -> str:
    millis = int(time.time() * 1000) - _SNOWFLAKE_EPOCH_MS
    snowflake = (millis << 22) | (_node << 12) | (next(_sequence) & 0xFFF)
    return random.choice(string.ascii_lowercase) + _base36(snowflake)


def _base36(number: int) -> str:
    digits = string.digits + string.ascii_lowercase
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


# pkg/infra/slugify: characters that are dropped, and the common replacements.
# Any other character outside [a-z0-9_-] becomes the hex of its UTF-8 bytes.
_SLUG_OMITTED = set(",\"'\n\r\x00?.()")
_SLUG_REPLACEMENTS = {
    " ": "-", "&": "and", "@": "at", "©": "c", "®": "r", "™": "tm",
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "þ": "p", "ð": "d",
    "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "a", "å": "a",
    "ç": "c", "è": "e", "é": "e", "ê": "e", "ë": "e",
    "ì": "i", "í": "i", "î": "i", "ï": "i",
    "ò": "o", "ó": "o", "ô": "o", "õ": "o", "ö": "o",
    "ù": "u", "ú": "u", "û": "u", "ü": "ue", "ý": "y", "ÿ": "y",
    "ą": "a", "ć": "c", "č": "c", "ď": "d", "ę": "e", "ě": "e", "ł": "l",
    "ń": "n", "ň": "n", "ř": "r", "ś": "s", "š": "s", "ť": "t", "ů": "u",
    "ź": "z", "ż": "z", "ž": "z",
}
_MAX_SLUG_BYTES = 50


def slugify(title: str) -> str:
    """slugify.Slugify: lowercase, spaces to '-', UUIDv5 when empty or > 50 bytes."""
    slug = "".join(_slug_piece(c) for c in title.strip().lower())
    if slug == "" or len(slug.encode()) > _MAX_SLUG_BYTES:
        slug = str(uuid.uuid5(uuid.NAMESPACE_OID, title))
    return slug


def _slug_piece(character: str) -> str:
    if character in _SLUG_REPLACEMENTS:
        return _SLUG_REPLACEMENTS[character]
    if character in "_-" or character in string.digits or character in string.ascii_lowercase:
        return character
    if character in _SLUG_OMITTED:
        return ""
    return character.encode().hex()


def dashboard_url(uid: str, slug: str) -> str:
    return f"/d/{uid}/{slug}"


def folder_url(uid: str, slug: str) -> str:
    return f"/dashboards/f/{uid}/{slug}"


# --- durations -------------------------------------------------------------

_PROM_UNITS_MS = [
    ("y", 365 * 86_400_000, True),
    ("w", 7 * 86_400_000, True),
    ("d", 86_400_000, False),
    ("h", 3_600_000, False),
    ("m", 60_000, False),
    ("s", 1000, False),
    ("ms", 1, False),
]
_PROM_DURATION = re.compile(
    r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?"
)


def parse_prometheus_duration(text: str) -> int:
    """model.ParseDuration, in milliseconds. A leading '-' is accepted (and kept)
    so that validation can report a negative `for` the way the contract asks."""
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if sign < 0 else text
    if body == "0":
        return 0
    match = _PROM_DURATION.fullmatch(body)
    if not body or match is None:
        raise ValueError(f"not a valid duration string: {text!r}")
    pairs = zip(match.groups(), _PROM_UNITS_MS, strict=True)
    total = sum(int(v) * unit for v, (_, unit, _) in pairs if v)
    return sign * total


def format_prometheus_duration(millis: int) -> str:
    """model.Duration.String: '300s' is written back as '5m'."""
    if millis == 0:
        return "0s"
    prefix = "-" if millis < 0 else ""
    remaining = abs(millis)
    out = ""
    for unit, size, exact_only in _PROM_UNITS_MS:
        if exact_only and remaining % size:
            continue
        count, remaining = divmod(remaining, size)
        if count:
            out += f"{count}{unit}"
    return prefix + out


def format_go_duration(seconds: int) -> str:
    """time.Duration.String for whole seconds: 65 -> '1m5s', 3600 -> '1h0m0s'."""
    if seconds == 0:
        return "0s"
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{sign}{minutes}m{secs}s"
    return f"{sign}{secs}s"


_GTIME_UNITS_S = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800,
                  "M": 2_592_000, "y": 31_536_000}
_GTIME_TERM = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)")


def parse_grafana_duration(text: str) -> float:
    """gtime.ParseDuration (dashboard refresh): '5s', '1m', '1h30m', '1d', ... in seconds."""
    terms = _GTIME_TERM.findall(text)
    if not terms or "".join(v + u for v, u in terms) != text:
        raise ValueError(f"invalid duration {text!r}")
    return sum(float(value) * _GTIME_UNITS_S[unit] for value, unit in terms)


def now_timestamp() -> str:
    """Go's time.Time JSON form, at the second precision the SQL store keeps."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def copy_json(value):
    """A deep copy of JSON data (dicts, lists and scalars): what copy.deepcopy does for it,
    several times faster (no memo), so large dashboards are saved and served quickly."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value
