"""UUIDv7 (RFC 9562): time-ordered ids for events."""

from __future__ import annotations

import os
import time
import uuid


def uuid7(unix_ms: int | None = None, rand: bytes | None = None) -> uuid.UUID:
    """A UUIDv7: 48-bit Unix milliseconds, version 7, 74 random bits, RFC 9562 variant."""
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    tail = int.from_bytes(os.urandom(10) if rand is None else rand, "big")
    rand_a = (tail >> 62) & 0xFFF
    rand_b = tail & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)
