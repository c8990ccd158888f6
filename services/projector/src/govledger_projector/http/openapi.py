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
    400: "The request could not be read (http.error).",
    404: "No such read model, entity, report or table (view.not_found).",
    422: "The request is not valid: a parameter (request.invalid, with field and errors), a "
         "filter on a field the read model lacks (view.filter_unknown), or a position the "
         "log has not reached (view.position_unknown, with head_position).",
}


class ProblemResponses(ReceiveRoutePlugin):
    """Adds each route's problem responses to its handlers: 400 and 422 where it takes
    input, 404 where its path names something; not to the ``skip`` paths."""

    def __init__(self, *, skip: tuple[str, ...] = ()) -> None:
        self._skip = frozenset(skip)

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or route.path in self._skip:
            return
        for handler, model in route.route_handler_map.values():
            if not handler.resolve_include_in_schema():
                continue
            takes_input = bool(model.expected_path_params or model.expected_query_params
                               or model.expected_header_params)
            statuses = ((400, 422) if takes_input else ()) + (
                (404,) if route.path_parameters else ())
            declared = handler.responses or {}
            # A new dict on this route's copy of the handler; the decorated original stays.
            handler.responses = {
                **{status: ResponseSpec(Problem, description=ANSWERS[status],
                                        media_type=MEDIA_TYPE, generate_examples=False)
                   for status in statuses if status not in declared},
                **declared,
            }
