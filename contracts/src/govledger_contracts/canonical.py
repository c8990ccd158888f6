"""Canonical byte encoding of ledger data: what gets hashed, chained and put in Merkle leaves.

The encoding is the JSON Canonicalization Scheme (RFC 8785) restricted to values that every
language decodes the same way: objects, arrays, strings, booleans, null and integers within
±(2**53 - 1). Floats are refused, because their shortest round-trip form differs between
runtimes; amounts and scores are integers in the contracts. Datetimes are encoded as RFC 3339
UTC strings with exactly six fractional digits and a ``Z`` suffix. See docs/adr/0002.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

MAX_SAFE_INTEGER = 2**53 - 1

_SHORT_ESCAPES = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
# str.translate table: every control character, quote and backslash, as RFC 8785 escapes them.
_ESCAPE_TABLE = {c: _SHORT_ESCAPES.get(c, f"\\u{c:04x}") for c in (*range(0x20), 0x22, 0x5C)}


class CanonicalEncodingError(ValueError):
    """A value that has no canonical encoding (a float, a naive datetime, a huge integer...)."""


def format_time(value: dt.datetime) -> str:
    """RFC 3339 in UTC with microseconds, e.g. ``2021-11-23T00:00:00.000000Z``."""
    if value.tzinfo is dt.UTC:  # what the database and the ledger hand over: no conversion
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if value.tzinfo is None or value.utcoffset() is None:
        raise CanonicalEncodingError("naive datetime has no canonical form; use UTC")
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        message = f"{value.isoformat()} has no UTC time within years 1-9999"
        raise CanonicalEncodingError(message) from None
    # isoformat, unlike strftime's %Y, always pads the year to four digits (and is faster).
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _string(value: str) -> str:
    return '"' + value.translate(_ESCAPE_TABLE) + '"'


def _key(name: str) -> bytes:
    # RFC 8785 §3.2.3: members are sorted by their names' UTF-16 code units.
    return name.encode("utf-16-be")


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalEncodingError(f"integer {value} is outside ±(2**53 - 1)")
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dt.datetime):
        out.append(_string(format_time(value)))
    elif isinstance(value, dt.date):
        out.append(_string(value.isoformat()))
    elif isinstance(value, Mapping):
        _encode_object(value, out)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, float):
        raise CanonicalEncodingError("floats have no canonical form here; use integers")
    else:
        raise CanonicalEncodingError(f"{type(value).__name__} has no canonical form")


def _encode_object(value: Mapping[Any, Any], out: list[str]) -> None:
    if not all(isinstance(name, str) for name in value):
        raise CanonicalEncodingError("object keys must be strings")
    out.append("{")
    for i, name in enumerate(sorted(value, key=_key)):
        if i:
            out.append(",")
        out.append(_string(name))
        out.append(":")
        _encode(value[name], out)
    out.append("}")


def canonical_bytes(value: Any) -> bytes:
    """Encode a JSON-like value (builtins only) to its canonical UTF-8 bytes."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


_encode_sorted = msgspec.json.Encoder(order="sorted").encode
_SUSPECT = bytes.maketrans(b"123456789\xf1\xf2\xf3\xf4", b"000000000\xf0\xf0\xf0\xf0")
"""Digits become ``0`` and UTF-8 lead bytes of supplementary characters become 0xF0, so a few
substring tests (C speed, unlike a regex over every offset) find what may need a closer look."""
_SUPPLEMENTARY = b"\xf0"
"""A character above U+FFFF: only beside one of U+E000..U+FFFF does UTF-16 order (RFC 8785's
key order) differ from code-point order (msgspec's), so such documents take the reference path."""
_NUMBER_HINTS = (b"0.", b"0e", b"0E", b"0" * 16)
"""A digit before ``.``/``e``/``E``, or 16 digits in a row: maybe a float, maybe an integer
beyond ±(2**53 - 1), maybe just text (a time's fraction, a version string) — see below."""
_NEEDS_CHECKS = re.compile(rb'(?:^|":|[\[,])-?(?:\d+[.eE]|\d{16})')
"""A float, or an integer long enough to leave ±(2**53 - 1). A number token starts the
document, follows a member's ``":`` or follows ``[`` or ``,`` in an array; text inside a
string that merely looks like one (``":1.5`` needs an escaped quote, times hold no ``":``)
only sends the document to the reference encoder, which is slower but never wrong."""


def canonical_json_bytes(document: Any) -> bytes:
    """``canonical_bytes`` for a document of JSON builtins (as decoded from JSON), fast.

    msgspec's key-sorted encoding is byte-identical to RFC 8785 for such documents (same
    escapes, same literals) except where key order could differ in UTF-16 or a number needs
    the range and float checks; those documents take the reference encoder instead. The
    cheap substring tests run first and the exact number pattern only when they hit, so
    the common document costs one encode and one ``translate``. The equivalence is
    property-tested against ``canonical_bytes``.
    """
    out = _encode_sorted(document)
    suspect = out.translate(_SUSPECT)
    if _SUPPLEMENTARY in suspect:
        return canonical_bytes(document)
    for hint in _NUMBER_HINTS:
        if hint in suspect:
            if _NEEDS_CHECKS.search(out):
                return canonical_bytes(document)
            break
    return out


canonical_string: Callable[[str | None], bytes] = msgspec.json.Encoder().encode
"""One string's (or null's) canonical encoding: msgspec's escapes are RFC 8785's, which the
property tests check against ``canonical_bytes``."""


def chain_hash(prev_hash: bytes, canonical: bytes) -> bytes:
    """The ledger's hash chain link: SHA-256(prev_hash ‖ canonical bytes)."""
    return hashlib.sha256(prev_hash + canonical).digest()


GENESIS_HASH = bytes(32)
"""prev_hash of the event at position 1: 32 zero bytes."""
