"""RFC 9457 problem details: the one place where errors become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException

from govledger_contracts.problems import (
    MEDIA_TYPE,
    NOT_FOUND_TITLE,
    Text,
    UndeclaredQuery,
    invalid_body,
    korean_of,
    problem_body,
    undeclared_query_errors,
    validation_errors,
)
from govledger_projector.http.readers import Unauthenticated
from govledger_projector.queries import InvalidFilter, UnknownFilter
from govledger_projector.source import PositionUnknown

log = logging.getLogger("govledger.projector.http")

RETRY_AFTER_SECONDS = 5
UNREACHABLE = (OSError, asyncpg.PostgresConnectionError, asyncpg.OperatorInterventionError,
               asyncpg.InterfaceError)
"""What a read raises while PostgreSQL is away (a restart, a failover): a 503, not a 500."""


def problem(status: int, code: str, title: Text, message: Text, *,
            headers: dict[str, str] | None = None, **extra: Any) -> Response[dict[str, Any]]:
    """A problem-details response: title and detail Korean first, English beside it."""
    return Response(problem_body(status, code, title, message, **extra), status_code=status,
                    media_type=MEDIA_TYPE, headers=headers)


def _undeclared(_: Request[Any, Any, Any], exc: UndeclaredQuery) -> Response[dict[str, Any]]:
    errors = undeclared_query_errors(exc.unknown, exc.accepted)
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _unauthenticated(_: Request[Any, Any, Any],
                     exc: Unauthenticated) -> Response[dict[str, Any]]:
    # RFC 6750: a token that was sent but refused is an "invalid_token".
    challenge = 'Bearer realm="govledger"' + (
        "" if exc.reason == "token_missing" else ', error="invalid_token"')
    return problem(401, "auth.unauthenticated", ("인증이 필요합니다", "Authentication required"),
                   exc.text, headers={"WWW-Authenticate": challenge}, reason=exc.reason)


def missing(ko: str, en: str) -> NotFoundException:
    """A 404 ``view.not_found``, in the ward's words."""
    return NotFoundException(en, extra={"message_ko": ko})


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return problem(404, "view.not_found", NOT_FOUND_TITLE,
                   (korean_of(exc.extra), str(exc.detail)))


def _invalid(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = validation_errors(exc.extra, str(exc.detail))
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _invalid_filter(_: Request[Any, Any, Any], exc: InvalidFilter) -> Response[dict[str, Any]]:
    errors = validation_errors([{"key": exc.field, "message": str(exc), "source": "query"}], "")
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _unknown_filter(_: Request[Any, Any, Any], exc: UnknownFilter) -> Response[dict[str, Any]]:
    return problem(422, "view.filter_unknown", ("알 수 없는 필터입니다", "Unknown filter"),
                   (f"'{exc.field}'은(는) 이 읽기 모델의 항목이 아닙니다.", str(exc)),
                   field=exc.field)


def _position_unknown(_: Request[Any, Any, Any],
                      exc: PositionUnknown) -> Response[dict[str, Any]]:
    ends = "" if exc.head is None else f"원장의 마지막 위치는 {exc.head}입니다. "
    return problem(422, "view.position_unknown",
                   ("원장이 그 위치에 이르지 않았습니다", "The log does not reach that position"),
                   (f"{ends}위치 {exc.position}은(는) 아직 없습니다.", str(exc)),
                   field="as_of_position", head_position=exc.head)


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    text = (korean_of(exc.extra, exc.status_code), str(exc.detail))
    return problem(exc.status_code, f"http.{exc.status_code}", text, text, headers=exc.headers)


def _unavailable(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.warning("read failed, database unreachable: %s: %s", type(exc).__name__, exc)
    return problem(503, "store.unavailable",
                   ("읽기 모델 데이터베이스에 연결할 수 없습니다",
                    "The read-model database is unreachable"),
                   ("잠시 후 다시 시도하십시오.", "Retry later."),
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _internal(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "internal.error", ("내부 오류", "Internal error"),
                   ("예기치 않은 오류입니다.", "An unexpected error; it has been logged."))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotFoundException: _not_found, ValidationException: _invalid,
    UndeclaredQuery: _undeclared, Unauthenticated: _unauthenticated,
    UnknownFilter: _unknown_filter, InvalidFilter: _invalid_filter,
    PositionUnknown: _position_unknown, HTTPException: _http, Exception: _internal,
    **dict.fromkeys(UNREACHABLE, _unavailable),
}
