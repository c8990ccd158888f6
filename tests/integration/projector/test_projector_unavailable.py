"""The projector's reads while PostgreSQL is away: 503 with Retry-After, then they recover."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from litestar.testing import AsyncTestClient

from govledger_launcher.embedded import EmbeddedPostgres
from govledger_projector.http.app import create_app
from govledger_projector.settings import Settings


async def test_reads_answer_503_with_retry_after_while_the_database_is_away(
    tmp_path: Path, nats_url: str,
) -> None:
    server = await asyncio.to_thread(EmbeddedPostgres(tmp_path / "pg").start)
    ward = f"t{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=server.database_url, nats_url=nats_url, ward=ward,
                        stream_name=f"GOVLEDGER_{ward.upper()}",
                        views_stream_name=f"GOVLEDGER_VIEWS_{ward.upper()}",
                        data_dir=tmp_path / "data", fetch_timeout=0.2)
    paths = ("/v1/views/members", "/v1/views/votes/summary", "/v1/reports/2023.json")
    try:
        async with AsyncTestClient(create_app(settings)) as client:
            assert (await client.get(paths[0])).status_code == 200
            await asyncio.to_thread(server.stop)
            for path in paths:
                response = await client.get(path)
                assert response.status_code == 503, (path, response.text)
                assert int(response.headers["retry-after"]) > 0
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.json()["code"] == "store.unavailable"
            await asyncio.to_thread(server.start)
            assert (await client.get(paths[0])).status_code == 200
    finally:
        await asyncio.to_thread(server.stop)
