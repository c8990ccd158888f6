"""Reads for token holders only, when the ward says so (``GOVLEDGER_PUBLIC_READS=false``): the
views, the reports and ``/lag`` then need a bearer token the ledger issued, as the ledger's own
reads do. ``/health``, ``/ready`` (``opt={OPEN: True}``) and the OpenAPI pages stay open.

A middleware rather than a guard or a hook: it answers before the query is looked at, so a
caller without a token learns nothing of what the endpoint takes; and it is installed only
when reads are closed, so open reads pay nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable

import jwt
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from govledger_contracts.problems import TOKEN_REFUSALS, Text
from govledger_contracts.tokens import ISSUER, ROLES

OPEN = "govledger_open"
"""The ``opt`` key of a route anyone may read, public reads or not."""


class Unauthenticated(Exception):
    """No bearer token, or one the ledger did not issue or that has expired; ``reason`` is a
    key of ``TOKEN_REFUSALS``, ``text`` its (Korean, English) words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.text: Text = TOKEN_REFUSALS[reason]
        super().__init__(self.text[1])


def check_bearer(authorization: str, key: str) -> None:
    """Unauthenticated unless ``authorization`` carries a valid token of a known role."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("token_missing")
    try:
        claims = jwt.decode(token.strip(), key, algorithms=["HS256"], issuer=ISSUER,
                            options={"require": ["sub", "exp", "iss"]})
    # The ledger words these the same (its auth.py); the library's words are never shown.
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token_expired") from None
    except jwt.InvalidSignatureError:
        raise Unauthenticated("token_bad_signature") from None
    except jwt.DecodeError:
        raise Unauthenticated("token_malformed") from None
    except jwt.PyJWTError:
        raise Unauthenticated("token_invalid") from None
    if claims.get("role") not in ROLES:
        raise Unauthenticated("token_invalid")


def readers_only(key: str, documentation: str = "/schema") -> Callable[[ASGIApp], ASGIApp]:
    """The app middleware that closes every route but the open ones to callers without a
    token signed with ``key``."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP:
                handler = scope.get("route_handler")
                path = scope["path"]
                documented = path == documentation or path.startswith(documentation + "/")
                if handler is not None and not handler.opt.get(OPEN) and not documented:
                    sent = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
                    check_bearer(sent.decode("latin-1"), key)
            await app(scope, receive, send)

        return middleware

    return factory
