"""The audit's fast leaf encoding never disagrees with the reference canonical encoding."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govledger_contracts.audit.leaves import LeafError, canonical_time, exact_leaf, fast_leaf
from govledger_contracts.canonical import format_time
from govledger_contracts.envelope import ENVELOPE_ENCODER, Actor, Envelope

KST = dt.timezone(dt.timedelta(hours=9))


def envelope(**changes: Any) -> Envelope:
    base = Envelope(
        event_id="0190a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",
        position=7,
        stream_id="council-3",
        stream_version=2,
        type="member_appointed",
        occurred_at=dt.datetime(2021, 11, 23, 10, 0, tzinfo=dt.UTC),
        recorded_at=dt.datetime(2021, 11, 23, 10, 0, 3, 250001, tzinfo=dt.UTC),
        actor=Actor(id="staff-01", role="secretariat"),
        reason="제3기 성동구협치회의 위원 위촉 (회의록 2021-11-23)",
        correlation_id="c-1",
        payload={"type": "member_appointed", "name": "홍길동", "seat": "private", "n": 3},
        prev_hash="ab" * 32,
        hash="cd" * 32,
    )
    return msgspec.structs.replace(base, **changes)


def line(e: Envelope) -> bytes:
    return ENVELOPE_ENCODER.encode(e) + b"\n"


def test_takes_the_fast_path_for_an_ordinary_event_and_agrees() -> None:
    e = envelope()
    fast = fast_leaf(line(e))
    assert fast is not None
    assert fast == (7, "ab" * 32, "cd" * 32, e.leaf_bytes()) == exact_leaf(line(e))


def test_writes_whole_second_times_with_six_fractional_digits() -> None:
    fast = fast_leaf(line(envelope()))
    assert fast is not None
    assert b'"occurred_at":"2021-11-23T10:00:00.000000Z"' in fast[3]


@pytest.mark.parametrize(
    "changes",
    [
        {"payload": {"big": 2**53}},
        {"payload": {"\U0001f600": 1, "\uffff": 2}},
        {"occurred_at": dt.datetime(999, 1, 1, tzinfo=dt.UTC)},
        {"occurred_at": dt.datetime(2021, 11, 23, 19, 0, tzinfo=KST)},
        {"reason": "문서번호 1234567890123456"},
    ],
)
def test_falls_back_to_the_reference_path_where_msgspec_might_differ(
    changes: dict[str, Any],
) -> None:
    raw = line(envelope(**changes))
    assert fast_leaf(raw) is None


def test_sorts_astral_keys_by_utf16_as_rfc_8785_does() -> None:
    e = envelope(payload={"\U0001f600": 1, "\uffff": 2})
    assert exact_leaf(line(e))[3] == e.leaf_bytes()
    assert e.leaf_bytes().index("\U0001f600".encode()) < e.leaf_bytes().index("\uffff".encode())


def test_calls_an_event_with_a_float_not_canonical() -> None:
    raw = line(envelope(payload={"share": 0.7}))
    assert fast_leaf(raw) is None
    with pytest.raises(LeafError) as raised:
        exact_leaf(raw)
    assert raised.value.code == "event.not_canonical"


def test_calls_a_time_that_cannot_be_expressed_in_utc_not_canonical() -> None:
    raw = line(envelope()).replace(b"2021-11-23T10:00:00Z", b"0001-01-01T00:00:00+09:00")
    assert fast_leaf(raw) is None
    with pytest.raises(LeafError) as raised:
        exact_leaf(raw)
    assert raised.value.code == "event.not_canonical"


def test_calls_an_impossible_date_malformed() -> None:
    raw = line(envelope()).replace(b"2021-11-23T10:00:00Z", b"2023-02-29T10:00:00Z")
    assert fast_leaf(raw) is None
    with pytest.raises(LeafError) as raised:
        exact_leaf(raw)
    assert raised.value.code == "event.malformed"


bmp_text = st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF))
modern_utc = st.datetimes(
    min_value=dt.datetime.fromisoformat("1000-01-01"), timezones=st.just(dt.UTC)
)


def json_values(text: st.SearchStrategy[str], ints: st.SearchStrategy[int]) -> Any:
    return st.recursive(
        st.none() | st.booleans() | ints | text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=12,
    )


def envelopes(
    text: st.SearchStrategy[str],
    times: st.SearchStrategy[dt.datetime],
    ints: st.SearchStrategy[int],
) -> st.SearchStrategy[Envelope]:
    return st.builds(
        envelope,
        payload=st.dictionaries(text, json_values(text, ints), max_size=6),
        event_id=text,
        stream_id=text,
        reason=text,
        actor=st.builds(Actor, id=text, role=text),
        occurred_at=times,
        recorded_at=times,
        position=ints,
        stream_version=ints,
    )


@given(e=envelopes(bmp_text, modern_utc, st.integers(-(10**15) + 1, 10**15 - 1)))
def test_the_fast_leaf_is_the_canonical_leaf_for_ordinary_events(e: Envelope) -> None:
    raw = line(e)
    assume(re.search(rb"[0-9]{16}", raw) is None)
    assert fast_leaf(raw) == exact_leaf(raw)


any_time = st.datetimes(
    timezones=st.sampled_from([dt.UTC, KST, dt.timezone(dt.timedelta(hours=-5))]),
)


@settings(max_examples=300)
@given(e=envelopes(st.text(), modern_utc | any_time, st.integers(-(2**62), 2**62)))
def test_the_fast_leaf_never_disagrees_with_the_canonical_leaf(e: Envelope) -> None:
    fast = fast_leaf(line(e))
    if fast is not None:
        assert fast == exact_leaf(line(e))


@given(moment=st.datetimes(timezones=st.just(dt.UTC)))
def test_canonical_time_matches_format_time_for_what_msgspec_writes(moment: dt.datetime) -> None:
    written = msgspec.json.encode(moment).decode()[1:-1]
    expected = format_time(moment) if moment.year >= 1000 else None
    assert canonical_time(written) == expected


@given(
    text=st.from_regex(
        r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?[Zz]\Z"
    )
)
def test_canonical_time_only_accepts_what_msgspec_decodes_to_the_same_instant(text: str) -> None:
    canonical = canonical_time(text)
    if canonical is not None:
        decoded = msgspec.json.decode(msgspec.json.encode(text), type=dt.datetime)
        assert format_time(decoded) == canonical
