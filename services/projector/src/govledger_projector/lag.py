"""How far the views are behind the ledger: in events and in seconds."""

from __future__ import annotations

import msgspec
from asyncpg.exceptions import InsufficientPrivilegeError, UndefinedTableError
from nats.js import JetStreamContext

from govledger_projector.source import stream_last_seq
from govledger_projector.store import Conn, read_checkpoint


class Lag(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    """The ledger position the views reflect."""
    head: int
    """The ledger's head position (``ledger.head``, else the stream's last sequence)."""
    events_behind: int
    seconds_behind: float | None
    """How long the oldest event not yet in the views has been recorded; 0 when caught up,
    unknown (null) when the ledger's tables are not readable from here."""
    published_position: int
    generation: int
    hash: str


async def read_lag(conn: Conn, js: JetStreamContext | None = None,
                   stream: str | None = None) -> Lag:
    checkpoint = await read_checkpoint(conn)
    head: int | None
    seconds: float | None
    try:
        head = await conn.fetchval("SELECT position FROM ledger.head")
        seconds = await conn.fetchval(
            "SELECT extract(epoch FROM clock_timestamp() - recorded_at)::float8"
            " FROM ledger.events WHERE position = $1", checkpoint.position + 1)
    except (UndefinedTableError, InsufficientPrivilegeError):
        head, seconds = None, None
        if js is not None and stream is not None:
            head = await stream_last_seq(js, stream)
    head = checkpoint.position if head is None else int(head)
    behind = max(0, head - checkpoint.position)
    return Lag(position=checkpoint.position, head=head, events_behind=behind,
               seconds_behind=0.0 if behind == 0 else seconds,
               published_position=checkpoint.published_position,
               generation=checkpoint.generation, hash=checkpoint.hash)
