"""The base of every command: an order, decoded strictly from an HTTP body."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

ExpectedVersion = Annotated[int, msgspec.Meta(ge=0)] | Literal["any", "no_stream"]
"""Optimistic concurrency: ``any``, ``no_stream`` (the stream must not exist) or exact N."""


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields every command carries besides its own.

    ``reason`` is why the action is taken (a reason, or a reference to minutes or a
    document); ``occurred_at`` is when it happened, defaulting to the time of recording.
    """

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    occurred_at: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None = None
    expected_version: ExpectedVersion | None = None
