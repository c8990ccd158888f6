"""The base of every command: an order, decoded strictly from an HTTP body."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

ExpectedVersion = int | Literal["any", "no_stream"]
"""Optimistic concurrency: ``any``, ``no_stream`` (the stream must not exist) or exact N."""


class Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Fields every command carries besides its own.

    ``reason`` is why the action is taken (a reason, or a reference to minutes or a
    document); ``occurred_at`` is when it happened, defaulting to the time of recording.
    """

    reason: str
    occurred_at: dt.datetime | None = None
    expected_version: ExpectedVersion | None = None
