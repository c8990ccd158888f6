"""The base of every domain event: a frozen, tagged msgspec Struct.

Contracts change only by adding (docs/adr/0005): new fields get defaults, a field's type never
changes, a breaking change is a new tag. Events never forbid unknown fields, so an older
reader decodes a newer payload.
"""

from __future__ import annotations

from typing import ClassVar

import msgspec


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """A governance fact, in the past tense. ``family`` picks the NATS subject family."""

    family: ClassVar[str]
