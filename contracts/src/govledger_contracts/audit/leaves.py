"""Merkle leaves of exported events, fast: msgspec's encoding where it provably is canonical.

An event's leaf is ``Envelope.leaf_bytes()``, the canonical encoding (canonical.py) of the
envelope minus its two hashes. That encoder is plain Python and dominates an audit's cost, so
``fast_leaf`` lets msgspec produce the same bytes: its string escapes are RFC 8785's and with
``order="sorted"`` it sorts object keys. It answers only where the two provably agree and returns
``None`` otherwise, and the caller falls back to ``exact_leaf`` (the reference path):

* times must be ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` with a year >= 1000 and valid fields: exactly the
  strings msgspec decodes to that UTC datetime and ``format_time`` prints with six digits;
* floats in the payload abort the decode (they have no canonical form);
* a run of 16 digits (a possible integer beyond ±(2**53 - 1)) or a 4-byte UTF-8 sequence (where
  msgspec's code point key order may differ from RFC 8785's UTF-16 order) means "not proven".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from govledger_contracts.canonical import CanonicalEncodingError
from govledger_contracts.envelope import ENVELOPE_DECODER, Actor

LineLeaf = tuple[int, str, str, bytes]
"""What one export line yields: (position, prev_hash hex, hash hex, leaf bytes)."""


class LeafError(ValueError):
    """An export line that is not an envelope (``event.malformed``) or has no canonical form."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class _View(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """An envelope decoded for re-encoding: fields in canonical (sorted) order, hashes omittable."""

    actor: Actor
    causation_id: str | None
    correlation_id: str
    event_id: str
    hash: str = ""
    occurred_at: str
    payload: dict[str, Any]
    position: int
    prev_hash: str = ""
    reason: str
    recorded_at: str
    stream_id: str
    stream_version: int
    type: str


def _refuse_float(_: str) -> Any:
    raise ValueError("floats have no canonical form")


_VIEW_DECODER = msgspec.json.Decoder(_View, float_hook=_refuse_float)
_SORTED_ENCODER = msgspec.json.Encoder(order="sorted")
# Digits become "0" and 4-byte UTF-8 lead bytes become 0xF0, so two substring searches find both.
_SUSPECT = bytes.maketrans(b"0123456789\xf1\xf2\xf3\xf4", b"0000000000\xf0\xf0\xf0\xf0")
_SIXTEEN_DIGITS = b"0" * 16
_SECOND = re.compile(r"([1-9][0-9]{3})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})")
_SECONDS: dict[str, bool] = {}
"""``YYYY-MM-DDTHH:MM:SS`` → is it a real UTC second with a year >= 1000? Events that happen or
are recorded within the same second share the answer, so it is worked out once."""


def _valid_second(head: str) -> bool:
    known = _SECONDS.get(head)
    if known is None:
        if len(_SECONDS) > 100_000:
            _SECONDS.clear()
        known = _SECONDS[head] = _check_second(head)
    return known


def _check_second(head: str) -> bool:
    match = _SECOND.fullmatch(head) if head.isascii() else None
    if match is None:
        return False
    year, month, day, hour, minute, second = map(int, match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return hour < 24 and minute < 60 and second < 60


def canonical_time(text: str) -> str | None:
    """The canonical form of a UTC time string msgspec decodes exactly, else None."""
    head, tail = text[:19], text[19:]
    if not _valid_second(head):
        return None
    if tail == "Z":
        return head + ".000000Z"
    if len(tail) == 8 and tail[0] == "." and tail[7] == "Z":
        digits = tail[1:7]
        if digits.isascii() and digits.isdigit():
            return text
    return None


def fast_leaf(line: bytes) -> LineLeaf | None:
    """The line's leaf by msgspec re-encoding, or None when that is not proven canonical."""
    try:
        view = _VIEW_DECODER.decode(line)
    except msgspec.DecodeError:
        return None
    occurred, recorded = canonical_time(view.occurred_at), canonical_time(view.recorded_at)
    if occurred is None or recorded is None:
        return None
    claimed, prev = view.hash, view.prev_hash
    view.hash = view.prev_hash = ""  # equal to their defaults, so omitted from the encoding
    view.occurred_at, view.recorded_at = occurred, recorded
    try:
        leaf = _SORTED_ENCODER.encode(view)
    except (msgspec.EncodeError, UnicodeError):
        return None
    suspect = leaf.translate(_SUSPECT)
    if _SIXTEEN_DIGITS in suspect or b"\xf0" in suspect:
        return None
    return view.position, prev, claimed, leaf


def exact_leaf(line: bytes) -> LineLeaf:
    """The line's leaf by the reference path: decode an Envelope, encode canonically."""
    try:
        envelope = ENVELOPE_DECODER.decode(line)
    except msgspec.DecodeError as exc:
        raise LeafError("event.malformed", f"not an envelope: {exc}") from exc
    try:
        leaf = envelope.leaf_bytes()
    except (CanonicalEncodingError, UnicodeError, OverflowError) as exc:
        raise LeafError("event.not_canonical", f"no canonical encoding: {exc}") from exc
    return envelope.position, envelope.prev_hash, envelope.hash, leaf


def line_leaf(line: bytes) -> LineLeaf:
    """The line's leaf: fast where proven, exact otherwise."""
    return fast_leaf(line) or exact_leaf(line)
