"""Plan one group commit: check each request against the versions and keys it sees, then
give its events positions, stream versions and chained hashes. Pure: the store does the I/O.

Requests are planned in queue order and see the effects of those before them in the batch,
exactly as if each had committed alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from govledger_contracts.canonical import CanonicalEncodingError, chain_hash, format_time
from govledger_contracts.envelope import Envelope, leaf_bytes_from
from govledger_ledger.ports import (
    DEFAULT_MAX_EVENT_BYTES,
    AppendRequest,
    AppendResult,
    ConcurrencyConflict,
    EventTooLarge,
    Expected,
    IdempotencyMismatch,
    InvalidData,
    NewEvent,
    touched,
)

Outcome = AppendResult | Exception
KnownKeys = Mapping[tuple[str, str], tuple[bytes, tuple[int, ...]]]


class BatchPlan(msgspec.Struct, kw_only=True):
    envelopes: list[Envelope]
    outcomes: list[Outcome | None]
    """One per request; None while a replay waits for its stored envelopes."""
    idempotency_rows: list[tuple[Any, ...]]
    replays: dict[int, tuple[int, ...]]
    """Request index → positions recorded earlier under the same key."""

    def with_replayed(self, by_position: Mapping[int, Envelope]) -> BatchPlan:
        outcomes = list(self.outcomes)
        for index, positions in self.replays.items():
            envelopes = tuple(by_position[p] for p in positions)
            outcomes[index] = AppendResult(envelopes=envelopes, replayed=True)
        return BatchPlan(envelopes=self.envelopes, outcomes=outcomes,
                         idempotency_rows=self.idempotency_rows, replays={})


def check_expected(stream_id: str, expected: Expected, actual: int) -> None:
    """Optimistic concurrency: ``any``, ``no_stream`` (actual 0) or exactly N."""
    if expected == "any":
        return
    wanted = 0 if expected == "no_stream" else expected
    if actual != wanted:
        raise ConcurrencyConflict(stream_id, expected, actual)


_ESCAPED_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000")
"""U+0000 as the canonical encoding escapes it (an even run of backslashes before it)."""


class _Planner:
    def __init__(self, head_position: int, head_hash: bytes, versions: Mapping[str, int],
                 known_keys: KnownKeys, recorded_at: dt.datetime, max_event_bytes: int) -> None:
        self.max_event_bytes = max_event_bytes
        self.position = head_position
        self.hash = head_hash
        self.versions = dict(versions)
        self.keys: dict[tuple[str, str], tuple[bytes, tuple[int, ...]]] = dict(known_keys)
        self.recorded_at = recorded_at
        self.recorded_text = format_time(recorded_at)
        self._last_time: dt.datetime | None = None
        self._last_text = ""
        self.plan = BatchPlan(envelopes=[], outcomes=[], idempotency_rows=[], replays={})

    def add(self, index: int, request: AppendRequest) -> None:
        idem = request.idempotency
        if idem is not None and (idem.subject, idem.key) in self.keys:
            fingerprint, positions = self.keys[(idem.subject, idem.key)]
            if fingerprint != idem.fingerprint:
                self.plan.outcomes.append(IdempotencyMismatch(idem.key))
            else:
                self.plan.outcomes.append(None)
                self.plan.replays[index] = positions
            return
        try:
            envelopes = self._place(request)
        except (ConcurrencyConflict, InvalidData) as exc:
            self.plan.outcomes.append(exc)
            return
        except Exception as exc:  # a bug in one request is that request's error alone
            self.plan.outcomes.append(exc)
            return
        self.plan.envelopes.extend(envelopes)
        self.plan.outcomes.append(AppendResult(envelopes=tuple(envelopes)))
        if idem is not None:
            positions = tuple(e.position for e in envelopes)
            self.keys[(idem.subject, idem.key)] = (idem.fingerprint, positions)
            self.plan.idempotency_rows.append(
                (idem.subject, idem.key, idem.fingerprint, list(positions), self.recorded_at)
            )

    def _place(self, request: AppendRequest) -> list[Envelope]:
        for stream_id, expected in touched(request):
            check_expected(stream_id, expected, self.versions.get(stream_id, 0))
        position, prev, versions = self.position, self.hash, dict(self.versions)
        placed: list[Envelope] = []
        for write in request.writes:
            for event in write.events:
                position += 1
                versions[write.stream_id] = versions.get(write.stream_id, 0) + 1
                envelope = self._envelope(event, write.stream_id, versions[write.stream_id],
                                          position, prev)
                prev = bytes.fromhex(envelope.hash)
                placed.append(envelope)
        self.position, self.hash, self.versions = position, prev, versions
        return placed

    def _envelope(self, event: NewEvent, stream_id: str, version: int, position: int,
                  prev: bytes) -> Envelope:
        try:
            leaf = leaf_bytes_from(
                event_id=event.event_id, position=position, stream_id=stream_id,
                stream_version=version, type=event.type, occurred_at=self._time(event.occurred_at),
                recorded_at=self.recorded_text, actor_id=event.actor.id,
                actor_role=event.actor.role, reason=event.reason,
                correlation_id=event.correlation_id, causation_id=event.causation_id,
                payload=event.payload,
            )
        except CanonicalEncodingError as exc:
            raise InvalidData(str(exc)) from exc
        # PostgreSQL text and jsonb cannot hold U+0000; every text field is in the leaf.
        if b"\\u0000" in leaf and _ESCAPED_NUL.search(leaf):
            raise InvalidData("text may not contain the NUL character (U+0000)")
        # The leaf is the envelope less its two hashes: bounding it bounds what the relay
        # publishes, and it is computed here anyway.
        if len(leaf) > self.max_event_bytes:
            raise EventTooLarge(len(leaf), self.max_event_bytes)
        return Envelope(
            event_id=event.event_id, position=position, stream_id=stream_id,
            stream_version=version, type=event.type, occurred_at=event.occurred_at,
            recorded_at=self.recorded_at, actor=event.actor, reason=event.reason,
            correlation_id=event.correlation_id, causation_id=event.causation_id,
            payload=event.payload, prev_hash=prev.hex(), hash=chain_hash(prev, leaf).hex(),
        )

    def _time(self, value: dt.datetime) -> str:
        """``format_time``, remembered for the last value (a command's events share one)."""
        if value is not self._last_time:
            self._last_text = format_time(value)
            self._last_time = value
        return self._last_text


def plan_batch(requests: Sequence[AppendRequest], *, head_position: int, head_hash: bytes,
               versions: Mapping[str, int], known_keys: KnownKeys, recorded_at: dt.datetime,
               max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> BatchPlan:
    """Plan a group commit over the head, stream versions and keys read under the lock."""
    planner = _Planner(head_position, head_hash, versions, known_keys, recorded_at,
                       max_event_bytes)
    for index, request in enumerate(requests):
        planner.add(index, request)
    return planner.plan
