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
from litestar.params import ParameterKwarg

from govledger_contracts.problems import (
    bilingual,
    invalid_body,
    malformed_json,
    validation_errors,
)
from govledger_ledger.application import Forbidden
from govledger_ledger.auth import AuthError
from govledger_ledger.domain.core import Rejected
from govledger_ledger.ports import (
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    IdempotencyMismatch,
    InvalidData,
    StoreUnavailable,
)

log = logging.getLogger("govledger.http")
PROBLEM_TYPE = "https://govledger.seongdong.go.kr/problems/"
MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5


def problem(status: int, code: str, title: str, detail: str, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response[dict[str, Any]]:
    """A problem-details response; ``code`` is the stable dotted code, also the type's suffix."""
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail,
            "code": code, **extra}
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def rejected(r: Rejected) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {"message_ko": r.message_ko, "message_en": r.message_en}
    if r.field is not None:
        extra["field"] = r.field
    return problem(r.status, r.code, r.message_en, f"{r.message_ko} / {r.message_en}", **extra)


def invalid(field: str, ko: str, en: str) -> ValidationException:
    """A 422 ``request.invalid`` about one request field, in the ward's words."""
    return ValidationException(en, extra=[{"key": field, "message": en, "message_ko": ko}])


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
        ko, en = malformed_json(str(exc.detail))
        return problem(400, "request.malformed_json", "The request body is not JSON",
                       bilingual((ko, en)), message_ko=ko, message_en=en)
    return _http(request, exc)


def _conflict(_: Request[Any, Any, Any], exc: ConcurrencyConflict) -> Response[dict[str, Any]]:
    return problem(409, "stream.version_conflict", "Version conflict", str(exc),
                   stream_id=exc.stream_id, expected_version=exc.expected,
                   current_version=exc.actual)


def _idempotency(_: Request[Any, Any, Any], exc: IdempotencyMismatch) -> Response[dict[str, Any]]:
    return problem(409, "idempotency.key_reused", "Idempotency-Key reused",
                   "이 Idempotency-Key는 다른 요청 본문에 이미 쓰였습니다. / "
                   "This Idempotency-Key was already used with a different request body.")


def _unavailable(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    return problem(503, "store.unavailable", "The ledger database is unreachable",
                   "Nothing was written; retry later.",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _outcome_unknown(_: Request[Any, Any, Any],
                     exc: CommitOutcomeUnknown) -> Response[dict[str, Any]]:
    return problem(503, "store.outcome_unknown", "The ledger lost its database mid-commit",
                   "기록되었을 수도 있습니다. 같은 Idempotency-Key로 다시 보내십시오. / "
                   "The events may or may not be recorded; retry with the same "
                   "Idempotency-Key.",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _internal(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "internal.error", "Internal error",
                   "예기치 않은 오류입니다. / An unexpected error; it has been logged.")


def _invalid(_: Request[Any, Any, Any], exc: InvalidData) -> Response[dict[str, Any]]:
    return problem(422, "request.invalid", "The request is not valid", str(exc))


def _auth(_: Request[Any, Any, Any], exc: AuthError) -> Response[dict[str, Any]]:
    return problem(401, "auth.unauthenticated", "Authentication required", str(exc),
                   headers={"WWW-Authenticate": 'Bearer realm="govledger"'})


def _forbidden(_: Request[Any, Any, Any], exc: Forbidden) -> Response[dict[str, Any]]:
    return problem(403, "auth.role_forbidden", "Forbidden",
                   f"이 역할로는 할 수 없는 명령입니다. / {exc}")


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return problem(404, "not_found", "Not found", str(exc.detail))


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    return problem(exc.status_code, f"http.{exc.status_code}", str(exc.detail), str(exc.detail),
                   headers=exc.headers)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ValidationException: _validation,
    ConcurrencyConflict: _conflict,
    IdempotencyMismatch: _idempotency,
    StoreUnavailable: _unavailable,
    CommitOutcomeUnknown: _outcome_unknown,
    InvalidData: _invalid,
    AuthError: _auth,
    Forbidden: _forbidden,
    NotFoundException: _not_found,
    ClientException: _client_error,
    HTTPException: _http,
    Exception: _internal,
}
