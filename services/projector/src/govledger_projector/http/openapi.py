"""The problems each route can answer, in the OpenAPI document under ``/schema``.

Litestar documents a handler's success response and, for a route that takes input, a 400
of its own shape, which the projector does not answer (``problems.py``). ``ProblemResponses``
adds the RFC 9457 responses a route can answer, with the ``Problem`` schema both services
share (contracts); a status a handler declares itself stays as declared. The ledger has a
plugin of its own, with its own rules: the services never import each other.
"""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from govledger_contracts.problems import MEDIA_TYPE, Problem

ANSWERS: dict[int, str] = {
    400: "The request could not be read (http.400).",
    401: "Reads are closed (GOVLEDGER_PUBLIC_READS=false) and the request has no valid bearer "
         "token (auth.unauthenticated, with the reason); WWW-Authenticate names the scheme.",
    404: "No such read model, entity, report or table (view.not_found).",
    422: "The request is not valid: a parameter (request.invalid, with field and errors), a "
         "query parameter the route does not take (request.invalid), a filter on a field the "
         "read model lacks (view.filter_unknown), or a position the log has not reached "
         "(view.position_unknown, with head_position).",
    503: "The read-model database is unreachable (store.unavailable); retry after "
         "Retry-After seconds.",
}


class ProblemResponses(ReceiveRoutePlugin):
    """Adds each route's problem responses to its handlers: 422 to every one (a query
    parameter it does not take, ``query.py``), 400 where it takes input, 404 where its path
    names something, 401 when reads are ``closed`` (``readers.py``), 503 to every one (each
    reads PostgreSQL); not to the ``skip`` paths."""

    def __init__(self, *, skip: tuple[str, ...] = (), closed: bool = False) -> None:
        self._skip = frozenset(skip)
        self._closed = closed

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or route.path in self._skip:
            return
        for handler, model in route.route_handler_map.values():
            if not handler.resolve_include_in_schema():
                continue
            takes_input = bool(model.expected_path_params or model.expected_query_params
                               or model.expected_header_params)
            statuses = ((400,) if takes_input else ()) + (422,) + (
                (404,) if route.path_parameters else ()) + ((401,) if self._closed else ()) + (
                503,)  # every route the plugin documents reads PostgreSQL
            declared = handler.responses or {}
            # A new dict on this route's copy of the handler; the decorated original stays.
            handler.responses = {
                **{status: ResponseSpec(Problem, description=ANSWERS[status],
                                        media_type=MEDIA_TYPE, generate_examples=False)
                   for status in statuses if status not in declared},
                **declared,
            }
