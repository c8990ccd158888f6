"""The one place where the pure domain meets I/O.

``handle`` runs a command: it checks the actor's role, loads and folds every stream the
decision reads, asks the pure ``decide`` for events or a rejection, and appends the events
with the versions it read as expected versions (streams read but not written are guards).
A version conflict caused by a concurrent writer makes it reload and decide again, so rules
that span streams hold under concurrency; a conflict against a version the client itself
named is returned to the client.

State cache. Reading and folding the streams is most of a command's cost besides the append,
so the application keeps the folded state of the streams it recently read or wrote, with the
version each state is at (``StreamStates``). A command decides on cached states where it has
them, and on an empty state for its own stream when that is not cached (most commands that
meet an unknown stream create it); other streams it reads from the log. This never weakens a
rule: every state a decision used is checked at commit by its version (as a write's expected
version or a guard), so a stale or wrong guess is a conflict, after which the command reloads
everything from the log and decides again — and a rejection decided on anything but a fresh
read is decided again on a fresh read before it is returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from govledger_contracts.commands import Command
from govledger_contracts.envelope import Actor
from govledger_contracts.events import event_tag, from_payload, to_payload
from govledger_contracts.ids import uuid7
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Context, Emit, Handler, Rejected
from govledger_ledger.domain.streams import evolve_stream
from govledger_ledger.ports import (
    AppendRequest,
    AppendResult,
    ConcurrencyConflict,
    EventStore,
    Guard,
    IdempotencyRecord,
    NewEvent,
    StreamWrite,
)

MAX_ATTEMPTS = 20
STATE_CACHE_SIZE = 20_000


def _named(command: Command) -> int | None:
    """The version the client requires of the command's own stream (``no_stream`` is 0), or
    None when it names none or says ``any`` (the rules still see a consistent state)."""
    named = command.expected_version
    if named is None or named == "any":
        return None
    return 0 if named == "no_stream" else int(named)


class StreamStates:
    """Folded states of recently used streams, each with its version; least recent evicted."""

    def __init__(self, capacity: int = STATE_CACHE_SIZE) -> None:
        self._capacity = capacity
        self._states: OrderedDict[str, tuple[int, Any]] = OrderedDict()

    def get(self, stream_id: str) -> tuple[int, Any] | None:
        found = self._states.get(stream_id)
        if found is not None:
            self._states.move_to_end(stream_id)
        return found

    def put(self, stream_id: str, version: int, state: Any) -> None:
        held = self._states.get(stream_id)
        if held is not None and held[0] > version:
            return  # a later state already arrived (another command of this process)
        self._states[stream_id] = (version, state)
        self._states.move_to_end(stream_id)
        if len(self._states) > self._capacity:
            self._states.popitem(last=False)

    def forget(self, stream_ids: Sequence[str]) -> None:
        for stream_id in stream_ids:
            self._states.pop(stream_id, None)


class Forbidden(Exception):
    """The actor's role may not give this command (the role matrix); ``summary`` is the
    command's one line, Korean then English."""

    def __init__(self, role: str, command: str, summary: str = "") -> None:
        super().__init__(f"role {role!r} may not give {command}")
        self.role, self.command, self.summary = role, command, summary


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
        self._states = StreamStates()

    @property
    def store(self) -> EventStore:
        return self._store

    async def handle(self, command: Command, actor: Actor, *, idempotency_key: str | None = None,
                     correlation_id: str | None = None) -> AppendResult | Rejected:
        """Run one command to its events (or rejection); see the module docstring."""
        handler: Handler[Any] = HANDLERS[type(command)]
        if actor.role not in handler.roles:
            raise Forbidden(actor.role, type(command).__name__, handler.summary)
        ctx = Context(now=self._clock(), actor_id=actor.id, actor_role=actor.role,
                      voter_key=self._voter_key)
        # Prepare first: the key is bound to the prepared command, so a ballot's fingerprint
        # covers the voter's pseudonym, never the resident's identifier.
        command = handler.prepare(command, ctx)
        if not handler.streams(command):
            return self._judged_on_nothing(handler, command, ctx)
        idem = None
        if idempotency_key is not None:
            idem = IdempotencyRecord(subject=actor.id, key=idempotency_key,
                                     fingerprint=fingerprint(command))
            replay = await self._store.find_idempotent(idem)
            if replay is not None:
                return replay
        correlation = correlation_id or str(uuid7())
        own_stream = handler.streams(command)[0]
        fresh = False
        for attempt in range(MAX_ATTEMPTS):
            try:
                result, guessed = await self._attempt(handler, command, ctx, actor, idem,
                                                      correlation, fresh=fresh)
            except ConcurrencyConflict as conflict:
                self._states.forget(handler.streams(command))
                named = _named(command) is not None and conflict.stream_id == own_stream
                if named or attempt == MAX_ATTEMPTS - 1:
                    raise
                fresh = True
                continue
            if isinstance(result, Rejected) and guessed:
                fresh = True  # decide again on what the log says before refusing anyone
                continue
            if isinstance(result, Rejected) and idem is not None:
                # A retry racing its original: the original may have committed after our
                # first look and made this decision fail; its result is the answer.
                return await self._store.find_idempotent(idem) or result
            return result
        raise AssertionError("unreachable")

    @staticmethod
    def _judged_on_nothing(handler: Handler[Any], command: Command, ctx: Context) -> Rejected:
        """A command that names no stream (a deliberation on no agenda) reads and writes
        nothing, so its own rules refuse it; there is no stream to append to otherwise."""
        decision = handler.decide(command, {}, ctx)
        if not isinstance(decision, Rejected):
            raise AssertionError(f"{type(command).__name__} named no stream yet was accepted")
        return decision

    async def _states_for(self, handler: Handler[Any], command: Command,
                          fresh: bool) -> tuple[dict[str, tuple[int, Any]], bool]:
        """(version, state) of every stream the decision reads; and whether any was not read
        from the log just now (cached, or the own stream guessed empty)."""
        stream_ids = handler.streams(command)
        known: dict[str, tuple[int, Any]] = {}
        own = stream_ids[0]
        # A version the client names is checked against the log, never against a guess.
        named = _named(command) is not None
        if not fresh:
            for stream_id in stream_ids:
                cached = None if named and stream_id == own else self._states.get(stream_id)
                if cached is not None:
                    known[stream_id] = cached
            if own not in known and not named:
                known[own] = (0, handler.fold(own, ()))
        guessed = bool(known)
        missing = [s for s in stream_ids if s not in known]
        if missing:
            slices = await self._store.read_streams(missing)
            for stream_id, sl in slices.items():
                state = handler.fold(stream_id, (from_payload(e.payload) for e in sl.envelopes))
                known[stream_id] = (sl.version, state)
                self._states.put(stream_id, sl.version, state)
        return known, guessed

    async def _attempt(self, handler: Handler[Any], command: Command, ctx: Context, actor: Actor,
                       idem: IdempotencyRecord | None, correlation: str, *, fresh: bool,
                       ) -> tuple[AppendResult | Rejected, bool]:
        known, guessed = await self._states_for(handler, command, fresh)
        named, own = _named(command), handler.streams(command)[0]
        if named is not None and known[own][0] != named:
            # Judged on the version the client named, or not at all: deciding on another and
            # committing against the named one could pass a decision that missed events.
            expected = "any" if command.expected_version is None else command.expected_version
            raise ConcurrencyConflict(own, expected, known[own][0])
        states = {s: state for s, (_, state) in known.items()}
        decision = handler.decide(command, states, ctx)
        if isinstance(decision, Rejected):
            return decision, guessed
        versions = {s: version for s, (version, _) in known.items()}
        request = self._request(command, decision, versions, actor, idem, correlation)
        result = await self._store.append(request)
        if not result.replayed:
            self._remember(decision, known)
        return result, guessed

    def _remember(self, emits: list[Emit], known: dict[str, tuple[int, Any]]) -> None:
        """Carry the states this command wrote forward to the versions it just committed."""
        by_stream: dict[str, list[Any]] = {}
        for emit in emits:
            by_stream.setdefault(emit.stream_id, []).append(emit.event)
        for stream_id, events in by_stream.items():
            if stream_id not in known:  # not read by the decision: nothing to carry forward
                self._states.forget((stream_id,))
                continue
            version, state = known[stream_id]
            self._states.put(stream_id, version + len(events),
                             evolve_stream(stream_id, state, events))

    def _request(self, command: Command, emits: list[Emit], versions: dict[str, int],
                 actor: Actor, idem: IdempotencyRecord | None,
                 correlation: str) -> AppendRequest:
        occurred = command.occurred_at or self._clock()
        by_stream: dict[str, list[NewEvent]] = {}
        for emit in emits:
            by_stream.setdefault(emit.stream_id, []).append(NewEvent(
                event_id=str(uuid7()), type=event_tag(emit.event), payload=to_payload(emit.event),
                occurred_at=occurred, actor=actor, reason=command.reason,
                correlation_id=correlation,
            ))
        writes = tuple(
            StreamWrite(stream_id=s, expected=versions.get(s, "any"), events=tuple(events))
            for s, events in by_stream.items()
        )
        guards = tuple(Guard(stream_id=s, expected=v) for s, v in versions.items()
                       if s not in by_stream)
        return AppendRequest(writes=writes, guards=guards, idempotency=idem)
