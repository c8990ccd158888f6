"""Any aggregate's state as of a point in the log: "what did the council look like that day?"

The state is the same pure fold the ledger decides with (``domain.streams.fold_stream``),
over the stream's events up to a position. A time is turned into the last position recorded
at or before it, so "as of a day" means "as the ledger knew it then", not as corrected later.
``occurred_by`` asks the other question — "as we know it now, what was the state on the day
the acts happened?" — folding the stream's events whose ``occurred_at`` is not after it (the
way to ask about acts recorded after the fact, such as the seed's 2021–2023 history).
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


class BeyondHead(ValueError):
    """An ``as_of`` position the log has not reached: the answer would claim a state the
    ledger has not recorded (and may never record as asked)."""

    def __init__(self, position: int, head: int, field: str = "as_of") -> None:
        super().__init__(f"the log has not reached position {position} (head {head})")
        self.position, self.head, self.field = position, head, field


async def position_as_of(store: PostgresEventStore, as_of: int | dt.datetime) -> int:
    """The log position ``as_of`` names: the last one recorded by a time, or a position up
    to the head (BeyondHead otherwise)."""
    if isinstance(as_of, dt.datetime):
        return await store.position_at(as_of)
    head, _ = await store.head()
    if as_of > head:
        raise BeyondHead(as_of, head)
    return as_of


async def aggregate_as_of(store: PostgresEventStore, stream_id: str,
                          as_of: int | dt.datetime | None = None, *,
                          occurred_by: dt.datetime | None = None) -> AggregateState:
    """Fold the stream's events up to ``as_of`` (a position or a time; None: everything),
    keeping only acts that occurred by ``occurred_by`` when it is given."""
    try:
        stream_type(stream_id)
    except ValueError as exc:
        raise UnknownAggregate(str(exc)) from exc
    position = None if as_of is None else await position_as_of(store, as_of)
    stream = await store.read_stream(stream_id, up_to_position=position)
    envelopes = [e for e in stream.envelopes
                 if occurred_by is None or e.occurred_at <= occurred_by]
    state = fold_stream(stream_id, (from_payload(e.payload) for e in envelopes))
    last = envelopes[-1] if envelopes else None
    return AggregateState(stream_id=stream_id, version=last.stream_version if last else 0,
                          as_of_position=position,
                          last_position=last.position if last else None,
                          state=msgspec.to_builtins(state))
