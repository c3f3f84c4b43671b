"""Authentication (Bearer service-account tokens, Basic users) and role checks."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import ApiError, access_denied, plain_error, structured_error
from .http_types import Identity

ROLE_RANK = {"Viewer": 1, "Editor": 2, "Admin": 3}


def role_at_least(role: str, minimum: str) -> bool:
    return ROLE_RANK.get(role, 0) >= ROLE_RANK[minimum]


@dataclass
class Credentials:
    """What the emulator accepts: tokens -> role, (login, password) -> role."""

    tokens: Mapping[str, str] = field(default_factory=dict)
    users: Mapping[tuple[str, str], str] = field(default_factory=dict)
    expired_tokens: frozenset[str] = frozenset()
    revoked_tokens: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for role in [*self.tokens.values(), *self.users.values()]:
            if role not in ROLE_RANK:
                raise ValueError(f"unknown role {role!r}; use one of {sorted(ROLE_RANK)}")

    def authenticate(self, authorization: str | None) -> Identity:
        """The Identity behind an Authorization header, or the 401 Grafana sends."""
        if not authorization:
            raise plain_error(401, "Unauthorized")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return self._token_identity(value.strip())
        if scheme.lower() == "basic":
            return self._user_identity(value.strip())
        raise plain_error(401, "Unauthorized")

    def _token_identity(self, token: str) -> Identity:
        if token in self.expired_tokens:
            raise _auth_error("api-key.expired", "Expired API key")
        if token in self.revoked_tokens:
            raise _auth_error("api-key.revoked", "Revoked API key")
        if token not in self.tokens:
            raise _auth_error("api-key.invalid", "Invalid API key")
        position = list(self.tokens).index(token)
        return Identity(login=f"sa-1-token-{position + 1}", role=self.tokens[token],
                        user_id=1000 + position, is_service_account=True)

    def _user_identity(self, encoded: str) -> Identity:
        try:
            login, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise _auth_error("password-auth.failed", "Invalid username or password") from None
        role = self.users.get((login, password))
        if role is None:
            raise _auth_error("password-auth.failed", "Invalid username or password")
        position = list(self.users).index((login, password))
        return Identity(login=login, role=role, user_id=position + 1, is_service_account=False)


def _auth_error(message_id: str, message: str) -> ApiError:
    return structured_error(401, message_id, message, extra=True)


def authorize(identity: Identity, minimum_role: str | None, action: str) -> None:
    """The RBAC middleware: a role below the route's minimum gets the 403 body."""
    if minimum_role is not None and not role_at_least(identity.role, minimum_role):
        raise access_denied(action)
