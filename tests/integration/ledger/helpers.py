"""Small builders shared by the ledger's integration tests."""

from __future__ import annotations

import datetime as dt

from govledger_contracts.envelope import Actor
from govledger_contracts.ids import uuid7
from govledger_ledger.ports import AppendRequest, Expected, NewEvent, StreamWrite

ACTOR = Actor(id="secretariat-01", role="secretariat")


def event(n: int = 0, **payload: object) -> NewEvent:
    return NewEvent(event_id=str(uuid7()), type="agenda_proposed", payload={"n": n, **payload},
                    occurred_at=dt.datetime(2023, 3, 1, tzinfo=dt.UTC), actor=ACTOR,
                    reason="test", correlation_id="c")


def write(stream: str, expected: Expected = "any", count: int = 1) -> AppendRequest:
    events = tuple(event(i) for i in range(count))
    return AppendRequest(writes=(StreamWrite(stream_id=stream, expected=expected, events=events),))
