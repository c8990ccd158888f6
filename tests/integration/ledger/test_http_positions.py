"""A position or size the client got wrong is a 422 that names it: never a 404 that does not
say which part of the address was wrong, never a stream that waits for what will not come."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from litestar.testing import AsyncTestClient

from govledger_contracts.commands import ProposeAgenda
from govledger_ledger.domain import HANDLERS

Client = AsyncTestClient  # type: ignore[type-arg]
Headers = Callable[..., dict[str, str]]
PROPOSE = HANDLERS[ProposeAgenda]


def proposal(agenda_id: str) -> dict[str, object]:
    return {"reason": "주민 제안 / resident proposal", "agenda_id": agenda_id,
            "title": "어르신 돌봄 공동체", "summary": "", "channel": "online",
            "domains": ["welfare"], "year": 2023}


@pytest.mark.parametrize("size", ["abc", "0", "-1", "1.5", "٣", "%20"])
async def test_a_checkpoint_size_that_is_not_a_tree_size_is_a_422_naming_size(
    client: Client, size: str,
) -> None:
    response = await client.get(f"/v1/checkpoints/{size}")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("request.invalid", "size")
    assert [e["key"] for e in problem["errors"]] == ["size"]
    assert re.search(r"[가-힣]", problem["message_ko"])


async def test_a_checkpoint_not_signed_yet_is_still_a_404(client: Client) -> None:
    response = await client.get("/v1/checkpoints/5")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(("query", "headers", "field"), [
    ("?after=3", {}, "after"),
    ("", {"Last-Event-ID": "3"}, "Last-Event-ID"),
])
async def test_a_live_stream_from_beyond_the_head_is_refused_saying_where_the_log_ends(
    live_server: str, token: Headers, query: str, headers: dict[str, str], field: str,
) -> None:
    # On a real server: a stream that waits for position 3 is then a read timeout, a failure,
    # where the test client would wait for it for ever.
    async with httpx.AsyncClient(base_url=live_server, timeout=10) as http:
        for agenda in ("a-1", "a-2"):
            assert (await http.post(PROPOSE.path, json=proposal(agenda),
                                    headers=token())).status_code == 201
        response = await http.get(f"/v1/events/live{query}", headers=headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("position.beyond_head", field)
    assert problem["head_position"] == 2
    assert "2" in problem["message_ko"] and "position 2" in problem["message_en"]
