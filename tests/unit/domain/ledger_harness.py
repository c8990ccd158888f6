"""A tiny pure in-memory ledger for the domain tests: the application's loop without I/O.

It runs a command the way the application does (role check, prepare, read and fold every
stream the handler names, decide, append), and round-trips every event through its stored
payload and the canonical encoding, so an event that cannot be recorded fails here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from govledger_contracts.canonical import canonical_bytes
from govledger_contracts.commands import Command
from govledger_contracts.events import Event, from_payload, to_payload
from govledger_ledger.domain import HANDLERS
from govledger_ledger.domain.core import Context, Emit, Rejected

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
"""When the tests' ledger records: after every act in the seed and the examples."""
VOTER_KEY = b"test-ward-voter-key"


class MemoryLedger:
    def __init__(self, *, now: dt.datetime = NOW, voter_key: bytes = VOTER_KEY) -> None:
        self.streams: dict[str, list[Event]] = {}
        self.now = now
        self.voter_key = voter_key

    def context(self, role: str) -> Context:
        return Context(now=self.now, actor_id=f"test-{role}", actor_role=role,
                       voter_key=self.voter_key)

    def decide(self, role: str, command: Command) -> list[Emit] | Rejected:
        """What the ledger would decide now, without recording it."""
        handler = HANDLERS[type(command)]
        assert role in handler.roles, f"{role} may not give {type(command).__name__}"
        ctx = self.context(role)
        prepared = handler.prepare(command, ctx)
        states = {s: handler.fold(s, self.streams.get(s, ()))
                  for s in handler.streams(prepared)}
        return handler.decide(prepared, states, ctx)

    def run(self, role: str, command: Command) -> list[Emit] | Rejected:
        """Decide, and append the events if accepted."""
        decision = self.decide(role, command)
        if isinstance(decision, Rejected):
            return decision
        read = HANDLERS[type(command)].streams(
            HANDLERS[type(command)].prepare(command, self.context(role)))
        for emit in decision:
            assert emit.stream_id in read, f"{emit.stream_id} was not read"
            self.streams.setdefault(emit.stream_id, []).append(recorded(emit.event))
        return decision

    def accept(self, role: str, command: Command) -> list[Emit]:
        decision = self.run(role, command)
        assert not isinstance(decision, Rejected), decision
        return decision

    def load(self, steps: Iterable[tuple[str, Command]]) -> MemoryLedger:
        for role, command in steps:
            self.accept(role, command)
        return self

    def state(self, stream_id: str) -> Any:
        from govledger_ledger.domain.streams import fold_stream
        return fold_stream(stream_id, self.streams.get(stream_id, ()))

    def events(self, stream_id: str) -> Sequence[Event]:
        return self.streams.get(stream_id, [])


def recorded(event: Event) -> Event:
    """The event as the store would give it back: payload → canonical bytes → Struct."""
    payload = to_payload(event)
    canonical_bytes(payload)
    back = from_payload(payload)
    assert back == event, (back, event)
    return back


def code_of(decision: list[Emit] | Rejected) -> str:
    assert isinstance(decision, Rejected), f"accepted: {decision}"
    return decision.code
