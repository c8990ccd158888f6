"""One POST endpoint per command, generated from the domain's handler registry."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, post
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Example
from litestar.params import Body, HeaderParameter

from govledger_contracts.canonical import MAX_SAFE_INTEGER
from govledger_contracts.commands import Command
from govledger_ledger.application import Forbidden, LedgerApplication
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Handler, Rejected
from govledger_ledger.http.problems import EmptyBody, invalid, rejected
from govledger_ledger.http.security import Authenticated, principal_of
from govledger_ledger.http.views import CommandAccepted, accepted

IDEMPOTENCY_HEADER = "Idempotency-Key"
PRINCIPAL = "govledger_principal"
"""Where ``_authorize`` leaves the verified caller for the endpoint (``request.state``)."""
MAX_KEY_LENGTH = 255


def _unstorable(value: Any, path: str) -> tuple[str, str, str] | None:
    """The first value the ledger cannot record, as (field path, Korean, English): an integer
    without an exact JSON number (canonical encoding, ADR 0002) or text with U+0000, which
    PostgreSQL cannot hold. Checked before deciding, so the 422 can name the field."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return (path, "정수는 ±(2^53 − 1) 범위 안이어야 합니다.",
                    "integers must be within ±(2**53 - 1)")
    elif isinstance(value, str):
        if "\x00" in value:
            return (path, "NUL 문자(U+0000)는 기록할 수 없습니다.",
                    "text may not contain the NUL character (U+0000)")
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            found = _unstorable(key, here) or _unstorable(item, here)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _unstorable(item, f"{path}[{index}]")
            if found:
                return found
    return None


async def _body_present(request: Request[Any, Any, Any]) -> None:
    """An empty body is no command: a 400 that says so, not a 422 about a missing ``data``.
    Reading the body here applies the size limit (``request_max_body_size``) before any of it
    is decoded; the decoder then reuses what was read."""
    if not (await request.body()).strip():
        raise EmptyBody


def _authorize(handler: Handler[Any]) -> Callable[[Request[Any, Any, Any]], Awaitable[None]]:
    """The route's ``before_request``: who may give the command is settled before its body
    is read, so a caller without a token, or with a role that may not give it, hears 401 or
    403 and nothing about the body (not even its size); then the body must be there
    (``_body_present``). A hook, not a guard: Litestar copies the route handler for every
    guard call, a cost each append would pay (see ``query.py``)."""

    async def authorize(request: Request[Any, Any, Any]) -> None:
        authenticated = principal_of(request)
        role = authenticated.principal.role
        if role not in handler.roles:
            raise Forbidden(role, handler.command.__name__, handler.summary)
        request.state[PRINCIPAL] = authenticated
        await _body_present(request)

    return authorize


def _as_sent(body: bytes, command: type[Command]) -> None:
    """The body as JSON types, not coerced: Litestar converts a body leniently (``"2025"``
    and ``2025.0`` pass as the year 2025), but a system of record keeps what was meant, so
    a value of the wrong JSON type is a 422 naming its field. Litestar has decoded the body
    already, so only a type it would have coerced can fail here."""
    try:
        msgspec.json.decode(body, type=command)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$")
        key = where.rstrip("`").removeprefix(".") or None
        raise ValidationException(message, extra=[
            {"key": key, "message": message, "source": "body"}]) from None
    json.loads(body, object_pairs_hook=_unique_names)


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A name given twice in one object is refused (RFC 7493, I-JSON): the parser keeps the
    last, another reader of the same request might keep the first, and a record of what was
    asked must not depend on which."""
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        message = f"Object contains the field `{twice}` more than once"
        raise ValidationException(message, extra=[
            {"key": twice, "message": message, "source": "body",
             "message_ko": f"항목 '{twice}'이(가) 두 번 이상 있습니다."}])
    return dict(pairs)


def _endpoint(handler: Handler[Any]) -> HTTPRouteHandler:
    name = handler.command.__name__

    async def endpoint(request: Request[Any, Any, Any], data: Command,
                       idempotency_key: str | None = None) -> Response[Any]:
        principal: Authenticated = request.state[PRINCIPAL]
        _as_sent(await request.body(), handler.command)
        found = _unstorable(msgspec.to_builtins(data), "")
        if found is not None:
            raise invalid(*found)
        app: LedgerApplication = request.app.state.ledger
        result = await app.handle(
            data, principal.actor, idempotency_key=idempotency_key,
            correlation_id=request.headers.get("x-correlation-id"),
        )
        if isinstance(result, Rejected):
            return rejected(result)
        return accepted(result)

    endpoint.__name__ = f"command_{name}"
    endpoint.__annotations__ = {
        "request": Request[Any, Any, Any],
        "data": Annotated[handler.command, Body(
            title=name, description=handler.summary,
            examples=[Example(summary=handler.summary, value=handler.example)],
        )],
        "idempotency_key": Annotated[str | None, HeaderParameter(
            name=IDEMPOTENCY_HEADER, required=False, min_length=1, max_length=MAX_KEY_LENGTH,
            description="Retry-safe key: a retry with the same key and body returns the "
                        "original result and appends nothing.",
        )],
        "return": Response[CommandAccepted],
    }
    roles = ", ".join(sorted(handler.roles))
    return post(
        handler.path, summary=handler.summary, operation_id=name, tags=["commands"],
        status_code=201, security=[{"bearer": []}], before_request=_authorize(handler),
        description=f"{handler.command.__doc__ or ''}\n\nRoles: {roles}.",
    )(endpoint)


def command_routes() -> list[HTTPRouteHandler]:
    return [_endpoint(h) for h in HANDLERS.values()]
