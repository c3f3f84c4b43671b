"""Which JSON field each grafanalib attribute writes, found by asking grafanalib itself.

For every attribute of a class, render the class once with a distinctive value in that
attribute and look where the value lands. Attributes whose value lands unchanged at one
path (`unit` → fieldConfig.defaults.unit) can be set from imported JSON; the rest (objects,
transformed values) are left to the helpers or to verbatim fields.
"""

from __future__ import annotations

import functools
from typing import Any

import attr

from dashsmith.compiler.render import plain

Path = tuple[str, ...]
# Attributes the layout, the queries or grafanalib's own escape hatch own, or Grafana ignores.
NOT_OPTIONS = {"targets", "gridPos", "id", "span", "height", "minSpan", "extraJson", "editable",
               "error", "title", "panels", "thresholds", "thresholdType", "cacheTimeout"}
_PROBE = "\x00probe"


@functools.cache
def fields(cls: type) -> dict[Path, str]:
    """{json path: attribute} for the attributes of `cls` that write their value as it is."""
    base = plain(cls(**_required(cls)))
    found: dict[Path, str] = {}
    for field in attr.fields(cls):
        if field.name in NOT_OPTIONS or not field.init:
            continue
        for probe in _probes(field):
            try:
                probed = plain(cls(**{**_required(cls), _init_name(field): probe}))
            except Exception:  # noqa: BLE001 - grafanalib's validators reject the probe: next
                continue
            path = _where(base, probed, probe)
            if path:
                found[path] = _init_name(field)
            break
    return found


def _required(cls: type) -> dict[str, str]:
    return {_init_name(f): "x" for f in attr.fields(cls) if f.default is attr.NOTHING and f.init}


def _init_name(field: attr.Attribute[Any]) -> str:
    return field.name.lstrip("_")


def _probes(field: attr.Attribute[Any]) -> list[object]:
    default: Any = field.default  # any value, or a Factory making one
    # attrs' stubs declare Factory as an overloaded function; it is a class (the default
    # of a field given a factory is an instance of it).
    if isinstance(default, attr.Factory):  # type: ignore[arg-type]
        default = default.factory()
    options = getattr(field.validator, "options", None)
    if options:
        return [o for o in options if o != default][:1]
    members = getattr(getattr(field.validator, "member_validator", None), "options", None)
    if members and isinstance(default, list):
        return [[members[-1]]]
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int):
        return [987653]
    if isinstance(default, float):
        return [0.987653]
    if isinstance(default, list):
        return [[_PROBE]]
    if isinstance(default, dict):
        return [{_PROBE: 1}]
    return [_PROBE, 987653]


def _where(base: object, probed: object, probe: object, path: Path = ()) -> Path | None:
    """The one path where `probed` holds `probe` and `base` does not."""
    if _equal(probed, probe) and not _equal(base, probe):
        return path
    if isinstance(probed, dict):
        hits: list[Path] = []
        for key, value in probed.items():
            base_value = base.get(key) if isinstance(base, dict) else None
            hit = _where(base_value, value, probe, path + (key,))
            if hit is not None:
                hits.append(hit)
        return hits[0] if len(hits) == 1 else None
    return None


def _equal(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b
