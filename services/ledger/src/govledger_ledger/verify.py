"""Walk the whole stored chain and recompute every hash (``govledger verify``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
import msgspec

from govledger_contracts.canonical import GENESIS_HASH, CanonicalEncodingError, chain_hash
from govledger_contracts.envelope import leaf_bytes_from
from govledger_ledger.adapters.postgres_store import init_connection

PAGE = 5000
# What is wrong, worded the same by ``govledger verify`` and ``govledger export``.
GAP = "expected position {expected}, found {found} (an event is missing)"
UNLINKED = "prev_hash does not match the previous event's hash (reordered or removed)"
NOT_CANONICAL = "the event has no canonical encoding ({error})"
EDITED = "the stored hash does not match the event's content (edited)"
SHORT = "the head says {head} events but the log ends at {end}"
_UTC_TEXT = """to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
# Every column the leaf is made of, the times already in the canonical text form (the
# database prints them; Python would build a datetime only to print it again).
_PAGE = (
    "SELECT position, event_id::text, stream_id, stream_version, type, "
    + _UTC_TEXT.format("occurred_at") + ", " + _UTC_TEXT.format("recorded_at")
    + ", actor_id, actor_role, reason, correlation_id, causation_id, payload, prev_hash, hash"
    " FROM ledger.events WHERE position > $1 ORDER BY position LIMIT $2"
)


class ChainReport(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    count: int
    head_hash: str
    bad_position: int | None = None
    problem: str | None = None


async def verify_chain(database_url: str,
                       progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """Recompute SHA-256(prev_hash ‖ canonical bytes) for every event, in position order.

    One repeatable-read snapshot, read in keyset pages; each leaf is rebuilt from the row's
    columns (``leaf_bytes_from``), so an edited column, a missing row or a reordering shows.
    """
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            total = int(await conn.fetchval("SELECT position FROM ledger.head"))
            prev, position = GENESIS_HASH, 0
            rows = await conn.fetch(_PAGE, position, PAGE)
            while rows:
                # The database prints the next page while this one is hashed.
                ahead = asyncio.ensure_future(conn.fetch(_PAGE, rows[-1][0], PAGE))
                await asyncio.sleep(0)  # let the query go out before the CPU-bound loop
                try:
                    problem_at = _check_page(rows, position, prev)
                    if problem_at is None:
                        position, prev = rows[-1][0], rows[-1][14]
                        if progress is not None:
                            progress(position, total)
                finally:
                    # The connection is busy until the read-ahead is answered: let it finish,
                    # so the transaction can end and the first error is the one reported.
                    await asyncio.wait([ahead])
                if problem_at is not None:
                    position, prev, problem = problem_at
                    return ChainReport(ok=False, count=position, head_hash=prev.hex(),
                                       bad_position=position + 1, problem=problem)
                rows = ahead.result()
        if position != total:
            problem = SHORT.format(head=total, end=position)
            return ChainReport(ok=False, count=position, head_hash=prev.hex(),
                               bad_position=position + 1, problem=problem)
        return ChainReport(ok=True, count=position, head_hash=prev.hex())
    finally:
        await conn.close()


def _check_page(rows: list[asyncpg.Record], position: int,
                prev: bytes) -> tuple[int, bytes, str] | None:
    """The first problem in a page as (last good position, its hash, problem), or None."""
    for row in rows:
        problem = _check(row, position, prev)
        if problem is not None:
            return position, prev, problem
        prev, position = row[14], row[0]
    return None


def _check(row: asyncpg.Record, position: int, prev: bytes) -> str | None:
    (at, event_id, stream_id, version, type_, occurred, recorded, actor_id, actor_role,
     reason, correlation_id, causation_id, payload, prev_hash, stored_hash) = row
    if at != position + 1:
        return GAP.format(expected=position + 1, found=at)
    if prev_hash != prev:
        return UNLINKED
    try:
        leaf = leaf_bytes_from(
            event_id=event_id, position=at, stream_id=stream_id, stream_version=version,
            type=type_, occurred_at=occurred, recorded_at=recorded, actor_id=actor_id,
            actor_role=actor_role, reason=reason, correlation_id=correlation_id,
            causation_id=causation_id, payload=payload,
        )
    except (CanonicalEncodingError, UnicodeError) as exc:
        return NOT_CANONICAL.format(error=exc)
    if chain_hash(prev, leaf) != stored_hash:
        return EDITED
    return None
