"""Bearer tokens: HS256 JWTs carrying subject and role.

The signing key, the issuer and the roles are the contracts' (``govledger_contracts.tokens``):
the projector checks the same tokens on its reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jwt

from govledger_contracts.tokens import (
    ISSUER,
    KEY_FILE,
    ROLES,
    Principal,
    TokenRefused,
    load_or_create_key,
    verify_token,
)

__all__ = ["ISSUER", "KEY_FILE", "ROLES", "AuthError", "Principal", "TokenCache", "issue_token",
           "load_or_create_key", "verify_token"]


AuthError = TokenRefused
"""A refused bearer token (401); the contracts' type, which the projector raises too."""


def issue_token(data_dir: Path, jwt_secret: str | None, *, subject: str, role: str,
                ttl_seconds: int = 86400, now: dt.datetime | None = None) -> str:
    """A signed bearer token for ``subject`` acting as ``role``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of: {', '.join(sorted(ROLES))}")
    if not subject:
        raise ValueError("the subject must not be empty")
    issued = now or dt.datetime.now(dt.UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": role, "iat": issued,
              "exp": issued + dt.timedelta(seconds=ttl_seconds)}
    return jwt.encode(claims, load_or_create_key(data_dir, jwt_secret), algorithm="HS256")


class TokenCache:
    """Verified tokens, so a client's every request does not pay for HMAC and JSON parsing
    again; an entry is used only until its token expires, and the cache is bounded."""

    def __init__(self, key: str, max_entries: int = 4096) -> None:
        self._key = key
        self._max = max_entries
        self._verified: dict[str, Principal] = {}

    def verify(self, token: str, now: float) -> Principal:
        principal = self._verified.get(token)
        if principal is not None and now < principal.expires_at:
            return principal
        principal = verify_token(token, self._key)
        if len(self._verified) >= self._max:
            self._verified.clear()
        self._verified[token] = principal
        return principal
