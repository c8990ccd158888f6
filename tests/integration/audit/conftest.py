"""Fixtures for the auditor's toolkit against real PostgreSQL and real NATS JetStream.

The shared fixtures are in tests/integration/conftest.py; here ``ledger_settings`` signs
checkpoints often, and every test still gets its own database and ward.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from govledger_contracts.envelope import Envelope
from govledger_ledger.adapters.merkle_store import StoredCheckpoint
from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import (
    PostgresEventStore,
    init_connection,
)
from govledger_ledger.checkpoints import checkpoint_round, load_or_create_signer
from govledger_ledger.http.app import create_app
from govledger_ledger.settings import Settings
from tests.integration.ledger.helpers import write

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture
async def ledger_settings(fresh_database: Callable[[], Awaitable[str]], nats_url: str,
                          tmp_path: Path) -> Settings:
    ward = f"t{uuid.uuid4().hex[:10]}"
    settings = Settings(
        database_url=await fresh_database(), nats_url=nats_url, data_dir=tmp_path / "data",
        ward=ward, stream_name=f"GOVLEDGER_{ward.upper()}",
        checkpoint_every_events=10, checkpoint_every_seconds=0.2,
    )
    await migrate(settings.database_url)
    return settings


@pytest.fixture
async def client(ledger_settings: Settings,
                 store: PostgresEventStore) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(ledger_settings)) as test_client:
        yield test_client


async def append(store: PostgresEventStore, count: int, *, per_request: int = 7) -> None:
    """``count`` plain events over a few streams, several per append."""
    done = 0
    while done < count:
        n = min(per_request, count - done)
        await store.append(write(f"agenda-s{done % 3}", count=n))
        done += n


async def sign_now(settings: Settings) -> StoredCheckpoint | None:
    """One checkpoint round, as the checkpointer or an export takes it."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        await init_connection(conn)
        return await checkpoint_round(conn, load_or_create_signer(settings), wait=True)
    finally:
        await conn.close()


async def all_events(store: PostgresEventStore) -> list[Envelope]:
    return await store.read_all(0, 1_000_000)


async def owner_execute(settings: Settings, *statements: str) -> None:
    """Run SQL as the database owner with the append-only triggers off: a tamperer's powers."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        async with conn.transaction():
            for table in ("events", "merkle_subtrees", "checkpoints"):
                await conn.execute(f"ALTER TABLE ledger.{table} DISABLE TRIGGER USER")
            for statement in statements:
                await conn.execute(statement)
            for table in ("events", "merkle_subtrees", "checkpoints"):
                await conn.execute(f"ALTER TABLE ledger.{table} ENABLE TRIGGER USER")
    finally:
        await conn.close()
