"""The event envelope: what the ledger records around every domain event.

An envelope is immutable once recorded. Its canonical bytes (``leaf_bytes``) are the unit
that the hash chain links and that a Merkle leaf commits to; see docs/adr/0002 and 0004.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from govledger_contracts.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalEncodingError,
    canonical_json_bytes,
    canonical_string,
    chain_hash,
    format_time,
)


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """Who did it: the bearer token's subject and role, never the request body's claim."""

    id: str
    role: str


class Envelope(msgspec.Struct, frozen=True, kw_only=True):
    """A recorded event with its place in the global log and in the hash chain."""

    event_id: str
    """UUIDv7, assigned by the ledger."""
    position: int
    """Global position, 1-based, gap-free, in commit order."""
    stream_id: str
    stream_version: int
    """1-based version of the event within its stream."""
    type: str
    """The event's type tag, e.g. ``member_appointed``."""
    occurred_at: dt.datetime
    """When the governance action happened (UTC), as the command states it."""
    recorded_at: dt.datetime
    """When the ledger recorded it (UTC)."""
    actor: Actor
    reason: str
    """Why: a reason or a reference (minutes, document number)."""
    correlation_id: str
    causation_id: str | None = None
    payload: dict[str, Any]
    prev_hash: str
    """Lowercase hex SHA-256 of the previous event in the global log (zeros at position 1)."""
    hash: str
    """Lowercase hex SHA-256(prev_hash ‖ leaf_bytes)."""

    def leaf_bytes(self) -> bytes:
        """Canonical bytes of every field except the two hashes."""
        return leaf_bytes_of(self)

    def computed_hash(self) -> str:
        return chain_hash(bytes.fromhex(self.prev_hash), self.leaf_bytes()).hex()


def leaf_document(e: Envelope) -> dict[str, Any]:
    """The JSON object whose canonical encoding is hashed (envelope minus hashes)."""
    return {
        "event_id": e.event_id,
        "position": e.position,
        "stream_id": e.stream_id,
        "stream_version": e.stream_version,
        "type": e.type,
        "occurred_at": format_time(e.occurred_at),
        "recorded_at": format_time(e.recorded_at),
        "actor": {"id": e.actor.id, "role": e.actor.role},
        "reason": e.reason,
        "correlation_id": e.correlation_id,
        "causation_id": e.causation_id,
        "payload": e.payload,
    }


def leaf_bytes_of(e: Envelope) -> bytes:
    """``canonical_bytes(leaf_document(e))``, assembled without building the document.

    The leaf's member names are fixed, so their RFC 8785 order is too; only the strings, the
    two integers, the two times and the payload vary, and each is encoded canonically on its
    own. Property-tested byte for byte against the reference encoding of ``leaf_document``.
    """
    return leaf_bytes_from(
        event_id=e.event_id, position=e.position, stream_id=e.stream_id,
        stream_version=e.stream_version, type=e.type, occurred_at=format_time(e.occurred_at),
        recorded_at=format_time(e.recorded_at), actor_id=e.actor.id, actor_role=e.actor.role,
        reason=e.reason, correlation_id=e.correlation_id, causation_id=e.causation_id,
        payload=e.payload,
    )


def leaf_bytes_from(*, event_id: str, position: int, stream_id: str, stream_version: int,
                    type: str, occurred_at: str, recorded_at: str, actor_id: str,
                    actor_role: str, reason: str, correlation_id: str,
                    causation_id: str | None, payload: dict[str, Any]) -> bytes:
    """The leaf from an envelope's fields, times already in ``format_time``'s form (a
    verifier reading rows or lines has them as text and needs no datetime)."""
    return b"".join((
        b'{"actor":{"id":', canonical_string(actor_id),
        b',"role":', canonical_string(actor_role),
        b'},"causation_id":', canonical_string(causation_id),
        b',"correlation_id":', canonical_string(correlation_id),
        b',"event_id":', canonical_string(event_id),
        b',"occurred_at":"', occurred_at.encode(),
        b'","payload":', canonical_json_bytes(payload),
        b',"position":', _safe_int(position),
        b',"reason":', canonical_string(reason),
        b',"recorded_at":"', recorded_at.encode(),
        b'","stream_id":', canonical_string(stream_id),
        b',"stream_version":', _safe_int(stream_version),
        b',"type":', canonical_string(type),
        b"}",
    ))


def _safe_int(value: int) -> bytes:
    if type(value) is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return b"%d" % value
    raise CanonicalEncodingError(f"{value!r} is not an integer within ±(2**53 - 1)")


ENVELOPE_ENCODER = msgspec.json.Encoder()
ENVELOPE_DECODER = msgspec.json.Decoder(Envelope)
ENVELOPE_LIST_DECODER = msgspec.json.Decoder(list[Envelope])
