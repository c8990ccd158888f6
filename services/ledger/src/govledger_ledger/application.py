"""The one place where the pure domain meets I/O.

``handle`` runs a command: it checks the actor's role, loads and folds every stream the
decision reads, asks the pure ``decide`` for events or a rejection, and appends the events
with the versions it read as expected versions (streams read but not written are guards).
A version conflict caused by a concurrent writer makes it reload and decide again, so rules
that span streams hold under concurrency; a conflict against a version the client itself
named is returned to the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import msgspec

from govledger_contracts.commands import Command
from govledger_contracts.envelope import Actor
from govledger_contracts.events import event_tag, from_payload, to_payload
from govledger_contracts.ids import uuid7
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Context, Emit, Handler, Rejected
from govledger_ledger.ports import (
    AppendRequest,
    AppendResult,
    ConcurrencyConflict,
    EventStore,
    Guard,
    IdempotencyRecord,
    NewEvent,
    StreamSlice,
    StreamWrite,
)

MAX_ATTEMPTS = 20


class Forbidden(Exception):
    """The actor's role may not give this command (the role matrix)."""


def fingerprint(command: Command) -> bytes:
    """What an Idempotency-Key is bound to: the command's type and its decoded body."""
    body = msgspec.json.encode(msgspec.to_builtins(command, order="sorted"))
    return hashlib.sha256(type(command).__name__.encode() + b"\n" + body).digest()


class LedgerApplication:
    def __init__(self, store: EventStore, *, voter_key: bytes = b"",
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self._store = store
        self._voter_key = voter_key
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @property
    def store(self) -> EventStore:
        return self._store

    async def handle(self, command: Command, actor: Actor, *, idempotency_key: str | None = None,
                     correlation_id: str | None = None) -> AppendResult | Rejected:
        """Run one command to its events (or rejection); see the module docstring."""
        handler: Handler[Any] = HANDLERS[type(command)]
        if actor.role not in handler.roles:
            raise Forbidden(f"role {actor.role!r} may not give {type(command).__name__}")
        ctx = Context(now=self._clock(), actor_id=actor.id, actor_role=actor.role,
                      voter_key=self._voter_key)
        # Prepare first: the key is bound to the prepared command, so a ballot's fingerprint
        # covers the voter's pseudonym, never the resident's identifier.
        command = handler.prepare(command, ctx)
        idem = None
        if idempotency_key is not None:
            idem = IdempotencyRecord(subject=actor.id, key=idempotency_key,
                                     fingerprint=fingerprint(command))
            replay = await self._store.find_idempotent(idem)
            if replay is not None:
                return replay
        correlation = correlation_id or str(uuid7())
        own_stream = handler.streams(command)[0]
        for attempt in range(MAX_ATTEMPTS):
            try:
                result = await self._attempt(handler, command, ctx, actor, idem, correlation)
            except ConcurrencyConflict as conflict:
                named = command.expected_version is not None and conflict.stream_id == own_stream
                if named or attempt == MAX_ATTEMPTS - 1:
                    raise
                continue
            if isinstance(result, Rejected) and idem is not None:
                # A retry racing its original: the original may have committed after our
                # first look and made this decision fail; its result is the answer.
                return await self._store.find_idempotent(idem) or result
            return result
        raise AssertionError("unreachable")

    async def _attempt(self, handler: Handler[Any], command: Command, ctx: Context, actor: Actor,
                       idem: IdempotencyRecord | None, correlation: str) -> AppendResult | Rejected:
        stream_ids = handler.streams(command)
        slices = await self._store.read_streams(stream_ids)
        states = {s: handler.fold(s, (from_payload(e.payload) for e in sl.envelopes))
                  for s, sl in slices.items()}
        decision = handler.decide(command, states, ctx)
        if isinstance(decision, Rejected):
            return decision
        request = self._request(command, decision, slices, stream_ids[0], actor, idem, correlation)
        return await self._store.append(request)

    def _request(self, command: Command, emits: list[Emit], slices: dict[str, StreamSlice],
                 own_stream: str, actor: Actor, idem: IdempotencyRecord | None,
                 correlation: str) -> AppendRequest:
        occurred = command.occurred_at or self._clock()
        by_stream: dict[str, list[NewEvent]] = {}
        for emit in emits:
            by_stream.setdefault(emit.stream_id, []).append(NewEvent(
                event_id=str(uuid7()), type=event_tag(emit.event), payload=to_payload(emit.event),
                occurred_at=occurred, actor=actor, reason=command.reason,
                correlation_id=correlation,
            ))
        expected = {s: sl.version for s, sl in slices.items()}
        if command.expected_version is not None:
            expected[own_stream] = command.expected_version  # type: ignore[assignment]
        writes = tuple(
            StreamWrite(stream_id=s, expected=expected.get(s, "any"), events=tuple(events))
            for s, events in by_stream.items()
        )
        guards = tuple(Guard(stream_id=s, expected=v) for s, v in expected.items()
                       if s not in by_stream)
        return AppendRequest(writes=writes, guards=guards, idempotency=idem)
