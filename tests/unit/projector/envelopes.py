"""Literal envelopes for the projector's unit tests, and the seed as a recorded log.

``Log`` records events the way the ledger would (gap-free positions, hash chain, UTC times);
``seed_log()`` runs the seed's commands through the pure domain (no database) and records
every accepted event in order.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from govledger_contracts.canonical import chain_hash
from govledger_contracts.envelope import Actor, Envelope, leaf_bytes_of
from govledger_contracts.events import Event, event_tag, to_payload

T0 = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
SECRETARIAT = Actor(id="secretariat-01", role="secretariat")


class Log:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    @property
    def head_hash(self) -> str:
        return self.envelopes[-1].hash if self.envelopes else "00" * 32

    def record(self, event: Event, *, at: dt.datetime = T0, stream: str = "s",
               actor: Actor = SECRETARIAT, reason: str = "test") -> Envelope:
        position = len(self.envelopes) + 1
        draft = Envelope(
            event_id=f"00000000-0000-7000-8000-{position:012d}", position=position,
            stream_id=stream, stream_version=position, type=event_tag(event),
            occurred_at=at.astimezone(dt.UTC), recorded_at=at.astimezone(dt.UTC), actor=actor,
            reason=reason, correlation_id="c", payload=to_payload(event),
            prev_hash=self.head_hash, hash="")
        digest = chain_hash(bytes.fromhex(draft.prev_hash), leaf_bytes_of(draft)).hex()
        envelope = Envelope(**{**{f: getattr(draft, f) for f in draft.__struct_fields__},
                               "hash": digest})
        self.envelopes.append(envelope)
        return envelope

    def all(self, *events: Event, at: dt.datetime = T0) -> list[Envelope]:
        return [self.record(e, at=at) for e in events]


@cache
def seed_log() -> tuple[Envelope, ...]:
    """The seed's 5,973 commands as the ledger records them, via the pure domain."""
    from govledger_ledger.domain import HANDLERS
    from govledger_ledger.domain.core import Context, Rejected
    from govledger_ledger.domain.seed import seed_commands
    from govledger_ledger.domain.streams import fold_stream

    streams: dict[str, list[Event]] = {}
    log = Log()
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    for role, command in seed_commands():
        handler = HANDLERS[type(command)]
        ctx = Context(now=now, actor_id=f"seed-{role}", actor_role=role, voter_key=b"seed-key")
        prepared = handler.prepare(command, ctx)
        states = {s: handler.fold(s, streams.get(s, ())) for s in handler.streams(prepared)}
        decision = handler.decide(prepared, states, ctx)
        assert not isinstance(decision, Rejected), decision
        for emit in decision:
            streams.setdefault(emit.stream_id, []).append(emit.event)
            log.record(emit.event, at=command.occurred_at or now, stream=emit.stream_id,
                       actor=Actor(id=f"seed-{role}", role=role), reason=command.reason)
    del fold_stream
    return tuple(log.envelopes)
