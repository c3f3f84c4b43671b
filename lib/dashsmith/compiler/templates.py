"""grafanalib's JSON, made once per style.

Most panels of an estate differ only in content: a title and a description, or for a target
its expression and legend. grafanalib builds each object with validators and renders it through
nested `to_json_data` calls, which is most of a build's time. Here an object's JSON is rendered
once per style (its class and every keyword argument except the content), with sentinels in
place of the content; each object of that style then gets a copy with its content filled in.

The output is what grafanalib gives for the object itself (tests/test_templates.py checks it
for every helper). Where a style cannot be a template — an argument orjson cannot encode, or
content that grafanalib copies into a larger string — the object is made and rendered as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

_SENTINEL = "\x00dashsmith-content:{}\x00"
_SENTINEL_MARK = b"dashsmith-content:"
_KEY_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def plain(obj: object) -> dict:
    """grafanalib objects as plain dicts and lists, all the way down. orjson walks the tree in C
    and calls back only for grafanalib objects, which is many times faster than a Python walk."""
    data: dict = orjson.loads(orjson.dumps(obj, default=_to_json_data,
                                           option=orjson.OPT_NON_STR_KEYS))
    return data


def _to_json_data(obj: object) -> Any:
    to_json = getattr(obj, "to_json_data", None)
    if to_json is None:
        raise TypeError(f"cannot render {type(obj).__name__} as JSON")
    return to_json()


@dataclass(frozen=True)
class _Template:
    text: bytes
    slots: tuple[tuple[tuple, str], ...]  # (path into the JSON, content field)

    def fill(self, content: dict) -> dict:
        data: dict = orjson.loads(self.text)
        for path, name in self.slots:
            *parents, last = path
            node = data
            for step in parents:
                node = node[step]
            node[last] = content[name]
        return data


class Templates:
    """A cache of rendered styles; one per build."""

    def __init__(self) -> None:
        self._styles: dict[tuple, _Template | None] = {}

    def render(self, cls: type, kwargs: dict, content: tuple[str, ...]) -> dict:
        """`plain(cls(**kwargs))`, from the style's template when it has one. grafanalib's
        validators run when a style's template is made; content fields must be ones it does not
        validate. Their errors are raised as they are."""
        if not all(name in kwargs for name in content):
            return plain(cls(**kwargs))
        style = {key: value for key, value in kwargs.items() if key not in content}
        try:
            key = (cls, orjson.dumps(style, option=_KEY_OPTIONS))
        except TypeError:  # an argument that is not plain data: no template
            return plain(cls(**kwargs))
        if key not in self._styles:
            self._styles[key] = _make(cls, style, content)
        template = self._styles[key]
        if template is None:
            return plain(cls(**kwargs))
        return template.fill(kwargs)


def _make(cls: type, style: dict, content: tuple[str, ...]) -> _Template | None:
    sentinels = {name: _SENTINEL.format(name) for name in content}
    data = plain(cls(**style, **sentinels))
    slots = tuple(_slots(data, {v: k for k, v in sentinels.items()}, ()))
    text = orjson.dumps(data)
    if text.count(_SENTINEL_MARK) != len(slots):
        return None  # content copied into a larger string: render such objects one by one
    return _Template(text, slots)


def _slots(node: object, names: dict[str, str], path: tuple) -> Iterator[tuple[tuple, str]]:
    items: Iterable[tuple[Any, object]]
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        if isinstance(value, str) and value in names:
            yield path + (key,), names[value]
        else:
            yield from _slots(value, names, path + (key,))
