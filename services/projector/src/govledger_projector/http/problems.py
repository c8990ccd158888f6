"""RFC 9457 problem details: the one place where errors become HTTP responses."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException

from govledger_projector.queries import UnknownFilter

PROBLEM_TYPE = "https://govledger.seongdong.go.kr/problems/"
MEDIA_TYPE = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str) -> Response[dict[str, Any]]:
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail,
            "code": code}
    return Response(body, status_code=status, media_type=MEDIA_TYPE)


def _not_found(_: Request[Any, Any, Any], exc: NotFoundException) -> Response[dict[str, Any]]:
    return problem(404, "view.not_found", "Not found", str(exc.detail))


def _invalid(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    return problem(422, "request.invalid", "The request is not valid", str(exc.detail))


def _unknown_filter(_: Request[Any, Any, Any], exc: UnknownFilter) -> Response[dict[str, Any]]:
    return problem(422, "view.filter_unknown", "Unknown filter", str(exc))


def _lookup(_: Request[Any, Any, Any], exc: LookupError) -> Response[dict[str, Any]]:
    return problem(422, "view.position_unknown", "The log does not reach that position",
                   str(exc))


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    return problem(exc.status_code, "http.error", str(exc.detail), str(exc.detail))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotFoundException: _not_found, ValidationException: _invalid,
    UnknownFilter: _unknown_filter, LookupError: _lookup, HTTPException: _http,
}
