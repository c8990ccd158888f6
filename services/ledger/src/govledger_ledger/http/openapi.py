"""The problems each route can answer, in the OpenAPI document under ``/schema``.

Litestar documents a handler's success response and, for a route that takes input, a 400
of its own shape; the ledger answers neither that shape nor only 400 (``problems.py``).
``ProblemResponses`` adds to every route, as it is registered, the RFC 9457 responses it can
answer, each with the named ``Problem`` schema; a status a handler declares itself
(``responses=``) stays as declared.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import SecurityRequirement
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from govledger_contracts import problems
from govledger_contracts.commands.base import ExpectedVersion


class Problem(problems.Problem, frozen=True, kw_only=True):
    """A problem the ledger answers (RFC 9457, ``application/problem+json``)."""

    stream_id: Annotated[str | None, msgspec.Meta(
        description="stream.version_conflict: the stream written to.")] = None
    expected_version: Annotated[ExpectedVersion | None, msgspec.Meta(
        description="stream.version_conflict: the version the command expected.")] = None
    current_version: Annotated[int | None, msgspec.Meta(
        description="stream.version_conflict: the stream's version now.")] = None
    max_bytes: Annotated[int | None, msgspec.Meta(
        description="request.too_large, event.too_large: the limit, in bytes.")] = None
    reason: Annotated[str | None, msgspec.Meta(
        description="auth.unauthenticated: why the token was refused: token_missing, "
                    "token_malformed, token_expired, token_bad_signature or token_invalid."
    )] = None
    role: Annotated[str | None, msgspec.Meta(
        description="auth.role_forbidden: the token's role.")] = None
    command: Annotated[str | None, msgspec.Meta(
        description="auth.role_forbidden: the command that role may not give.")] = None


MAY_NEED_TOKEN: list[SecurityRequirement] = [{}, {"bearer": []}]
"""A read's security: open, unless the ledger is configured to want a token for reads."""

ANSWERS: dict[int, str] = {
    400: "The request could not be read: a body that is not JSON (request.malformed_json) "
         "or a malformed request (http.400).",
    401: "No valid bearer token (auth.unauthenticated, with the reason); WWW-Authenticate "
         "names the scheme. A command checks it before it reads the body.",
    403: "The token's role may not give this command (auth.role_forbidden, naming the role "
         "and the command). Checked before the body is read.",
    404: "Nothing is recorded under this path (not_found).",
    409: "The ledger refuses the command as things stand: a rule of the ward (its dotted "
         "code, e.g. council.seats_full), a stale expected_version (stream.version_conflict, "
         "with current_version) or an Idempotency-Key reused with another body "
         "(idempotency.key_reused). Nothing was written.",
    413: "The request body is over GOVLEDGER_MAX_REQUEST_BYTES (request.too_large), or the "
         "event it would record is over GOVLEDGER_MAX_EVENT_BYTES (event.too_large); "
         "max_bytes says the limit. Nothing was written.",
    422: "The request is not valid: a field, parameter or header (request.invalid, with field "
         "and errors), a query parameter the route does not take, a position the log has not "
         "reached, or a command the ward's rules refuse as such (its dotted code).",
    503: "The ledger database is unreachable (store.unavailable) or was lost mid-commit "
         "(store.outcome_unknown); retry after Retry-After seconds, a command with the same "
         "Idempotency-Key.",
}
COMMAND = (400, 401, 403, 409, 413, 422, 503)
LOG_READ = (401, 503)
"""A read of the log (``MAY_NEED_TOKEN``) may want a token and reads the store; the verifier
key needs neither."""


def problem_response(description: str) -> ResponseSpec:
    """A documented problem response, for a handler that declares one itself."""
    return ResponseSpec(data_container=Problem, description=description,
                        media_type=problems.MEDIA_TYPE, generate_examples=False)


def answers(handler: HTTPRouteHandler, route: HTTPRoute, takes_input: bool) -> list[int]:
    """The problem statuses a route can answer: a command's all; a read's, by what it takes."""
    if "POST" in handler.http_methods:
        return sorted(COMMAND)
    statuses = {422,  # every route refuses a query parameter it does not take (query.py)
                *((400,) if takes_input else ()),
                *(LOG_READ if handler.resolve_security() else ()),
                *((404,) if route.path_parameters else ())}
    return sorted(statuses)


class ProblemResponses(ReceiveRoutePlugin):
    """Adds each route's problem responses to its handlers, skipping the ``skip`` paths
    (those that document their own failures) and routes left out of the document."""

    def __init__(self, *, skip: tuple[str, ...] = ()) -> None:
        self._skip = frozenset(skip)

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or route.path in self._skip:
            return
        for handler, model in route.route_handler_map.values():
            if not handler.resolve_include_in_schema():
                continue
            takes_input = bool("data" in handler.parsed_fn_signature.parameters
                               or model.expected_path_params or model.expected_query_params
                               or model.expected_header_params
                               or model.expected_cookie_params)
            declared = handler.responses or {}
            # A new dict on this route's copy of the handler: the decorated original, which
            # another app may register too, is not changed.
            handler.responses = {
                **{status: problem_response(ANSWERS[status])
                   for status in answers(handler, route, takes_input) if status not in declared},
                **declared,
            }
