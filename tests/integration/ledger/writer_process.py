"""A separate ledger process for the multi-process test: ``python writer_process.py URL N M``.

Runs N concurrent writers, each appending M events to its own stream.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from govledger_contracts.envelope import Actor
from govledger_contracts.ids import uuid7
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.ports import AppendRequest, NewEvent, StreamWrite


async def writer(store: PostgresEventStore, stream: str, count: int) -> None:
    for version in range(count):
        new = NewEvent(event_id=str(uuid7()), type="agenda_proposed", payload={"v": version},
                       occurred_at=dt.datetime.now(dt.UTC), actor=Actor(id="w", role="admin"),
                       reason="multi-process test", correlation_id=stream)
        await store.append(AppendRequest(writes=(
            StreamWrite(stream_id=stream, expected=version, events=(new,)),)))


async def main(url: str, writers: int, count: int, tag: str) -> None:
    pool = await create_pool(url, max_size=writers)
    store = PostgresEventStore(pool)
    await asyncio.gather(*(writer(store, f"{tag}-{i}", count) for i in range(writers)))
    await store.close()
    await pool.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
