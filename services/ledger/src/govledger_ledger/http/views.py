"""Response bodies of the HTTP API (named schemas in OpenAPI)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response

from govledger_contracts.envelope import Envelope
from govledger_ledger.adapters.postgres_store import as_read_back
from govledger_ledger.ports import AppendResult


class CommandAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """The events a command recorded; ``replayed`` when an Idempotency-Key matched."""

    events: tuple[Envelope, ...]
    position: int
    replayed: bool


class EventPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of the global log in position order; follow ``next`` for the rest."""

    events: tuple[Envelope, ...]
    head_position: int
    next: str | None


class StreamView(msgspec.Struct, frozen=True, kw_only=True):
    stream_id: str
    version: int
    as_of_position: int | None
    events: tuple[Envelope, ...]


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    checks: dict[str, str] = {}
    head_position: int | None = None
    relay_backlog: int | None = None
    relay_lag_seconds: float | None = None


def accepted(result: AppendResult) -> Response[Any]:
    """The 201 for a recorded command. A first answer shows its envelopes as the store reads
    them back, as a replay (read from the store) does, and so as ``GET /v1/events/{id}`` and
    the relay's message show each event."""
    envelopes = (result.envelopes if result.replayed
                 else tuple(as_read_back(e) for e in result.envelopes))
    body = CommandAccepted(events=envelopes,
                           position=result.envelopes[-1].position if result.envelopes else 0,
                           replayed=result.replayed)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return Response(body, status_code=201, headers=headers)
