"""Servers shared by the integration and end-to-end tests.

Started lazily, once per session, only when a test asks for them (unit tests never do):

- ``pg_admin_url``: a PostgreSQL server-level URL. ``GOVLEDGER_DATABASE_URL`` when set
  (any database on that server; tests create their own), else an embedded server.
- ``nats_url``: ``GOVLEDGER_NATS_URL`` when set, else an embedded NATS with JetStream.
- ``fresh_database``: ``url = await fresh_database()`` creates a new, uniquely named
  database on that server; every database made for a test is dropped after it (FORCE).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from govledger_launcher.embedded import EmbeddedNats, EmbeddedPostgres


@pytest.fixture(scope="session")
def embedded_root() -> Iterator[Path]:
    """A scratch directory for the session's embedded servers.

    Not pytest's tmp_path: pytest keeps its base directory at mode 700 and resets it,
    while the PostgreSQL account must be able to traverse into its data directory.
    """
    root = Path(tempfile.mkdtemp(prefix="govledger-test-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url(embedded_root: Path) -> Iterator[str]:
    configured = os.environ.get("GOVLEDGER_DATABASE_URL")
    if configured:
        yield configured
        return
    with EmbeddedPostgres(embedded_root / "session") as server:
        yield server.url


@pytest.fixture(scope="session")
def nats_url(embedded_root: Path) -> Iterator[str]:
    configured = os.environ.get("GOVLEDGER_NATS_URL")
    if configured:
        yield configured
        return
    with EmbeddedNats(embedded_root / "session") as server:
        yield server.url


def database_url(server_url: str, database: str) -> str:
    """``server_url`` with its database replaced by ``database``."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


@pytest.fixture
async def fresh_database(pg_admin_url: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    import asyncpg  # here, not at the top: unit tests need no database driver

    created: list[str] = []

    async def create() -> str:
        name = f"gltest_{uuid.uuid4().hex[:16]}"
        conn = await asyncpg.connect(pg_admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        created.append(name)
        return database_url(pg_admin_url, name)

    yield create
    if created:
        conn = await asyncpg.connect(pg_admin_url)
        try:
            for name in created:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
