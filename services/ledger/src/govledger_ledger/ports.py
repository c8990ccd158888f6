"""The event store's port: what the application asks of storage, and the errors it gets back.

Callers never import asyncpg; adapters translate driver errors into these at the border.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, Protocol

import msgspec

from govledger_contracts.envelope import Actor, Envelope

Expected = int | Literal["any", "no_stream"]

DEFAULT_MAX_EVENT_BYTES = 256 * 1024
"""The largest canonical encoding of an event the store records unless told otherwise: well
under NATS's 1 MiB ``max_payload``, so the relay can always publish what was recorded."""


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event to record; the store assigns position, stream version, times and hashes."""

    event_id: str
    type: str
    payload: dict[str, Any]
    occurred_at: dt.datetime
    actor: Actor
    reason: str
    correlation_id: str
    causation_id: str | None = None


class StreamWrite(msgspec.Struct, frozen=True, kw_only=True):
    stream_id: str
    expected: Expected
    events: tuple[NewEvent, ...]


class Guard(msgspec.Struct, frozen=True, kw_only=True):
    """A stream read but not written: the append fails if it moved meanwhile."""

    stream_id: str
    expected: Expected


class IdempotencyRecord(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    key: str
    fingerprint: bytes


class AppendRequest(msgspec.Struct, frozen=True, kw_only=True):
    writes: tuple[StreamWrite, ...]
    guards: tuple[Guard, ...] = ()
    idempotency: IdempotencyRecord | None = None


def touched(request: AppendRequest) -> list[tuple[str, Expected]]:
    """Every (stream, expected version) a request checks: its guards, then its writes."""
    return [(g.stream_id, g.expected) for g in request.guards] + [
        (w.stream_id, w.expected) for w in request.writes
    ]


class AppendResult(msgspec.Struct, frozen=True, kw_only=True):
    envelopes: tuple[Envelope, ...]
    replayed: bool = False
    """True when an Idempotency-Key matched: nothing was appended, the original is returned."""


class ConcurrencyConflict(Exception):
    """A stream's version is not the one the writer expected."""

    def __init__(self, stream_id: str, expected: Expected, actual: int) -> None:
        super().__init__(f"stream {stream_id!r} is at version {actual}, expected {expected}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class IdempotencyMismatch(Exception):
    """The Idempotency-Key was used before with a different request body."""


class StoreUnavailable(Exception):
    """The database cannot be reached; the request wrote nothing and may be retried."""


class CommitOutcomeUnknown(Exception):
    """The connection failed during COMMIT: the events may or may not be recorded. Retrying
    with the same Idempotency-Key is safe; retrying without one may record them twice."""


class InvalidData(Exception):
    """A value the database cannot store (e.g. a NUL character in text)."""


class EventTooLarge(InvalidData):
    """An event whose canonical encoding is over the store's limit; nothing was written."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the event's canonical encoding is {size} bytes, over {limit}")
        self.size = size
        self.limit = limit


class StreamSlice(msgspec.Struct, frozen=True, kw_only=True):
    stream_id: str
    version: int
    envelopes: tuple[Envelope, ...]


class EventStore(Protocol):
    async def append(self, request: AppendRequest) -> AppendResult: ...
    async def read_stream(self, stream_id: str, *,
                          up_to_position: int | None = None) -> StreamSlice: ...
    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, StreamSlice]: ...
    async def read_all(self, after: int, limit: int) -> list[Envelope]: ...
    async def get_event(self, event_id: str) -> Envelope | None: ...
    async def head(self) -> tuple[int, str]: ...
    async def find_idempotent(self, record: IdempotencyRecord) -> AppendResult | None: ...
