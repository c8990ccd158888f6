"""Reads for token holders only, when the ward says so (``GOVLEDGER_PUBLIC_READS=false``): the
views, the reports and ``/lag`` then need a bearer token the ledger issued, as the ledger's own
reads do. ``/health``, ``/ready`` (``opt={OPEN: True}``) and the OpenAPI pages stay open.

A middleware rather than a guard or a hook: it answers before the query is looked at, so a
caller without a token learns nothing of what the endpoint takes; and it is installed only
when reads are closed, so open reads pay nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from govledger_contracts.tokens import TokenRefused, bearer_token, verify_token

OPEN = "govledger_open"
"""The ``opt`` key of a route anyone may read, public reads or not."""


Unauthenticated = TokenRefused
"""A refused bearer token (401), worded as the ledger words it: the same contracts type."""


def check_bearer(authorization: str, key: str) -> None:
    """Unauthenticated unless ``authorization`` carries a valid token of a known role."""
    verify_token(bearer_token(authorization), key)


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
