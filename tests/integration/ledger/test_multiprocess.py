"""Two ledger processes writing at once: one gap-free order, one chain."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg

from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.settings import Settings
from govledger_ledger.verify import verify_chain

WRITER = Path(__file__).with_name("writer_process.py")
WRITERS_PER_PROCESS = 25
EVENTS_PER_WRITER = 20


async def _watch(url: str, done: asyncio.Event) -> list[int]:
    """Read the log over and over; every snapshot must be exactly positions 1..n."""
    conn = await asyncpg.connect(url)
    broken: list[int] = []
    try:
        while not done.is_set():
            positions = [r[0] for r in await conn.fetch(
                "SELECT position FROM ledger.events ORDER BY position")]
            if positions != list(range(1, len(positions) + 1)):
                broken.append(len(positions))
    finally:
        await conn.close()
    return broken


async def test_fifty_writers_in_two_processes_get_one_gap_free_verified_order(
    store: PostgresEventStore, ledger_settings: Settings,
) -> None:
    url = ledger_settings.database_url
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch(url, done))
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, str(WRITER), url, str(WRITERS_PER_PROCESS), str(EVENTS_PER_WRITER), tag)
        for tag in ("p1", "p2")]
    codes = [await p.wait() for p in processes]
    done.set()
    assert codes == [0, 0]
    assert await watcher == [], "a reader saw a position before all earlier ones"
    total = 2 * WRITERS_PER_PROCESS * EVENTS_PER_WRITER
    events = await store.read_all(0, total + 1)
    assert [e.position for e in events] == list(range(1, total + 1))
    report = await verify_chain(url)
    assert report.ok
    assert report.count == total
