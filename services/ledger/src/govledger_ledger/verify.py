"""Walk the whole stored chain and recompute every hash (``govledger verify``)."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import msgspec

from govledger_contracts.canonical import GENESIS_HASH
from govledger_contracts.envelope import Envelope
from govledger_ledger.adapters.postgres_store import init_connection, row_to_envelope

PAGE = 5000


class ChainReport(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    count: int
    head_hash: str
    bad_position: int | None = None
    problem: str | None = None


async def verify_chain(database_url: str,
                       progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """Recompute SHA-256(prev_hash ‖ canonical bytes) for every event, in position order."""
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        total = int(await conn.fetchval("SELECT position FROM ledger.head"))
        prev, position = GENESIS_HASH.hex(), 0
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            cursor = conn.cursor("SELECT * FROM ledger.events ORDER BY position", prefetch=PAGE)
            async for row in cursor:
                e = row_to_envelope(row)
                problem = _check(e, position, prev)
                if problem is not None:
                    return ChainReport(ok=False, count=position, head_hash=prev,
                                       bad_position=position + 1, problem=problem)
                prev, position = e.hash, e.position
                if progress is not None and position % 1000 == 0:
                    progress(position, total)
        if position != total:
            problem = f"the head says {total} events but the log ends at {position}"
            return ChainReport(ok=False, count=position, head_hash=prev,
                               bad_position=position + 1, problem=problem)
        if progress is not None and position % 1000:
            progress(position, total)
        return ChainReport(ok=True, count=position, head_hash=prev)
    finally:
        await conn.close()


def _check(e: Envelope, position: int, prev: str) -> str | None:
    if e.position != position + 1:
        return f"expected position {position + 1}, found {e.position} (an event is missing)"
    if e.prev_hash != prev:
        return "prev_hash does not match the previous event's hash (reordered or removed)"
    if e.computed_hash() != e.hash:
        return "the stored hash does not match the event's content (edited)"
    return None
