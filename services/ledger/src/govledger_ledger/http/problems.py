"""RFC 9457 problem details: the one place where errors and rejections become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotFoundException,
    SerializationException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import ParameterKwarg

from govledger_contracts.problems import (
    EMPTY_BODY,
    INVALID_TITLE,
    MEDIA_TYPE,
    NOT_FOUND_TITLE,
    Text,
    UndeclaredQuery,
    event_too_large,
    invalid_body,
    korean_of,
    malformed_json,
    problem_body,
    request_too_large,
    undeclared_query_errors,
    validation_errors,
)
from govledger_ledger.aggregates import BeyondHead
from govledger_ledger.application import Forbidden
from govledger_ledger.auth import AuthError
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.roles import ROLE_NAMES
from govledger_ledger.ports import (
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    EventTooLarge,
    IdempotencyMismatch,
    InvalidData,
    StoreUnavailable,
)

log = logging.getLogger("govledger.http")
RETRY_AFTER_SECONDS = 5
MALFORMED_TITLE: Text = ("요청 본문이 JSON이 아닙니다", "The request body is not JSON")


def problem(status: int, code: str, title: Text, message: Text, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response[dict[str, Any]]:
    """A problem-details response: title and detail Korean first, English beside it."""
    return Response(problem_body(status, code, title, message, **extra), status_code=status,
                    media_type=MEDIA_TYPE, headers=headers)


def rejected(r: Rejected) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {} if r.field is None else {"field": r.field}
    text = (r.message_ko, r.message_en)
    return problem(r.status, r.code, text, text, **extra)


def missing(ko: str, en: str) -> NotFoundException:
    """A 404 ``not_found``, in the ward's words."""
    return NotFoundException(en, extra={"message_ko": ko})


def invalid(field: str, ko: str, en: str) -> ValidationException:
    """A 422 ``request.invalid`` about one request field, in the ward's words."""
    return ValidationException(en, extra=[{"key": field, "message": en, "message_ko": ko}])


def _undeclared(_: Request[Any, Any, Any], exc: UndeclaredQuery) -> Response[dict[str, Any]]:
    errors = undeclared_query_errors(exc.unknown, exc.accepted)
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


class EmptyBody(Exception):
    """A command POST with no body at all (see ``commands.py``)."""


def _empty_body(_: Request[Any, Any, Any], exc: EmptyBody) -> Response[dict[str, Any]]:
    return problem(400, "request.malformed_json", MALFORMED_TITLE, EMPTY_BODY)


def _too_large(request: Request[Any, Any, Any],
               exc: RequestEntityTooLarge) -> Response[dict[str, Any]]:
    limit: int = request.app.state.settings.max_request_bytes
    return problem(413, "request.too_large",
                   ("요청 본문이 너무 큽니다", "The request body is too large"),
                   request_too_large(limit), max_bytes=limit)


def _event_too_large(_: Request[Any, Any, Any], exc: EventTooLarge) -> Response[dict[str, Any]]:
    return problem(413, "event.too_large",
                   ("사건이 너무 큽니다", "The event is too large"),
                   event_too_large(exc.size, exc.limit), max_bytes=exc.limit)


def _sent_name(request: Request[Any, Any, Any], name: str | None) -> str | None:
    """The name the client sent: a parameter's alias (``from``, ``Last-Event-ID``), not the
    handler's Python name for it (``from_size``)."""
    handler = request.scope.get("route_handler")
    if name is None or handler is None:
        return name
    parameter = handler.parsed_fn_signature.parameters.get(name)
    kwarg = parameter.kwarg_definition if parameter is not None else None
    return kwarg.name or name if isinstance(kwarg, ParameterKwarg) else name


def _validation(request: Request[Any, Any, Any],
                exc: ValidationException) -> Response[dict[str, Any]]:
    errors = validation_errors(exc.extra, str(exc.detail),
                               lambda name: _sent_name(request, name))
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _client_error(request: Request[Any, Any, Any],
                  exc: ClientException) -> Response[dict[str, Any]]:
    if isinstance(exc.__cause__, SerializationException):  # the body is not JSON at all
        return problem(400, "request.malformed_json", MALFORMED_TITLE,
                       malformed_json(str(exc.detail)))
    return _http(request, exc)


def _conflict(_: Request[Any, Any, Any], exc: ConcurrencyConflict) -> Response[dict[str, Any]]:
    ko = (f"스트림 '{exc.stream_id}'의 현재 버전({exc.actual})이 기대한 버전({exc.expected})과 "
          "다릅니다.")
    return problem(409, "stream.version_conflict", ("버전 충돌", "Version conflict"),
                   (ko, str(exc)), stream_id=exc.stream_id, expected_version=exc.expected,
                   current_version=exc.actual)


def _idempotency(_: Request[Any, Any, Any], exc: IdempotencyMismatch) -> Response[dict[str, Any]]:
    return problem(409, "idempotency.key_reused",
                   ("Idempotency-Key가 재사용되었습니다", "Idempotency-Key reused"),
                   ("이 Idempotency-Key는 다른 요청 본문에 이미 쓰였습니다.",
                    "This Idempotency-Key was already used with a different request body."))


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    reading = request.method in ("GET", "HEAD")
    return problem(503, "store.unavailable",
                   ("원장 데이터베이스에 연결할 수 없습니다", "The ledger database is unreachable"),
                   ("잠시 후 다시 시도하십시오.", "Retry later.") if reading else
                   ("아무것도 기록되지 않았습니다. 잠시 후 다시 시도하십시오.",
                    "Nothing was written; retry later."),
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _outcome_unknown(_: Request[Any, Any, Any],
                     exc: CommitOutcomeUnknown) -> Response[dict[str, Any]]:
    return problem(503, "store.outcome_unknown",
                   ("기록 중 데이터베이스 연결이 끊겼습니다",
                    "The ledger lost its database mid-commit"),
                   ("기록되었을 수도 있습니다. 같은 Idempotency-Key로 다시 보내십시오.",
                    "The events may or may not be recorded; retry with the same "
                    "Idempotency-Key."),
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _internal(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "internal.error", ("내부 오류", "Internal error"),
                   ("예기치 않은 오류입니다.", "An unexpected error; it has been logged."))


def _invalid(_: Request[Any, Any, Any], exc: InvalidData) -> Response[dict[str, Any]]:
    return problem(422, "request.invalid", INVALID_TITLE,
                   ("원장에 기록할 수 없는 값이 있습니다.", str(exc)))


def _auth(_: Request[Any, Any, Any], exc: AuthError) -> Response[dict[str, Any]]:
    # RFC 6750: a token that was sent but refused is an "invalid_token".
    challenge = 'Bearer realm="govledger"' + (
        "" if exc.reason == "token_missing" else ', error="invalid_token"')
    return problem(401, "auth.unauthenticated", ("인증이 필요합니다", "Authentication required"),
                   exc.text, headers={"WWW-Authenticate": challenge}, reason=exc.reason)


def _forbidden(_: Request[Any, Any, Any], exc: Forbidden) -> Response[dict[str, Any]]:
    role_ko, role_en = ROLE_NAMES.get(exc.role, (exc.role, exc.role))
    what_ko, _sep, what_en = exc.summary.partition(" / ")
    what_ko, what_en = what_ko or exc.command, what_en or exc.command
    message = (f"{role_ko}({exc.role}) 역할로는 '{what_ko}'({exc.command}) 명령을 할 수 "
               "없습니다.",
               f"The {role_en} role ({exc.role}) may not issue {exc.command} ({what_en}).")
    return problem(403, "auth.role_forbidden", ("권한이 없습니다", "Forbidden"), message,
                   role=exc.role, command=exc.command)


def _beyond_head(_: Request[Any, Any, Any], exc: BeyondHead) -> Response[dict[str, Any]]:
    title = ("원장이 아직 그 위치에 이르지 않았습니다", "The log has not reached that position")
    message = (f"원장의 마지막 위치는 {exc.head}입니다. 위치 {exc.position}은(는) 아직 없습니다.",
               f"The log ends at position {exc.head}; position {exc.position} is not "
               "recorded yet.")
    # as_of asks for a past state; a live stream's start (after, Last-Event-ID) for a place
    # to wait from: the same refusal, coded apart so a client can tell them apart.
    code = "as_of.beyond_head" if exc.field == "as_of" else "position.beyond_head"
    return problem(422, code, title, message, field=exc.field, head_position=exc.head)


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return problem(404, "not_found", NOT_FOUND_TITLE, (korean_of(exc.extra), str(exc.detail)))


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    text = (korean_of(exc.extra, exc.status_code), str(exc.detail))
    return problem(exc.status_code, f"http.{exc.status_code}", text, text, headers=exc.headers)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ValidationException: _validation,
    UndeclaredQuery: _undeclared,
    EmptyBody: _empty_body,
    RequestEntityTooLarge: _too_large,
    ConcurrencyConflict: _conflict,
    IdempotencyMismatch: _idempotency,
    StoreUnavailable: _unavailable,
    CommitOutcomeUnknown: _outcome_unknown,
    EventTooLarge: _event_too_large,
    InvalidData: _invalid,
    AuthError: _auth,
    Forbidden: _forbidden,
    NotFoundException: _not_found,
    BeyondHead: _beyond_head,
    ClientException: _client_error,
    HTTPException: _http,
    Exception: _internal,
}
