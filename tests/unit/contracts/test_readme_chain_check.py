"""The README's standard-library chain check, run as printed, agrees with the ledger's hashes.

A ward service copies that snippet; if it drifted from the canonical encoding (the six-digit
times, the leaf without hashes, raw prev_hash bytes) its authors would see every event as
tampered, or worse, none."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from govledger_contracts.envelope import ENVELOPE_ENCODER, Actor, Envelope

README = Path(__file__).resolve().parents[3] / "README.md"


@dataclasses.dataclass(frozen=True)
class Snippet:
    computed_hash: Callable[[dict[str, Any]], str]
    check_link: Callable[[dict[str, Any], dict[str, Any] | None], None]


@pytest.fixture(scope="module")
def snippet() -> Snippet:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- chain-check:start -->\n```python\n(.*?)```\n<!-- chain-check:end -->",
                      text, re.S)
    assert found, "the README lost its chain-check snippet"
    namespace: dict[str, Any] = {}
    exec(compile(found.group(1), "README.md:chain-check", "exec"), namespace)
    return Snippet(namespace["computed_hash"], namespace["check_link"])


def chain() -> list[Envelope]:
    """Three events as the ledger records them: a whole-second time (the case plain JSON
    writes without a fraction), microseconds, Korean text, nesting, a causation id."""
    times = [
        (dt.datetime(2025, 3, 1, 1, 0, tzinfo=dt.UTC),
         dt.datetime(2025, 3, 1, 1, 0, tzinfo=dt.UTC)),
        (dt.datetime(2025, 3, 1, 1, 0, 0, 120000, tzinfo=dt.UTC),
         dt.datetime(2025, 3, 2, 9, 30, 15, 7, tzinfo=dt.UTC)),
        (dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
         dt.datetime(2025, 3, 3, tzinfo=dt.UTC)),
    ]
    payloads: list[dict[str, Any]] = [
        {"type": "member_appointed", "member_id": "m-01", "name": "위원 01", "seats": 50},
        {"type": "agenda_proposed", "title": "어르신 돌봄 \"공동체\"\n",
         "domains": ["복지", "안전"],
         "detail": {"z": None, "a": True, "n": -7, "b": {"ß": "é", "A": []}}},
        {"type": "vote_tallied", "counts": {"a1": 12, "a2": 0}, "note": "tab\there"},
    ]
    envelopes, prev = [], "0" * 64
    pairs = zip(times, payloads, strict=True)
    for position, ((occurred, recorded), payload) in enumerate(pairs, start=1):
        draft = Envelope(
            event_id=f"01890a5d-ac96-774b-bcce-b302099a805{position}", position=position,
            stream_id=f"s-{position}", stream_version=1, type=payload["type"],
            occurred_at=occurred, recorded_at=recorded,
            actor=Actor(id="secretariat-01", role="secretariat"), reason="제3기 협치회의",
            correlation_id="c-1", causation_id=None if position == 1 else "c-0",
            payload=payload, prev_hash=prev, hash="",
        )
        envelope = msgspec.structs.replace(draft, hash=draft.computed_hash())
        envelopes.append(envelope)
        prev = envelope.hash
    return envelopes


def as_received(envelope: Envelope) -> dict[str, Any]:
    """The envelope as a subscriber gets it: the JSON the relay and the API send."""
    received: dict[str, Any] = json.loads(ENVELOPE_ENCODER.encode(envelope))
    return received


def test_whole_seconds_travel_without_a_fraction() -> None:
    # The reason the snippet writes times out: without that step the first event fails.
    assert as_received(chain()[0])["occurred_at"] == "2025-03-01T01:00:00Z"


def test_the_snippet_recomputes_every_hash_the_ledger_recorded(snippet: Snippet) -> None:
    previous = None
    for envelope in chain():
        received = as_received(envelope)
        assert snippet.computed_hash(received) == envelope.hash
        snippet.check_link(received, previous)
        previous = received


def test_the_snippet_catches_an_edited_payload_and_a_broken_link(snippet: Snippet) -> None:
    first, second, third = (as_received(e) for e in chain())
    edited = {**second, "payload": {**second["payload"], "title": "다른 제목"}}
    with pytest.raises(ValueError, match="position 2: hash does not match"):
        snippet.check_link(edited, first)
    with pytest.raises(ValueError, match="position 3: does not follow"):
        snippet.check_link(third, first)
