"""The projector against real PostgreSQL and real NATS JetStream, fed by the real ledger.

Every test gets its own database and ward (own event stream, views stream, KV buckets).
The ledger's store and relay produce the events; the projector only ever sees JetStream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.application import LedgerApplication
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings as LedgerSettings
from govledger_projector.settings import Settings


@pytest.fixture
def settings(ledger_settings: LedgerSettings) -> Settings:
    ward = ledger_settings.ward
    return Settings(database_url=ledger_settings.database_url, nats_url=ledger_settings.nats_url,
                    ward=ward, stream_name=ledger_settings.stream_name,
                    views_stream_name=f"GOVLEDGER_VIEWS_{ward.upper()}",
                    data_dir=ledger_settings.data_dir, fetch_timeout=0.2)


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
