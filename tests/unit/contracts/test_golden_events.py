"""Golden payloads: one published example per event type and version. They never change:
contracts change only by adding (a new field with a default, or a new tag), so every golden
payload must keep decoding into its Struct and re-encode to the same JSON."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from govledger_contracts.canonical import canonical_bytes
from govledger_contracts.events import EVENT_BY_TAG, DomainEvent, event_tag, to_payload

GOLDEN = Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.v*.json"))


def test_every_event_type_has_a_golden_payload() -> None:
    tags = {f.name.split(".")[0] for f in FILES}
    assert tags == set(EVENT_BY_TAG)


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_a_golden_payload_decodes_into_its_event_and_re_encodes_to_the_same_json(
        path: Path) -> None:
    raw = path.read_bytes()
    event = msgspec.json.decode(raw, type=DomainEvent)
    assert event_tag(event) == path.name.split(".")[0]
    assert json.loads(msgspec.json.encode(to_payload(event))) == json.loads(raw)
    assert canonical_bytes(to_payload(event)) == canonical_bytes(json.loads(raw))
