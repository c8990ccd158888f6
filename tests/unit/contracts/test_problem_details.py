"""Every error the API answers with is an RFC 9457 problem, even one nobody foresaw."""

from govledger_ledger.http.problems import EXCEPTION_HANDLERS, MEDIA_TYPE


def test_an_unexpected_error_is_a_500_problem_with_a_stable_code() -> None:
    response = EXCEPTION_HANDLERS[Exception](None, RuntimeError("boom"))  # type: ignore[arg-type]
    assert response.status_code == 500
    assert response.media_type == MEDIA_TYPE
    assert response.content["code"] == "internal.error"
    assert "boom" not in str(response.content)
