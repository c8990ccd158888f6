"""Every error the API answers with is an RFC 9457 problem, even one nobody foresaw."""

import msgspec
import pytest

from govledger_contracts.problems import (
    NOT_FOUND_TITLE,
    FieldError,
    Problem,
    invalid_body,
    invalid_field,
    invalid_text,
    problem_body,
    validation_errors,
)
from govledger_ledger.http.problems import EXCEPTION_HANDLERS, MEDIA_TYPE


def test_an_unexpected_error_is_a_500_problem_with_a_stable_code() -> None:
    response = EXCEPTION_HANDLERS[Exception](None, RuntimeError("boom"))  # type: ignore[arg-type]
    assert response.status_code == 500
    assert response.media_type == MEDIA_TYPE
    assert response.content["code"] == "internal.error"
    assert "boom" not in str(response.content)


def test_a_missing_body_field_is_named_alike_in_field_and_errors_korean_first() -> None:
    errors = validation_errors([{"message": "Object missing required field `title`",
                                 "key": "data", "source": "body"}], "")
    assert errors == [{"key": "title", "message": "The required field 'title' is missing.",
                       "message_ko": "필수 항목 'title'이(가) 없습니다.", "source": "body"}]
    body = invalid_body(errors)
    assert (body["field"], body["code"], body["status"]) == ("title", "request.invalid", 422)
    assert body["detail"] == ("필수 항목 'title'이(가) 없습니다. / "
                              "The required field 'title' is missing.")


def test_a_nested_field_is_named_by_its_path() -> None:
    message = "Object missing required field `side`"
    assert invalid_field(message, "duties[0]") == "duties[0].side"


def test_a_parameter_is_named_as_the_client_sent_it() -> None:
    [error] = validation_errors([{"message": "Expected `int` >= 1", "key": "from_size"}], "",
                                {"from_size": "from"}.get)
    assert error["key"] == "from"
    assert error["message_ko"] == "'from'은(는) 1 이상의 정수여야 합니다."


@pytest.mark.parametrize(("message", "korean"), [
    ("Expected `int`, got `str`", "'f'은(는) 정수여야 합니다."),
    ("Expected `int` <= 500", "'f'은(는) 500 이하의 정수여야 합니다."),
    ("Invalid RFC3339 encoded date", "'f'은(는) YYYY-MM-DD 형식의 날짜여야 합니다."),
    ("Expected `str` of length <= 255", "'f'의 길이는 255 이하여야 합니다."),
    ("Expected `str` of length >= 1", "'f'의 길이는 1 이상이어야 합니다."),
    ("Expected `array` of length <= 2", "'f'의 길이는 2 이하여야 합니다."),
    ("Expected `int | null`, got `str`", "'f'은(는) 정수여야 합니다."),
    ("Expected `datetime` with a timezone component",
     "'f'은(는) 시간대가 있는 ISO 8601 시각이어야 합니다."),
    ("Invalid enum value 'fr'", "'fr'은(는) 'f'에 쓸 수 없는 값입니다."),
    ("Expected `str` matching regex '^x$'", "'f' 값이 올바르지 않습니다."),
])
def test_validation_messages_read_in_korean_first(message: str, korean: str) -> None:
    ko, en = invalid_text(message, "f")
    assert ko == korean
    assert en.startswith("'f'")


def test_a_rule_problem_and_a_generic_one_share_one_shape() -> None:
    body = problem_body(404, "not_found", NOT_FOUND_TITLE, ("없습니다.", "Missing."))
    assert body["title"] == "찾을 수 없습니다 / Not found"
    assert body["type"].endswith("/not_found")
    assert (body["message_ko"], body["message_en"]) == ("없습니다.", "Missing.")


def test_a_problem_body_has_only_the_members_its_documented_schema_names() -> None:
    errors = validation_errors([{"message": "Expected `int`, got `str`", "key": "year",
                                 "source": "body"}], "")
    body = invalid_body(errors)
    assert set(body) <= set(Problem.__struct_fields__)
    assert set(errors[0]) <= set(FieldError.__struct_fields__)
    decoded = msgspec.json.decode(msgspec.json.encode(msgspec.convert(body, Problem)))
    assert decoded == {**body, "head_position": None}
