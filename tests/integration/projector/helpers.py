"""Small helpers shared by the projector's integration tests."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from govledger_contracts.envelope import Actor
from govledger_contracts.events import Event, event_tag, to_payload
from govledger_contracts.ids import uuid7
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.ports import AppendRequest, NewEvent, StreamWrite

ACTOR = Actor(id="secretariat-01", role="secretariat")
TIMEOUT = 60.0


async def append_events(store: PostgresEventStore, stream: str, events: Sequence[Event],
                        at: dt.datetime | None = None) -> None:
    """Append domain events directly (no rules): the projector must count what is recorded."""
    when = at or dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    new = tuple(NewEvent(event_id=str(uuid7()), type=event_tag(e), payload=to_payload(e),
                         occurred_at=when, actor=ACTOR, reason="test", correlation_id="c")
                for e in events)
    await store.append(AppendRequest(writes=(StreamWrite(stream_id=stream, expected="any",
                                                         events=new),)))


async def eventually(check: Callable[[], Awaitable[bool]], within: float = TIMEOUT) -> None:
    async def loop() -> None:
        while not await check():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(loop(), within)


async def checkpoint_position(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        try:
            return int(await conn.fetchval("SELECT position FROM projector.checkpoint"))
        except asyncpg.UndefinedTableError:
            return 0
    finally:
        await conn.close()


async def wait_for_position(database_url: str, position: int, within: float = TIMEOUT) -> None:
    async def reached() -> bool:
        return await checkpoint_position(database_url) >= position
    await eventually(reached, within)
