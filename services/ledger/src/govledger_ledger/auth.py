"""Bearer tokens: HS256 JWTs carrying subject and role.

The signing key comes from settings, or is generated into the data folder on first start
(``jwt.key``, mode 0600) so that every process and command of one installation shares it.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import jwt
import msgspec

from govledger_contracts.problems import TOKEN_REFUSALS, Text

ISSUER = "govledger"
KEY_FILE = "jwt.key"
ROLES = frozenset({
    "secretariat", "council_chair", "department_officer", "working_group", "vote_gateway",
    "auditor", "admin", "resident",
})


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    role: str
    expires_at: float = 0.0
    """Unix time the token stops being valid."""


class AuthError(Exception):
    """The bearer token is missing, malformed, expired or not signed by this ledger;
    ``reason`` is a key of ``TOKEN_REFUSALS``, ``text`` its (Korean, English) words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.text: Text = TOKEN_REFUSALS[reason]
        super().__init__(self.text[1])


def load_or_create_key(data_dir: Path, jwt_secret: str | None) -> str:
    """The configured secret, else the one in ``data_dir``, created on first use."""
    if jwt_secret:
        return jwt_secret
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text("utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, one creates the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


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


def verify_token(token: str, key: str) -> Principal:
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iss"]})
    # The library's own words are not shown: they are English only and name its internals.
    # A bad signature is checked before the expiry, so a forged expired token is "forged".
    except jwt.ExpiredSignatureError:
        raise AuthError("token_expired") from None
    except jwt.InvalidSignatureError:
        raise AuthError("token_bad_signature") from None
    except jwt.DecodeError:
        raise AuthError("token_malformed") from None
    except jwt.PyJWTError:
        raise AuthError("token_invalid") from None
    role = claims.get("role")
    if role not in ROLES:
        raise AuthError("token_invalid")
    return Principal(subject=str(claims["sub"]), role=str(role),
                     expires_at=float(claims["exp"]))


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
