"""A command holding a value the ledger cannot record is a 422 naming that value's field.

Integers beyond ±(2**53 - 1) have no exact JSON number (the canonical encoding refuses them)
and PostgreSQL text cannot hold U+0000; both used to surface from the store as a 422 that
named no field at all."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.ledger.test_http import (
    PROPOSE,
    Client,
    Headers,
    assert_korean_first,
    head,
    proposal,
)


@pytest.mark.parametrize(("changes", "field", "english"), [
    ({"year": 2**53}, "year", "integers must be within ±(2**53 - 1)"),
    ({"year": -(10**20)}, "year", "integers must be within ±(2**53 - 1)"),
    ({"title": "돌봄\x00공동체"}, "title", "NUL character"),
    ({"domains": ["welfare", "safe\x00ty"]}, "domains[1]", "NUL character"),
    ({"reason": "\x00"}, "reason", "NUL character"),
])
async def test_an_unrecordable_value_is_refused_naming_its_field_and_writes_nothing(
    client: Client, token: Headers, changes: dict[str, Any], field: str, english: str,
) -> None:
    response = await client.post(PROPOSE.path, json=proposal("a-1", **changes),
                                 headers=token())
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("request.invalid", field)
    assert [e["key"] for e in problem["errors"]] == [field]
    assert english in problem["detail"]
    assert_korean_first(problem["detail"])
    assert await head(client) == 0


async def test_the_largest_exact_integer_is_recorded(client: Client, token: Headers) -> None:
    response = await client.post(PROPOSE.path, json=proposal("a-1", year=2**53 - 1),
                                 headers=token())
    assert response.status_code == 201, response.text
