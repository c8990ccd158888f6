"""Any aggregate's state as of a point in the log: "what did the council look like that day?"

The state is the same pure fold the ledger decides with (``domain.streams.fold_stream``),
over the stream's events up to a position. A time is turned into the last position recorded
at or before it, so "as of a day" means "as the ledger knew it then", not as corrected later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from govledger_contracts.events import from_payload
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.domain.streams import fold_stream, stream_type


class AggregateState(msgspec.Struct, frozen=True, kw_only=True):
    """A stream's folded state at a point: which events went into it, and the state."""

    stream_id: str
    version: int
    """The stream version the state includes (0: the stream did not exist yet)."""
    as_of_position: int | None
    """The log position the state is as of (None: the present)."""
    last_position: int | None
    """Position of the last event folded in."""
    state: Any


class UnknownAggregate(ValueError):
    """No stream type has ids like this one."""


async def aggregate_as_of(store: PostgresEventStore, stream_id: str,
                          as_of: int | dt.datetime | None = None) -> AggregateState:
    """Fold the stream's events up to ``as_of`` (a position or a time; None: everything)."""
    try:
        stream_type(stream_id)
    except ValueError as exc:
        raise UnknownAggregate(str(exc)) from exc
    position = await store.position_at(as_of) if isinstance(as_of, dt.datetime) else as_of
    stream = await store.read_stream(stream_id, up_to_position=position)
    state = fold_stream(stream_id, (from_payload(e.payload) for e in stream.envelopes))
    last = stream.envelopes[-1].position if stream.envelopes else None
    return AggregateState(stream_id=stream_id, version=stream.version, as_of_position=position,
                          last_position=last, state=msgspec.to_builtins(state))
