"""A query parameter an endpoint does not take is refused (422 ``request.invalid``), never
ignored: ``?as_of_positon=5`` must not be answered with today's view as if it were
position 5's. The ledger does the same (its own ``http/query.py``: the two services share
no code but the contracts, and this cannot be there, it is Litestar's).

``DeclaredQueryOnly`` notes on each route handler (its ``opt``) the query names Litestar parses
for it, as the route is registered, and installs a middleware that compares every request's
query with them. A route whose every other parameter is a filter (``/v1/views/{model}``) says
so with ``opt={FILTERS: True}`` and checks its filters itself (``queries.check_filters``).
The OpenAPI pages under ``/schema`` and Litestar's ``OPTIONS`` answers are left alone.
"""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.enums import ScopeType
from litestar.plugins import InitPlugin, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.types import ASGIApp, Receive, Scope, Send

from govledger_contracts.problems import UndeclaredQuery, unknown_query_names

ACCEPTED = "govledger_query_parameters"
"""The ``opt`` key of a route handler's accepted query names."""
FILTERS = "govledger_query_filters"
"""The ``opt`` key of a route that takes any other query parameter as a filter."""


def refuse_undeclared_query(app: ASGIApp) -> ASGIApp:
    """Every query parameter the request names must be one its route takes; a request
    without a query string costs one dict lookup."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string")
        if query and scope["type"] == ScopeType.HTTP:
            handler = scope.get("route_handler")
            accepted: tuple[str, ...] | None = (
                handler.opt.get(ACCEPTED) if handler is not None else None)
            if accepted is not None:
                unknown = unknown_query_names(query, accepted)
                if unknown:
                    raise UndeclaredQuery(unknown, accepted)
        await app(scope, receive, send)

    return middleware


class DeclaredQueryOnly(InitPlugin, ReceiveRoutePlugin):
    """Installs ``refuse_undeclared_query`` and tells it what each route takes."""

    def __init__(self) -> None:
        self._documentation = "/schema"

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        if app_config.openapi_config is not None and app_config.openapi_config.path:
            self._documentation = app_config.openapi_config.path.rstrip("/")
        app_config.middleware.append(refuse_undeclared_query)
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or route.path == self._documentation or (
                route.path.startswith(self._documentation + "/")):
            return
        for handler, model in route.route_handler_map.values():
            if handler.http_methods == {"OPTIONS"} or handler.opt.get(FILTERS):
                continue
            handler.opt[ACCEPTED] = tuple(sorted(p.field_alias
                                                 for p in model.expected_query_params))
