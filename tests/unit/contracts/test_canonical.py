"""The canonical encoding is a published contract: these bytes must never change."""

import datetime as dt
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govledger_contracts.canonical import (
    GENESIS_HASH,
    CanonicalEncodingError,
    canonical_bytes,
    canonical_json_bytes,
    chain_hash,
)
from govledger_contracts.envelope import Actor, Envelope, leaf_document

GOLDEN_ENVELOPE = Envelope(
    event_id="01890a5d-ac96-774b-bcce-b302099a8057",
    position=1,
    stream_id="council",
    stream_version=1,
    type="member_appointed",
    occurred_at=dt.datetime(2021, 11, 23, 0, 0, tzinfo=dt.UTC),
    recorded_at=dt.datetime(2021, 11, 23, 1, 2, 3, 456789, tzinfo=dt.UTC),
    actor=Actor(id="secretariat-01", role="secretariat"),
    reason="제3기 협치회의 위촉",
    correlation_id="c-1",
    causation_id=None,
    payload={"type": "member_appointed", "member_id": "m-01", "name": "위원 01", "seats": 50},
    prev_hash="00" * 32,
    hash="",
)
GOLDEN_BYTES = (
    '{"actor":{"id":"secretariat-01","role":"secretariat"},"causation_id":null,'
    '"correlation_id":"c-1","event_id":"01890a5d-ac96-774b-bcce-b302099a8057",'
    '"occurred_at":"2021-11-23T00:00:00.000000Z",'
    '"payload":{"member_id":"m-01","name":"위원 01","seats":50,"type":"member_appointed"},'
    '"position":1,"reason":"제3기 협치회의 위촉","recorded_at":"2021-11-23T01:02:03.456789Z",'
    '"stream_id":"council","stream_version":1,"type":"member_appointed"}'
).encode()


def test_an_envelope_encodes_to_the_published_golden_bytes() -> None:
    assert GOLDEN_ENVELOPE.leaf_bytes() == GOLDEN_BYTES


def test_the_chain_hash_of_the_golden_envelope_is_fixed() -> None:
    expected = hashlib.sha256(bytes(32) + GOLDEN_BYTES).hexdigest()
    assert chain_hash(GENESIS_HASH, GOLDEN_BYTES).hex() == expected
    assert GOLDEN_ENVELOPE.computed_hash() == expected


def test_keys_are_sorted_by_utf16_code_units_as_rfc8785_requires() -> None:
    # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FFFF (code-point order is reversed).
    assert canonical_bytes({"\uffff": 1, "\U0001f600": 2, "a": 3}) == (
        '{"a":3,"\U0001f600":2,"\uffff":1}'.encode()
    )


def test_strings_escape_only_what_rfc8785_escapes() -> None:
    value = 'q"b\\n\n t\t\x01\x1f/é€'
    assert canonical_bytes(value) == '"q\\"b\\\\n\\n t\\t\\u0001\\u001f/é€"'.encode()


def test_integers_literals_and_nesting_have_one_form() -> None:
    assert canonical_bytes([0, -1, 2**53 - 1, True, False, None, [], {}]) == (
        b"[0,-1,9007199254740991,true,false,null,[],{}]"
    )


@pytest.mark.parametrize(
    "value",
    [1.5, 2**53, -(2**53), dt.datetime(2023, 1, 1), b"bytes", {1: "x"}, object()],
    ids=["float", "too-big", "too-small", "naive-datetime", "bytes", "int-key", "object"],
)
def test_refuses_values_without_a_canonical_form(value: object) -> None:
    with pytest.raises(CanonicalEncodingError):
        canonical_bytes(value)


def test_aware_datetimes_are_shown_in_utc_with_microseconds() -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert canonical_bytes(dt.datetime(2023, 12, 1, 9, 0, tzinfo=seoul)) == (
        b'"2023-12-01T00:00:00.000000Z"'
    )


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=1000)
@given(JSON_VALUES)
def test_the_fast_encoder_agrees_with_the_reference_encoder_byte_for_byte(value: object) -> None:
    assert_fast_encoder_agrees(value)


def assert_fast_encoder_agrees(value: object) -> None:
    """Same bytes as the reference encoder, or the same refusal."""
    try:
        expected = canonical_bytes(value)
    except CanonicalEncodingError:
        with pytest.raises(CanonicalEncodingError):
            canonical_json_bytes(value)
        return
    assert canonical_json_bytes(value) == expected


def _encodable(value: object) -> bool:
    try:
        canonical_bytes(value)
    except CanonicalEncodingError:
        return False
    return True


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
TIMES = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=9))]),
)
ENVELOPES = st.builds(
    Envelope,
    event_id=TEXT, position=st.integers(1, 2**53 - 1), stream_id=TEXT,
    stream_version=st.integers(1, 2**31 - 1), type=TEXT, occurred_at=TIMES, recorded_at=TIMES,
    actor=st.builds(Actor, id=TEXT, role=TEXT), reason=TEXT, correlation_id=TEXT,
    causation_id=st.none() | TEXT,
    payload=st.dictionaries(TEXT, JSON_VALUES, max_size=4).filter(_encodable),
    prev_hash=st.just("00" * 32), hash=st.just("00" * 32),
)


@settings(max_examples=500)
@given(ENVELOPES)
def test_the_assembled_leaf_equals_the_reference_encoding_of_the_leaf_document(
    e: Envelope,
) -> None:
    assert e.leaf_bytes() == canonical_bytes(leaf_document(e))


@pytest.mark.parametrize("value", [
    {"at": "2023-03-01T10:00:00.000000Z", "n": 1},  # a time's fraction looks like a float
    {"version": "1.2e3", "x": [1, 2]},  # so do words in strings
    {"id": "1234567890123456789"},  # and long digit runs in strings
    {"a": 1.5}, {"a": [1e20]}, {"a": 9007199254740992}, {"a": -9007199254740991},
    {"\U0001f600": 1, "\ue000": 2, "a": "\U00010000"},  # UTF-16 order differs here
])
def test_the_fast_encoder_hints_never_change_the_result(value: object) -> None:
    assert_fast_encoder_agrees(value)
