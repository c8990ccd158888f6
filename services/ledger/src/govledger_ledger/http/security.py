"""Bearer-token authentication. The actor recorded in an event comes from here, never the body."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import Request

from govledger_contracts.envelope import Actor
from govledger_ledger.auth import AuthError, Principal, TokenCache


class Authenticated(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal

    @property
    def actor(self) -> Actor:
        return Actor(id=self.principal.subject, role=self.principal.role)


def principal_of(request: Request[Any, Any, Any]) -> Authenticated:
    """The verified bearer token's subject and role, or AuthError (401)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("token_missing")
    tokens: TokenCache = request.app.state.tokens
    return Authenticated(principal=tokens.verify(token.strip(), time.time()))


def require_reader(request: Request[Any, Any, Any]) -> None:
    """Reads of the public log are open unless the ledger is configured otherwise."""
    if not request.app.state.settings.public_reads:
        principal_of(request)
