"""The projector's query API as a client meets it: media types, and problems for bad input.

The consumer is off (``run_consumer=False``): these answers need no projected events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from govledger_projector.http.app import create_app
from govledger_projector.settings import Settings

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(settings, run_consumer=False)) as test_client:
        yield test_client


async def test_the_report_and_its_tables_name_their_charset_once(client: Client) -> None:
    html = await client.get("/v1/reports/2023")
    assert html.status_code == 200, html.text
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    csv = await client.get("/v1/reports/2023/council.csv")
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    data = await client.get("/v1/reports/2023.json")
    assert data.headers["content-type"] == "application/json"
