"""Fitting a declaration to imported JSON: render a candidate, compare it with the original
(both normalised), set the grafanalib options that close the gap, and carry what is left
verbatim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from dashsmith.grafana.equivalence import canonical, same

MISSING = object()
Path = tuple[str, ...]  # keys into nested JSON objects
# A JSON path → whether Grafana has a default for it, and the default.
DefaultOf = Callable[[Path], tuple[bool, object]]


def get(data: object, path: Path, default: object = MISSING) -> Any:
    """The JSON value at `path`, or `default`."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def differences(target: object, built: object, path: Path = ()) -> list[Path]:
    """Paths of the leaves (non-objects) where `built` differs from `target`."""
    if isinstance(target, dict) and built is MISSING:
        built = {}
    elif isinstance(built, dict) and target is MISSING:
        target = {}
    if isinstance(target, dict) and isinstance(built, dict):
        out: list[Path] = []
        for key in list(target) + [k for k in built if k not in target]:
            out += differences(target.get(key, MISSING), built.get(key, MISSING), path + (key,))
        return out
    if target is MISSING and built is MISSING:
        return []
    if target is MISSING or built is MISSING or not _same(target, built):
        return [path]
    return []


def _same(a: object, b: object) -> bool:
    """grafana.equivalence.same, without its canonical copies when the two serialise alike
    (the common case while fitting: most of a panel is already right)."""
    if type(a) is type(b) and type(a) in (str, int, bool):
        return bool(a == b)
    if type(a) is list and type(b) is list:
        try:
            if orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == \
                    orjson.dumps(b, option=orjson.OPT_SORT_KEYS):
                return True
        except TypeError:
            pass
    return same(a, b)


def overlay(target: dict, built: dict, default_of: DefaultOf,
            path: Path = ()) -> tuple[dict, int]:
    """The fields to lay over `built` (with verbatim.merge) so that it normalises to `target`,
    and how many of them take away a field `target` does not have. A field is taken away by
    setting it to Grafana's default, or to null where there is none (Grafana reads both as
    left out)."""
    extra: dict[str, object] = {}
    removed = 0
    for key in list(target) + [k for k in built if k not in target]:
        want, have = target.get(key, MISSING), built.get(key, MISSING)
        where = path + (key,)
        if want is MISSING:
            found, default = default_of(where)
            extra[key] = canonical(default) if found else None
            removed += 1
        elif isinstance(want, dict) and isinstance(have, dict):
            sub, sub_removed = overlay(want, have, default_of, where)
            if sub:
                extra[key] = sub
            removed += sub_removed
        elif have is MISSING or not same(want, have):
            extra[key] = want
    return extra, removed


def leaves(extra: dict, path: Path = ()) -> list[Path]:
    out: list[Path] = []
    for key, value in extra.items():
        if isinstance(value, dict) and value:
            out += leaves(value, path + (key,))
        else:
            out.append(path + (key,))
    return out


def summary(extra: dict) -> list[str]:
    """The fields of an extra dict, one line per field, or per top-level key when it has many."""
    out: list[str] = []
    for key, value in extra.items():
        paths = leaves({key: value})
        if len(paths) <= 3:
            out += [".".join(map(str, p)) for p in paths]
        else:
            out.append(f"{key} ({len(paths)} fields)")
    return out


def fit_options(render: Callable[[dict], dict], target: dict, options: dict,
                fields: dict[Path, str], default_of: DefaultOf, skip: set[str]) -> dict:
    """grafanalib options (attribute → value) that make render(options) closer to `target`.
    `fields` maps JSON paths to the attributes that write them; an attribute the caller
    fixes itself (render raises TypeError) is left alone."""
    refused: set[str] = set()
    for _ in range(8):
        built = render(options)
        changed = False
        for path in differences(target, built):
            if path and path[0] in skip:
                continue
            found = _field_for(path, fields)
            if found is None:
                continue
            prefix, name = found
            if name in options or name in refused:
                continue
            value = get(target, prefix)
            if value is MISSING:
                known, default = default_of(prefix)
                value = default if known else None
            trial = {**options, name: value}
            try:
                render(trial)
            except (TypeError, ValueError):
                refused.add(name)
                continue
            options, changed = trial, True
        if not changed:
            break
    return _without_needless(render, target, options, skip)


def _without_needless(render: Callable[[dict], dict], target: dict, options: dict,
                      skip: set[str]) -> dict:
    """Drop the options that only mattered while others were unset."""
    def misses(chosen: dict) -> int:
        return len([p for p in differences(target, render(chosen)) if p[:1] not in skip_paths])

    skip_paths = {(key,) for key in skip}
    current = misses(options) if options else 0
    for name in list(options):
        trial = {k: v for k, v in options.items() if k != name}
        try:
            found = misses(trial)
        except (TypeError, ValueError):
            continue
        if found <= current:
            options, current = trial, found
    return options


def _field_for(path: Path, fields: dict[Path, str]) -> tuple[Path, str] | None:
    for length in range(len(path), 0, -1):
        name = fields.get(path[:length])
        if name is not None:
            return path[:length], name
    return None
