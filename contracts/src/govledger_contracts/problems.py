"""Problem details (RFC 9457) as both services answer them: the body, bilingual text, and the
words for a request a service could not read.

Pure: no HTTP framework. Each service turns its exceptions into these bodies in one place
(its ``http/problems.py``). Residents read Korean first, with the English beside it: every
body has ``message_ko`` and ``message_en``, and ``title`` and ``detail`` give both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl

import msgspec

PROBLEM_TYPE = "https://govledger.seongdong.go.kr/problems/"
MEDIA_TYPE = "application/problem+json"
MAX_INTEGER = 2**63 - 1
"""The largest integer a request may carry (PostgreSQL ``bigint``: positions, sizes)."""

Text = tuple[str, str]
"""(Korean, English)."""

INVALID_TITLE: Text = ("요청이 올바르지 않습니다", "The request is not valid")
NOT_FOUND_TITLE: Text = ("찾을 수 없습니다", "Not found")


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong with a request, under ``errors`` of a ``request.invalid`` problem."""

    key: Annotated[str | None, msgspec.Meta(
        description="The field, parameter or header as the client sent it; null for the "
                    "body as a whole.")]
    message: Annotated[str, msgspec.Meta(description="In English.")]
    message_ko: Annotated[str, msgspec.Meta(description="In Korean.")]
    source: Annotated[str | None, msgspec.Meta(
        description="Where it was: body, query, path, header or cookie.")] = None


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An RFC 9457 problem as both services send it, for their OpenAPI documents:
    ``problem_body`` (below) builds it. Members a problem has not are left out."""

    type: Annotated[str, msgspec.Meta(description=f"{PROBLEM_TYPE}<code>")]
    title: Annotated[str, msgspec.Meta(description="Korean / English.")]
    status: int
    detail: Annotated[str, msgspec.Meta(description="Korean / English.")]
    code: Annotated[str, msgspec.Meta(
        description="The stable dotted code, e.g. request.invalid, council.seats_full.")]
    message_ko: Annotated[str, msgspec.Meta(description="The detail in Korean.")]
    message_en: Annotated[str, msgspec.Meta(description="The detail in English.")]
    field: Annotated[str | None, msgspec.Meta(
        description="The request field the problem is about, when it is about one.")] = None
    errors: Annotated[tuple[FieldError, ...], msgspec.Meta(
        description="request.invalid: every error found; the first is the detail.")] = ()
    head_position: Annotated[int | None, msgspec.Meta(
        description="A position the log has not reached: where the log ends.")] = None


def bilingual(text: Text) -> str:
    """Korean first, English beside it."""
    return f"{text[0]} / {text[1]}"


TOKEN_REFUSALS: dict[str, Text] = {
    "token_missing": ("Bearer 토큰이 없습니다. 'Authorization: Bearer <토큰>' 헤더로 보내십시오.",
                      "No bearer token: send it as 'Authorization: Bearer <token>'."),
    "token_malformed": ("Bearer 토큰의 형식이 올바르지 않습니다(JWT가 아닙니다).",
                        "The bearer token is malformed (not a JWT)."),
    "token_expired": ("Bearer 토큰이 만료되었습니다. 새 토큰을 발급받으십시오.",
                      "The bearer token has expired; issue a new one."),
    "token_bad_signature": ("Bearer 토큰의 서명이 이 원장의 키와 맞지 않습니다.",
                            "The bearer token's signature does not verify with this ledger's "
                            "key."),
    "token_invalid": ("이 원장이 발급한 토큰이 아닙니다(발급자·주체·역할·시각을 확인하십시오).",
                      "The token is not one this ledger issues (issuer, subject, role or "
                      "times)."),
}
"""Why a bearer token was refused (401 ``auth.unauthenticated``, its ``reason``): the same
words from both services, never the JWT library's."""


GENERIC_KO: dict[int, str] = {
    404: "요청한 경로나 자원이 없습니다.",
    405: "이 경로에서 허용되지 않는 메서드입니다.",
}


def korean_of(extra: Any, status: int = 404) -> str:
    """The Korean an error was raised with (``extra={"message_ko": …}``), else the words for
    its status: a framework's own errors (no such route, …) are English only."""
    if isinstance(extra, dict) and isinstance(extra.get("message_ko"), str):
        return str(extra["message_ko"])
    return GENERIC_KO.get(status, "요청을 처리할 수 없습니다.")


def problem_body(status: int, code: str, title: Text, message: Text,
                 **extra: Any) -> dict[str, Any]:
    """The body of a problem; ``code`` is the stable dotted code and the type's suffix."""
    return {"type": PROBLEM_TYPE + code, "title": bilingual(title), "status": status,
            "detail": bilingual(message), "code": code, "message_ko": message[0],
            "message_en": message[1], **extra}


_NAMED_FIELD = re.compile(r"(missing required field|contains unknown field) `([^`]+)`")
_MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '([^']+)'")
_BOUND = re.compile(r"Expected `(int|float)` (>=|<=|>|<) (-?[\d.]+)")
_LENGTH = re.compile(r"of length (>=|<=) (\d+)")
_TYPE = re.compile(r"Expected `([^`|]+?)(?: \| null)?`(?:,|$| with a timezone component)")
_ENUM = re.compile(r"Invalid enum value (.+)$")
_KINDS: dict[str, Text] = {
    "int": ("정수여야", "an integer"),
    "float": ("숫자여야", "a number"),
    "str": ("문자열이어야", "a string"),
    "bool": ("true 또는 false여야", "true or false"),
    "array": ("목록이어야", "a list"),
    "object": ("객체여야", "an object"),
    "date": ("YYYY-MM-DD 형식의 날짜여야", "a date, YYYY-MM-DD"),
    "datetime": ("시간대가 있는 ISO 8601 시각이어야", "an ISO 8601 time with a zone"),
}
"""What a value must be: Korean noun with its copula (정수여야, 문자열이어야), English."""
_BOUNDS: dict[str, Text] = {">=": ("이상", "at least"), "<=": ("이하", "at most"),
                            ">": ("초과", "more than"), "<": ("미만", "less than")}


def _copula(word: str) -> str:
    """``이어야`` after a final consonant (이상이어야, 미만이어야), else ``여야`` (이하여야)."""
    last = ord(word[-1]) - 0xAC00
    return "이어야" if 0 <= last < 11172 and last % 28 else "여야"


def invalid_field(message: str, key: str | None) -> str | None:
    """The request field an error is about: a named missing or unknown field (under ``key``
    when nested), a missing parameter, else ``key`` (``data`` is the whole body: None)."""
    body_key = key if key not in (None, "", "data") else None
    named = _NAMED_FIELD.search(message)
    if named:
        return f"{body_key}.{named.group(2)}" if body_key else named.group(2)
    parameter = _MISSING_PARAMETER.search(message)
    return parameter.group(1) if parameter else body_key


def _kind_of(message: str) -> Text | None:
    expected = _TYPE.search(message)
    if expected:
        return _KINDS.get(expected.group(1))
    if message.startswith("Invalid RFC3339 encoded"):
        return _KINDS["datetime" if message.endswith("datetime") else "date"]
    return None


def invalid_text(message: str, field: str | None) -> Text:
    """(Korean, English) for one validation error about ``field``, from the framework's or
    msgspec's English ``message``; a wording not known here keeps its English."""
    named = _NAMED_FIELD.search(message)
    if named and "unknown" in named.group(1):
        return f"알 수 없는 항목 '{field}'이(가) 있습니다.", f"Unknown field '{field}'."
    if named:
        return f"필수 항목 '{field}'이(가) 없습니다.", f"The required field '{field}' is missing."
    if _MISSING_PARAMETER.search(message):
        return (f"필수 매개변수 '{field}'이(가) 없습니다.",
                f"The required parameter '{field}' is missing.")
    bound, length, kind = _BOUND.search(message), _LENGTH.search(message), _kind_of(message)
    if field is None and kind is not None:  # the body as a whole: ``[]``, ``"x"``, ``null``
        return f"요청 본문은 JSON {kind[0]} 합니다.", f"The request body must be {kind[1]}."
    if field is None:
        return "요청 본문이 올바르지 않습니다.", f"The request body is not valid: {message}"
    if bound:
        (ko_op, en_op), number = _BOUNDS[bound.group(2)], bound.group(3)
        what = _KINDS[bound.group(1)]
        return (f"'{field}'은(는) {number} {ko_op}의 {what[0]} 합니다.",
                f"'{field}' must be {what[1]} {en_op} {number}.")
    if length:
        (ko_op, en_op), number = _BOUNDS[length.group(1)], length.group(2)
        return (f"'{field}'의 길이는 {number} {ko_op}{_copula(ko_op)} 합니다.",
                f"'{field}' must have a length {en_op} {number}.")
    if kind is not None:
        return f"'{field}'은(는) {kind[0]} 합니다.", f"'{field}' must be {kind[1]}."
    enum = _ENUM.match(message)
    if enum:
        return (f"{enum.group(1)}은(는) '{field}'에 쓸 수 없는 값입니다.",
                f"'{field}': {enum.group(1)} is not one of the values it takes.")
    return f"'{field}' 값이 올바르지 않습니다.", f"'{field}': {message}"


class UndeclaredQuery(Exception):
    """The request names query parameters its endpoint does not take (raised by each
    service's ``http/query.py``; a 422 ``request.invalid`` naming them)."""

    def __init__(self, unknown: tuple[str, ...], accepted: tuple[str, ...]) -> None:
        super().__init__(f"unknown query parameters {unknown}; the endpoint takes {accepted}")
        self.unknown = unknown
        self.accepted = accepted


def unknown_query_names(query_string: bytes, accepted: tuple[str, ...]) -> tuple[str, ...]:
    """The names a raw query string gives that ``accepted`` lacks, once each, in the order sent."""
    names = dict.fromkeys(n for n, _ in parse_qsl(query_string.decode("latin-1"),
                                                  keep_blank_values=True))
    return tuple(n for n in names if n not in accepted)


def validation_errors(raw: Any, fallback: str,
                      sent_name: Callable[[str | None], str | None] = lambda n: n,
                      ) -> list[dict[str, Any]]:
    """A framework's validation errors (``[{key, message, source}]``; ``raw`` may be
    anything, then ``fallback`` is the one message), each with ``key`` the field as the
    client sent it (``sent_name`` maps a handler's parameter name to it) and its message in
    English and Korean. An error raised with its own ``message_ko`` keeps it."""
    items = [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []
    errors = []
    for item in items or [{"message": fallback}]:
        message = str(item.get("message", fallback))
        field = sent_name(invalid_field(message, item.get("key")))
        ko, en = ((str(item["message_ko"]), message) if "message_ko" in item
                  else invalid_text(message, field))
        where = item.get("source")
        source = {"source": str(getattr(where, "value", where))} if where else {}
        errors.append({"key": field, "message": en, "message_ko": ko, **source})
    return errors


def invalid_body(errors: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The 422 ``request.invalid`` body: the first error is the detail and the ``field``."""
    first = errors[0]
    return problem_body(422, "request.invalid", INVALID_TITLE,
                        (first["message_ko"], first["message"]), field=first["key"],
                        errors=errors, **extra)


def request_too_large(limit: int) -> Text:
    """A request body over the ledger's limit (``GOVLEDGER_MAX_REQUEST_BYTES``)."""
    return (f"요청 본문은 {limit}바이트를 넘을 수 없습니다. 아무것도 기록되지 않았습니다.",
            f"The request body may not exceed {limit} bytes; nothing was written.")


def event_too_large(size: int, limit: int) -> Text:
    """An event whose canonical encoding is over ``GOVLEDGER_MAX_EVENT_BYTES``."""
    return (f"사건의 크기({size}바이트)가 한도({limit}바이트)를 넘습니다. "
            "아무것도 기록되지 않았습니다.",
            f"The event would take {size} bytes, over the limit of {limit} bytes; "
            "nothing was written.")


EMPTY_BODY: Text = ("요청 본문이 비어 있습니다. JSON 객체를 보내십시오.",
                    "The request body is empty; send a JSON object.")


def malformed_json(message: str) -> Text:
    """A body that is not JSON at all (the parser's message in English)."""
    reason = message.removeprefix("JSON is malformed: ")
    return "요청 본문이 올바른 JSON이 아닙니다.", f"The request body is not valid JSON: {reason}"


def undeclared_query_errors(unknown: tuple[str, ...],
                            accepted: tuple[str, ...]) -> list[dict[str, str]]:
    """The errors of a 422 ``request.invalid`` for query parameters an endpoint does not take:
    one per name, each saying what the endpoint does take."""
    listed = ", ".join(accepted)
    takes = ((f"이 경로가 받는 매개변수: {listed}.", f"this endpoint takes: {listed}.")
             if accepted else ("이 경로는 쿼리 매개변수를 받지 않습니다.",
                               "this endpoint takes no query parameters."))
    return [{"key": name, "source": "query",
             "message": f"Unknown query parameter '{name}'; {takes[1]}",
             "message_ko": f"알 수 없는 쿼리 매개변수 '{name}'이(가) 있습니다. {takes[0]}"}
            for name in unknown]
