"""Secrets of the receivers (webhook URLs, routing keys, passwords) never enter the build.

The compiled alertmanager.yml names a file for each (Alertmanager's `*_file` fields) and
Alertmanager reads it when it notifies. A secret declared with an environment variable is
materialised into that file at deploy time; deploying to Grafana, which cannot read files,
reads the value from the environment or the file then and sends it in the request."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashsmith.model.source import Source, caller

if TYPE_CHECKING:
    from dashsmith.routing.tree import Routing

SECRETS_DIR = "/etc/alertmanager/secrets"


class SecretError(Exception):
    pass


@dataclass(frozen=True)
class Secret:
    path: str  # where Alertmanager reads it
    env: str | None = None  # where deploy reads it from, if not from `path`
    source: Source = field(default_factory=caller, compare=False)

    def value(self, environ: Mapping[str, str], root: str = "/") -> str:
        """The secret itself, read at deploy time: from the environment variable if one was
        declared, else from the file (under `root`)."""
        if self.env:
            if self.env not in environ:
                raise SecretError(f"{self.source}: environment variable {self.env} is not set")
            return environ[self.env]
        try:
            return self.read_file(root)
        except OSError as error:
            raise SecretError(f"{self.source}: cannot read secret file {self.path}: "
                              f"{error.strerror}") from None

    def read_file(self, root: str = "/") -> str:
        """The secret from its file (under `root`); OSError if it cannot be read."""
        with open(rebased(self.path, root), encoding="utf-8") as handle:
            return handle.read().strip()

    def __repr__(self) -> str:  # never shows a value; there is none in the declaration
        return f"Secret(path={self.path!r}, env={self.env!r})"


def secret_file(path: str) -> Secret:
    """A secret Alertmanager reads from `path` (a file you provision on its host)."""
    if not os.path.isabs(path):
        raise ValueError(f"secret file {path!r} must be an absolute path")
    return Secret(path, None, caller())


def secret_env(name: str, path: str | None = None) -> Secret:
    """A secret taken from environment variable `name` at deploy time and written to `path`
    (default /etc/alertmanager/secrets/<name in lower case>) for Alertmanager to read."""
    path = path or f"{SECRETS_DIR}/{name.lower()}"
    return Secret(path, name, caller())


def resolve_receivers(routing: Routing, environ: Mapping[str, str],
                      root: str = "/") -> dict[Secret, str]:
    """Every secret the routing's receivers use (what Grafana's contact points carry; the SMTP
    password is Alertmanager's alone), read now: secret → its value. When any is missing, one
    SecretError lists them all, each variable not set and each file that cannot be read with
    the receivers that use it, so a single run says everything that must be provided."""
    values, missing, unreadable = {}, [], []
    for secret, receivers in _receivers_by_secret(routing).items():
        users = ("receiver " if len(receivers) == 1 else "receivers ") + ", ".join(
            f"'{name}'" for name in receivers)
        if secret.env and secret.env not in environ:
            missing.append(f"{secret.env} ({users})")
            continue
        try:
            values[secret] = environ[secret.env] if secret.env else secret.read_file(root)
        except OSError as error:
            unreadable.append(f"{secret.path} ({users}): {error.strerror}")
    problems = missing_secrets(missing, unreadable)
    if problems:
        raise SecretError(problems)
    return values


def missing_secrets(missing: list[str], unreadable: list[str]) -> str:
    """One sentence naming every variable not set and every file not readable ("" if none):
    a single run says everything that must be provided."""
    problems = []
    if missing:
        problems.append("environment variables not set: " + ", ".join(sorted(missing)))
    if unreadable:
        problems.append("secret files not readable: " + ", ".join(sorted(unreadable)))
    return "; ".join(problems)


def _receivers_by_secret(routing: Routing) -> dict[Secret, list[str]]:
    found: dict[Secret, list[str]] = {}
    for receiver in routing.receivers:
        for integration in receiver.integrations:
            for secret in integration.secrets():
                names = found.setdefault(secret, [])
                if receiver.name not in names:
                    names.append(receiver.name)
    return found


def rebased(path: str, root: str) -> str:
    """`path` under another root directory: ('/etc/x', '/tmp/am') → '/tmp/am/etc/x'."""
    return os.path.join(root, path.lstrip("/")) if root not in ("", "/") else path


def materialise(secrets: Iterable[Secret], environ: Mapping[str, str],
                root: str = "/") -> list[str]:
    """Write each environment-declared secret to its file under `root` (mode 0600); the files
    written. Checks every variable first, so a missing one leaves nothing half written."""
    pending = {s.path: (s, s.env) for s in secrets if s.env}
    missing = sorted(f"{env} ({s.source})" for s, env in pending.values() if env not in environ)
    if missing:
        raise SecretError("environment variables not set: " + ", ".join(missing))
    written = []
    for path, (_secret, env) in sorted(pending.items()):
        target = rebased(path, root)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(environ[env])
        written.append(target)
    return written
