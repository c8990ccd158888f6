"""A command holding a value the ledger cannot record is a 422 naming that value's field.

Integers beyond ±(2**53 - 1) have no exact JSON number (the canonical encoding refuses them)
and PostgreSQL text cannot hold U+0000; both used to surface from the store as a 422 that
named no field at all."""

from __future__ import annotations

from typing import Any

import pytest

from govledger_contracts.commands import FormWorkingGroup, SignMou
from govledger_ledger.domain import HANDLERS
from tests.integration.ledger.test_http import (
    PROPOSE,
    Client,
    Headers,
    assert_korean_first,
    head,
    proposal,
)

WORKING_GROUP = HANDLERS[FormWorkingGroup]
SIGN_MOU = HANDLERS[SignMou]


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
    """As an MOU goal's stage, which no rule bounds from above (a year now has its own
    bounds, 2000-2100, which the border leaves to the rules: see the second request)."""
    wg = {"working_group_id": "wg-1", "agenda_id": "a-1", "name": "워킹그룹", "year": 2023,
          "private_partners": ["주민모임"], "departments": ["자치행정과"], "reason": "구성"}
    mou = {"mou_id": "m-1", "project_id": "p-1", "working_group_id": "wg-1", "title": "협약",
           "year": 2023, "private_parties": ["주민모임"], "departments": ["자치행정과"],
           "mayor": "성동구청장", "reason": "체결",
           "duties": [{"side": "private", "duty": "운영"}, {"side": "public", "duty": "지원"}],
           "goals": [{"goal_id": "g1", "stage": 2**53 - 1, "description": "목표",
                      "due": "2023-12-31"}]}
    for path, body in ((PROPOSE.path, proposal("a-1")), (WORKING_GROUP.path, wg),
                       (SIGN_MOU.path, mou)):
        response = await client.post(path, json=body, headers=token())
        assert response.status_code == 201, response.text
    assert response.json()["events"][0]["payload"]["goals"][0]["stage"] == 2**53 - 1
    year = await client.post(PROPOSE.path, json=proposal("a-2", year=2**53 - 1),
                             headers=token())
    assert (year.status_code, year.json()["code"]) == (422, "command.year_out_of_range")
