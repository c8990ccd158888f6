"""When PostgreSQL is unreachable the API says 503 with Retry-After, writes nothing, and
recovers by itself when the database returns."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
from litestar.testing import AsyncTestClient

from govledger_launcher.embedded import EmbeddedPostgres
from govledger_ledger.auth import issue_token
from govledger_ledger.http.app import create_app
from govledger_ledger.settings import Settings

BODY = {"reason": "test", "agenda_id": "a-1", "title": "t", "channel": "online",
        "domains": ["welfare"], "year": 2023}


async def test_an_unreachable_database_is_a_503_with_retry_after_and_then_recovers(
    tmp_path: Path, nats_url: str,
) -> None:
    server = await asyncio.to_thread(EmbeddedPostgres(tmp_path / "pg").start)
    ward = f"t{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=server.database_url, nats_url=nats_url,
                        data_dir=tmp_path / "data", ward=ward, stream_name=ward.upper())
    headers = {"Authorization": "Bearer " + issue_token(settings.data_dir, None,
                                                        subject="s", role="secretariat")}
    try:
        async with AsyncTestClient(create_app(settings)) as client:
            assert (await client.post("/v1/agendas", json=BODY, headers=headers)).status_code == 201
            await asyncio.to_thread(server.stop)
            write = await client.post("/v1/agendas", json={**BODY, "agenda_id": "a-2"},
                                      headers=headers)
            read = await client.get("/v1/events")
            ready = await client.get("/ready")
            for response in (write, read, ready):
                assert response.status_code == 503, response.text
                assert int(response.headers["retry-after"]) > 0
            assert write.json()["code"] == "store.unavailable"
            assert "Nothing was written" in write.json()["detail"]
            assert read.json()["code"] == "store.unavailable"
            assert "written" not in read.json()["detail"]  # a read writes nothing anyway
            await asyncio.to_thread(server.start)
            again = await client.post("/v1/agendas", json={**BODY, "agenda_id": "a-3"},
                                      headers=headers)
            assert again.status_code == 201, again.text
        conn = await asyncpg.connect(server.database_url)
        ids = [r[0] for r in await conn.fetch("SELECT stream_id FROM ledger.events ORDER BY 1")]
        await conn.close()
        assert ids == ["agenda-a-1", "agenda-a-3"]
    finally:
        await asyncio.to_thread(server.stop)


async def test_live_notifications_resume_after_the_database_restarts(tmp_path: Path) -> None:
    from govledger_ledger.adapters.migrations import migrate
    from govledger_ledger.adapters.notifier import PostgresNotifier
    from govledger_ledger.adapters.postgres_store import APPENDED_CHANNEL

    server = await asyncio.to_thread(EmbeddedPostgres(tmp_path / "pg").start)
    notifier = PostgresNotifier(server.database_url)
    try:
        await migrate(server.database_url)
        await notifier.start()
        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(server.start)
        seen = notifier.generation
        for _ in range(100):  # the notifier reconnects by itself; keep announcing appends
            conn = await asyncpg.connect(server.database_url)
            await conn.execute("SELECT pg_notify($1, '1')", APPENDED_CHANNEL)
            await conn.close()
            if await notifier.wait(seen, 0.2):
                break
        assert notifier.generation > seen
    finally:
        await notifier.close()
        await asyncio.to_thread(server.stop)
