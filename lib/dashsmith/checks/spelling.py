"""'Did you mean …?' for a name written with a typo: a keyword argument (`units=` for `unit=`),
a label name. rapidfuzz (a dependency already: checks/context.py's near_names asks it for
metric names) measures the edits, in C."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable

# How Python words a keyword a function does not take.
UNEXPECTED_KEYWORD = re.compile(r"unexpected keyword argument '(\w+)'")


def near(name: str, known: Iterable[str], limit: int = 2) -> list[str]:
    """Up to `limit` of the `known` names a typo away from `name`, closest first; none when
    `name` is itself known. A typo is an edit: a letter added, dropped or changed, or two
    swapped (`unti` for `unit`: OSA distance); one for a short name, up to three for a long
    one."""
    candidates = sorted(set(known))
    if not name or name in candidates:
        return []
    # Imported here: most runs suggest nothing, and rapidfuzz takes ~8 ms to import.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    edits = max(1, min(3, len(name) // 4))
    found = process.extract(name, candidates, scorer=OSA.distance, score_cutoff=edits,
                            limit=limit)
    return [candidate for candidate, _, _ in sorted(found, key=lambda f: (f[1], f[0]))]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"did you mean 'unit'?" (or "'a' or 'b'"), or "" when nothing is close."""
    close = near(name, known)
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else ""


def parameters(function: object) -> set[str]:
    """The keyword arguments `function` (or a class's constructor) takes by name: its
    parameters but *args and **kwargs, and an attrs class's fields (grafanalib's)."""
    names = {a.name for a in getattr(function, "__attrs_attrs__", ())}
    if callable(function):
        try:
            found = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            return names
        names |= {p.name for p in found if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return names
