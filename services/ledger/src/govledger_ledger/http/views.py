"""Response bodies of the HTTP API (named schemas in OpenAPI)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response

from govledger_contracts.envelope import Envelope
from govledger_ledger.adapters.postgres_store import as_read_back
from govledger_ledger.ports import AppendResult


class CommandAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """The events a command recorded. A retry with the same Idempotency-Key gets these very
    bytes again; only its header ``Idempotent-Replayed: true`` tells it apart."""

    events: tuple[Envelope, ...]
    position: int


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
    """The 201 for a recorded command, and the same bytes when a retry with its
    Idempotency-Key replays it (a retry gets the original result). A first answer shows its
    envelopes as the store reads them back, as a replay does, and so as
    ``GET /v1/events/{id}`` and the relay's message show each event; the body says nothing of
    being a replay: the header does."""
    envelopes = (result.envelopes if result.replayed
                 else tuple(as_read_back(e) for e in result.envelopes))
    body = CommandAccepted(events=envelopes,
                           position=envelopes[-1].position if envelopes else 0)
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return Response(body, status_code=201, headers=headers)
