"""RFC 9457 problem details: the one place where errors become HTTP responses."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException

from govledger_contracts.problems import (
    MEDIA_TYPE,
    PROBLEM_TYPE,
    invalid_body,
    problem_body,
    validation_errors,
)
from govledger_projector.queries import InvalidFilter, UnknownFilter


def problem(status: int, code: str, title: str, detail: str) -> Response[dict[str, Any]]:
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail,
            "code": code}
    return Response(body, status_code=status, media_type=MEDIA_TYPE)


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return problem(404, "view.not_found", "Not found", str(exc.detail))


def _invalid(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = validation_errors(exc.extra, str(exc.detail))
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _invalid_filter(_: Request[Any, Any, Any], exc: InvalidFilter) -> Response[dict[str, Any]]:
    errors = validation_errors([{"key": exc.field, "message": str(exc), "source": "query"}], "")
    return Response(invalid_body(errors), status_code=422, media_type=MEDIA_TYPE)


def _unknown_filter(_: Request[Any, Any, Any], exc: UnknownFilter) -> Response[dict[str, Any]]:
    body = problem_body(422, "view.filter_unknown", ("알 수 없는 필터입니다", "Unknown filter"),
                        (f"'{exc.field}'은(는) 이 읽기 모델의 항목이 아닙니다.", str(exc)),
                        field=exc.field)
    return Response(body, status_code=422, media_type=MEDIA_TYPE)


def _lookup(_: Request[Any, Any, Any], exc: LookupError) -> Response[dict[str, Any]]:
    return problem(422, "view.position_unknown", "The log does not reach that position",
                   str(exc))


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    return problem(exc.status_code, "http.error", str(exc.detail), str(exc.detail))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotFoundException: _not_found, ValidationException: _invalid,
    UnknownFilter: _unknown_filter, InvalidFilter: _invalid_filter, LookupError: _lookup,
    HTTPException: _http,
}
