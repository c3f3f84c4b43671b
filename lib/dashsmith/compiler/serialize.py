"""Deterministic bytes: JSON with sorted keys and 2-space indent, YAML in a fixed key order;
both end with a newline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
import yaml

if TYPE_CHECKING:
    # mypy takes no base class chosen at run time; CSafeDumper has SafeDumper's representers.
    _Dumper = yaml.SafeDumper
else:
    _Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _RuleDumper(_Dumper):
    pass


def _str(dumper: _RuleDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RuleDumper.add_representer(str, _str)


def to_json(data: object) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def to_yaml(data: object, sort_keys: bool = False) -> bytes:
    text = yaml.dump(data, Dumper=_RuleDumper, sort_keys=sort_keys, default_flow_style=False,
                     allow_unicode=True, width=1 << 16)
    return text.encode("utf-8")
