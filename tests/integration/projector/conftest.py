"""The projector against real PostgreSQL and real NATS JetStream, fed by the real ledger.

Every test gets its own database and ward (own event stream, views stream, KV buckets).
The ledger's store and relay produce the events; the projector only ever sees JetStream.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from govledger_ledger.adapters.migrations import migrate as migrate_ledger
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings as LedgerSettings
from govledger_projector.settings import Settings


@pytest.fixture
async def ledger_settings(fresh_database: Callable[[], Awaitable[str]], nats_url: str,
                          tmp_path: Path) -> LedgerSettings:
    ward = f"p{uuid.uuid4().hex[:10]}"
    settings = LedgerSettings(database_url=await fresh_database(), nats_url=nats_url,
                              data_dir=tmp_path / "data", ward=ward,
                              stream_name=f"GOVLEDGER_{ward.upper()}")
    await migrate_ledger(settings.database_url)
    return settings


@pytest.fixture
def settings(ledger_settings: LedgerSettings) -> Settings:
    ward = ledger_settings.ward
    return Settings(database_url=ledger_settings.database_url, nats_url=ledger_settings.nats_url,
                    ward=ward, stream_name=ledger_settings.stream_name,
                    views_stream_name=f"GOVLEDGER_VIEWS_{ward.upper()}",
                    data_dir=ledger_settings.data_dir, fetch_timeout=0.2)


@pytest.fixture
async def store(ledger_settings: LedgerSettings) -> AsyncIterator[PostgresEventStore]:
    pool = await create_pool(ledger_settings.database_url)
    event_store = PostgresEventStore(pool)
    yield event_store
    await event_store.close()
    await pool.close()


@pytest.fixture
def ledger(store: PostgresEventStore) -> LedgerApplication:
    return LedgerApplication(store, voter_key=b"test-voter-key")


@pytest.fixture
async def relay(ledger_settings: LedgerSettings) -> AsyncIterator[Relay]:
    running = Relay(ledger_settings)
    task = asyncio.create_task(running.run())
    yield running
    running.stop()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, 30)
