"""Fixtures for every integration test: a ledger on real PostgreSQL and real NATS JetStream.

Every test gets its own database and its own ward (hence its own JetStream streams and
subjects), so tests never see each other's events. A folder's conftest may override
``ledger_settings`` (the audit tests sign checkpoints more often, for instance).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.auth import issue_token
from govledger_ledger.http.app import create_app
from govledger_ledger.http.serving import LedgerServer
from govledger_ledger.settings import Settings


@pytest.fixture
async def ledger_settings(fresh_database: Callable[[], Awaitable[str]], nats_url: str,
                          tmp_path: Path) -> Settings:
    ward = f"t{uuid.uuid4().hex[:10]}"
    settings = Settings(
        database_url=await fresh_database(), nats_url=nats_url, data_dir=tmp_path / "data",
        ward=ward, stream_name=f"GOVLEDGER_{ward.upper()}",
    )
    await migrate(settings.database_url)
    return settings


@pytest.fixture
async def store(ledger_settings: Settings) -> AsyncIterator[PostgresEventStore]:
    await migrate(ledger_settings.database_url)
    pool = await create_pool(ledger_settings.database_url)
    event_store = PostgresEventStore(pool)
    yield event_store
    await event_store.close()
    await pool.close()


@pytest.fixture
async def client(ledger_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(ledger_settings)) as test_client:
        yield test_client


@pytest.fixture
async def live_server(ledger_settings: Settings) -> AsyncIterator[str]:
    """The API on a real uvicorn server (streaming responses need a real socket), served as
    ``python -m govledger_ledger api`` serves it: live streams end when it shuts down."""
    async with serving(ledger_settings) as url:
        yield url


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[str]:
    """``live_server`` for settings of a test's own (reads closed, say)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(settings)
    server = LedgerServer(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                         lifespan="on"), draining=app.state.draining)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def token(ledger_settings: Settings) -> Callable[..., dict[str, str]]:
    """Authorization headers for a subject acting in a role."""

    def make(role: str = "secretariat", subject: str = "secretariat-01") -> dict[str, str]:
        value = issue_token(ledger_settings.data_dir, ledger_settings.jwt_secret,
                            subject=subject, role=role)
        return {"Authorization": f"Bearer {value}"}

    return make
