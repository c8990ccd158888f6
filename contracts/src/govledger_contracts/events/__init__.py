"""The event catalogue: one tagged union of every event type, with one codec built once."""

from __future__ import annotations

from typing import Any

import msgspec

from govledger_contracts.events.appointment import MemberAppointed
from govledger_contracts.events.base import Event
from govledger_contracts.events.proposal import AgendaProposed

DomainEvent = MemberAppointed | AgendaProposed
"""Every event type the ledger records. Add new types here (and nowhere else)."""

EVENT_TYPES: tuple[type[Event], ...] = DomainEvent.__args__
EVENT_BY_TAG: dict[str, type[Event]] = {
    t.__struct_config__.tag: t for t in EVENT_TYPES  # type: ignore[misc]
}


def family_of(tag: str) -> str:
    return EVENT_BY_TAG[tag].family


def event_tag(event: Event) -> str:
    return type(event).__struct_config__.tag  # type: ignore[return-value]


def to_payload(event: Event) -> dict[str, Any]:
    """The event as JSON builtins, as stored in the envelope's payload (with its tag)."""
    payload: dict[str, Any] = msgspec.to_builtins(event)
    return payload


def from_payload(payload: dict[str, Any]) -> Event:
    """Decode a stored payload back into its event Struct."""
    event: Event = msgspec.convert(payload, DomainEvent)  # type: ignore[arg-type]
    return event


__all__ = [
    "EVENT_BY_TAG",
    "EVENT_TYPES",
    "AgendaProposed",
    "DomainEvent",
    "Event",
    "MemberAppointed",
    "event_tag",
    "family_of",
    "from_payload",
    "to_payload",
]
