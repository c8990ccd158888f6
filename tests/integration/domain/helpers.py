"""Small helpers shared by the domain's integration tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from govledger_contracts.commands import Command
from govledger_contracts.envelope import Actor
from govledger_contracts.events import from_payload
from govledger_ledger.application import LedgerApplication
from govledger_ledger.domain.core import Rejected
from govledger_ledger.domain.streams import fold_stream
from govledger_ledger.ports import AppendResult, EventStore
from govledger_ledger.seeding import SeedReport
from govledger_ledger.settings import Settings

KST = dt.timezone(dt.timedelta(hours=9))



class Seeded(msgspec.Struct, frozen=True, kw_only=True):
    """A database the seed was loaded into, and what that first load reported."""

    settings: Settings
    first: SeedReport


async def run(app: LedgerApplication, role: str, command: Command) -> AppendResult | Rejected:
    return await app.handle(command, Actor(id=f"test-{role}", role=role))


async def accept(app: LedgerApplication, role: str, command: Command) -> AppendResult:
    result = await run(app, role, command)
    assert not isinstance(result, Rejected), result
    return result


async def state_of(store: EventStore, stream_id: str) -> Any:
    stream = await store.read_stream(stream_id)
    return fold_stream(stream_id, (from_payload(e.payload) for e in stream.envelopes))


def kst(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=KST)
