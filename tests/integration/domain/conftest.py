"""Fixtures for the governance domain against real PostgreSQL (and NATS for the relay).

Each test gets its own database and ward, as in tests/integration/ledger. The seed's data
set takes seconds to load, so one seeded database (``seeded``) is shared by the seed tests
of the session; they only read it, or load the seed again, which must change nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from govledger_ledger.adapters.migrations import migrate
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.application import LedgerApplication
from govledger_ledger.auth import issue_token
from govledger_ledger.http.app import create_app
from govledger_ledger.seeding import load_seed
from govledger_ledger.settings import Settings
from tests.integration.domain.helpers import Seeded

VOTER_KEY = b"integration-test-ward-voter-key"


def settings_for(database: str, nats_url: str, data_dir: Path,
                 voter_secret: str | None = None) -> Settings:
    ward = f"t{uuid.uuid4().hex[:10]}"
    return Settings(database_url=database, nats_url=nats_url, data_dir=data_dir, ward=ward,
                    stream_name=f"GOVLEDGER_{ward.upper()}", voter_secret=voter_secret)


@pytest.fixture
async def domain_settings(fresh_database: Callable[[], Awaitable[str]], nats_url: str,
                          tmp_path: Path) -> Settings:
    return settings_for(await fresh_database(), nats_url, tmp_path / "data",
                        voter_secret=VOTER_KEY.decode())


@pytest.fixture
async def store(domain_settings: Settings) -> AsyncIterator[PostgresEventStore]:
    await migrate(domain_settings.database_url)
    pool = await create_pool(domain_settings.database_url)
    event_store = PostgresEventStore(pool)
    yield event_store
    await event_store.close()
    await pool.close()


@pytest.fixture
def app(store: PostgresEventStore) -> LedgerApplication:
    # The real clock: every test's occurred_at lies in the past, as the guard requires.
    return LedgerApplication(store, voter_key=VOTER_KEY)


@pytest.fixture
async def client(domain_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(create_app(domain_settings)) as test_client:
        yield test_client


@pytest.fixture
def token(domain_settings: Settings) -> Callable[[str], dict[str, str]]:
    """Authorization headers for a subject acting in a role."""

    def make(role: str) -> dict[str, str]:
        value = issue_token(domain_settings.data_dir, domain_settings.jwt_secret,
                            subject=f"test-{role}", role=role)
        return {"Authorization": f"Bearer {value}"}

    return make


@pytest.fixture(scope="session")
async def seeded(pg_admin_url: str, nats_url: str) -> AsyncIterator[Seeded]:
    """A database with the seed loaded once through ``load_seed`` (dropped at the end).

    No voter secret in the settings: the load creates the ward's key in the data folder, as
    a first ``govledger seed load`` does, and a second load must find the same key there."""
    name = f"gltest_seed_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    data_dir = Path(tempfile.mkdtemp(prefix="govledger-seed-"))
    url = urlunsplit(urlsplit(pg_admin_url)._replace(path=f"/{name}"))
    settings = settings_for(url, nats_url, data_dir)
    try:
        yield Seeded(settings=settings, first=await load_seed(settings))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        admin = await asyncpg.connect(pg_admin_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
