"""What the ledger's bearer tokens are, for every process that checks one: the issuer, the
roles, and the signing key one installation shares.

The ledger issues the tokens and checks them on writes (and on reads unless they are public);
the projector checks them on reads when ``GOVLEDGER_PUBLIC_READS=false``. Both read the key
from here so that they agree on it: from settings, or generated into the data folder on first
use (``jwt.key``, mode 0600) — and verify them here, with one set of reasons for a refusal.
"""

from __future__ import annotations

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


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    role: str
    expires_at: float = 0.0
    """Unix time the token stops being valid."""


class TokenRefused(Exception):
    """The bearer token is missing, malformed, expired or not signed by this ledger;
    ``reason`` is a key of ``TOKEN_REFUSALS``, ``text`` its (Korean, English) words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.text: Text = TOKEN_REFUSALS[reason]
        super().__init__(self.text[1])


def verify_token(token: str, key: str) -> Principal:
    """The token's subject and role, or TokenRefused with the reason."""
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iss"]})
    # The library's own words are not shown: they are English only and name its internals.
    # A bad signature is checked before the expiry, so a forged expired token is "forged".
    except jwt.ExpiredSignatureError:
        raise TokenRefused("token_expired") from None
    except jwt.InvalidSignatureError:
        raise TokenRefused("token_bad_signature") from None
    except jwt.DecodeError:
        raise TokenRefused("token_malformed") from None
    except jwt.PyJWTError:
        raise TokenRefused("token_invalid") from None
    role = claims.get("role")
    if role not in ROLES:
        raise TokenRefused("token_invalid")
    return Principal(subject=str(claims["sub"]), role=str(role),
                     expires_at=float(claims["exp"]))


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer …`` header, or TokenRefused (missing)."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("token_missing")
    return token.strip()
