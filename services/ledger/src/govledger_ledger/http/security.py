"""Bearer-token authentication. The actor recorded in an event comes from here, never the body."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import Request

from govledger_contracts.envelope import Actor
from govledger_contracts.tokens import bearer_token
from govledger_ledger.auth import Principal, TokenCache


class Authenticated(msgspec.Struct, frozen=True, kw_only=True):
    principal: Principal

    @property
    def actor(self) -> Actor:
        return Actor(id=self.principal.subject, role=self.principal.role)


def principal_of(request: Request[Any, Any, Any]) -> Authenticated:
    """The verified bearer token's subject and role, or AuthError (401)."""
    token = bearer_token(request.headers.get("authorization", ""))
    tokens: TokenCache = request.app.state.tokens
    return Authenticated(principal=tokens.verify(token, time.time()))


def require_reader(request: Request[Any, Any, Any]) -> None:
    """Reads of the public log are open unless the ledger is configured otherwise."""
    if not request.app.state.settings.public_reads:
        principal_of(request)
