"""The store's keys, from the environment or from a file, never from the command line (which
`ps` and shell history show) and never printed: a Secret shows as `***` in a repr, an f-string
or a log line, and the bridge's messages name the variable a key came from, not the key.

`NAME` holds the value itself; `NAME_FILE` the path of a file holding it (Docker and
Kubernetes secrets are files), its surrounding whitespace ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class CredentialError(Exception):
    pass


class Secret:
    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str):
        self._value = value
        self.source = source  # where it came from: an environment variable or a file's path

    def reveal(self) -> str:
        """The value, for the one place that sends it (an Authorization or x-api-key header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret(*** from {self.source})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)


def secret(name: str, environ: Mapping[str, str] | None = None) -> Secret:
    """The secret in environment variable `name`, or in the file `name`_FILE names."""
    environ = os.environ if environ is None else environ
    value, path = environ.get(name), environ.get(f"{name}_FILE")
    if value and path:
        raise CredentialError(f"set {name} or {name}_FILE, not both")
    if value:
        return Secret(value.strip(), f"${name}")
    if path:
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read().strip()
        except OSError as error:
            raise CredentialError(f"cannot read {name}_FILE ({path}): {error.strerror}") from None
        if not text:
            raise CredentialError(f"{name}_FILE ({path}) is empty")
        return Secret(text, path)
    raise CredentialError(f"{name} is not set (nor {name}_FILE)")


def setting(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """A setting that is not secret (a host, a project name), from the environment."""
    environ = os.environ if environ is None else environ
    return environ.get(name) or default
