"""A query parameter an endpoint does not take is refused (422 ``request.invalid``), never
ignored: an auditor who writes ``?as_off=5`` for ``?as_of=5`` must not be shown today's state
as if it were position 5's.

What a route takes is what Litestar itself parses for it: the query parameters of its
``KwargsModel``, by the names a client sends (``from`` and ``to``, not ``from_size``), with any
its dependencies declare. ``DeclaredQueryOnly`` notes them on each route handler (its ``opt``)
as the route is registered, once, and puts a middleware on the app that compares every request's
query with them, so a route added later needs nothing of its own. Headers
(``Last-Event-ID``, ``Idempotency-Key``) are not query parameters and are not looked at.

Left out: the OpenAPI documentation under ``/schema`` (the framework's pages, not the
ledger's API), and the ``OPTIONS`` answer Litestar adds to every path (a CORS preflight
repeats the URL it asks about, query and all).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.config.app import AppConfig
from litestar.enums import ScopeType
from litestar.plugins import InitPlugin, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send

from govledger_contracts.problems import UndeclaredQuery, unknown_query_names
from govledger_ledger.http.security import principal_of

ACCEPTED = "govledger_query_parameters"
"""The ``opt`` key of a route handler's accepted query names, in the order it declares them."""


def refuse_undeclared_query(app: ASGIApp) -> ASGIApp:
    """The app's middleware: every query parameter the request names must be one the route
    takes. A middleware rather than a guard: Litestar copies the route handler for every guard
    call (and runs a sync guard in a worker thread), a cost every append paid though it sends
    no query at all; here a request without a query string costs one dict lookup."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string")
        if query and scope["type"] == ScopeType.HTTP:
            handler = scope.get("route_handler")
            accepted: tuple[str, ...] | None = (
                handler.opt.get(ACCEPTED) if handler is not None else None)
            if accepted is not None:
                unknown = unknown_query_names(query, accepted)
                if unknown:
                    if _wants_token(handler, scope):  # who asks comes before what is asked
                        principal_of(Request(scope))
                    raise UndeclaredQuery(unknown, accepted)
        await app(scope, receive, send)

    return middleware


def _wants_token(handler: Any, scope: Scope) -> bool:
    """A command always; a read of the log when reads are closed (its OpenAPI security says
    which: ``bearer`` alone, or ``bearer`` or nothing)."""
    security = handler.security or []
    if not any("bearer" in requirement for requirement in security):
        return False
    return {} not in security or not scope["app"].state.settings.public_reads


class DeclaredQueryOnly(InitPlugin, ReceiveRoutePlugin):
    """Installs ``refuse_undeclared_query`` and tells it what each route takes."""

    def __init__(self) -> None:
        self._exempt: str | None = None

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        openapi = app_config.openapi_config
        # Litestar serves the documentation at /schema unless the config names a path.
        self._exempt = None if openapi is None else (openapi.path or "/schema").rstrip("/")
        app_config.middleware.append(refuse_undeclared_query)
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or self._documentation(route.path):
            return
        for handler, model in route.route_handler_map.values():
            if handler.http_methods == {"OPTIONS"}:
                continue
            order = list(handler.parsed_fn_signature.parameters)
            declared = sorted(model.expected_query_params, key=lambda p: (
                order.index(p.field_name) if p.field_name in order else len(order),
                p.field_alias))
            handler.opt[ACCEPTED] = tuple(p.field_alias for p in declared)

    def _documentation(self, path: str) -> bool:
        return self._exempt is not None and (path == self._exempt
                                             or path.startswith(self._exempt + "/"))
