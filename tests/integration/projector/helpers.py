"""Small helpers shared by the projector's integration tests."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from govledger_contracts.envelope import Actor
from govledger_contracts.events import Event, event_tag, to_payload
from govledger_contracts.ids import uuid7
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.ports import AppendRequest, NewEvent, StreamWrite

ACTOR = Actor(id="secretariat-01", role="secretariat")
TIMEOUT = 60.0


async def append_events(store: PostgresEventStore, stream: str, events: Sequence[Event],
                        at: dt.datetime | None = None) -> None:
    """Append domain events directly (no rules): the projector must count what is recorded."""
    when = at or dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    new = tuple(NewEvent(event_id=str(uuid7()), type=event_tag(e), payload=to_payload(e),
                         occurred_at=when, actor=ACTOR, reason="test", correlation_id="c")
                for e in events)
    await store.append(AppendRequest(writes=(StreamWrite(stream_id=stream, expected="any",
                                                         events=new),)))


async def eventually(check: Callable[[], Awaitable[bool]], within: float = TIMEOUT) -> None:
    async def loop() -> None:
        while not await check():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(loop(), within)


async def checkpoint_position(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        try:
            return int(await conn.fetchval("SELECT position FROM projector.checkpoint"))
        except asyncpg.UndefinedTableError:
            return 0
    finally:
        await conn.close()


async def wait_for_position(database_url: str, position: int, within: float = TIMEOUT) -> None:
    async def reached() -> bool:
        return await checkpoint_position(database_url) >= position
    await eventually(reached, within)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def projector_env(settings: Any, port: int, batch: int = 50) -> dict[str, str]:
    import os

    return {**os.environ, "GOVLEDGER_DATABASE_URL": settings.database_url,
            "GOVLEDGER_NATS_URL": settings.nats_url, "GOVLEDGER_WARD": settings.ward,
            "GOVLEDGER_STREAM_NAME": settings.stream_name,
            "GOVLEDGER_VIEWS_STREAM_NAME": settings.views_stream_name,
            "GOVLEDGER_PROJECTOR_HTTP_PORT": str(port),
            "GOVLEDGER_PROJECTOR_BATCH_SIZE": str(batch),
            "GOVLEDGER_DATA_DIR": str(settings.data_dir)}


async def start_projector(settings: Any, port: int,
                          batch: int = 50) -> asyncio.subprocess.Process:
    import sys

    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "govledger_projector", env=projector_env(settings, port, batch),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def ballots(vote_id: str, start: int, count: int) -> list[Event]:
    from govledger_contracts.events import BallotCast

    return [BallotCast(vote_id=vote_id, voter=f"{n:064x}", choices=("a1",) if n % 3 else
                       ("a1", "a2")) for n in range(start, start + count)]


def vote_opened(vote_id: str = "v1") -> Event:
    from govledger_contracts.events import VoteOpened

    at = dt.datetime(2023, 9, 1, tzinfo=dt.UTC)
    return VoteOpened(vote_id=vote_id, title="투표", year=2023, candidates=("a1", "a2"),
                      max_choices=2, opens_at=at, closes_at=at + dt.timedelta(days=5))


async def expected_views(settings: Any) -> Any:
    """The pure fold of everything in the stream: what any correct projector must store."""
    import nats

    from govledger_projector.projections import as_of
    from govledger_projector.source import read_range, stream_last_seq

    nc = await nats.connect(settings.nats_url)
    js = nc.jetstream()
    head = await stream_last_seq(js, settings.stream_name)
    envelopes = [e async for chunk in read_range(js, settings.stream_name, 1, head)
                 for e in chunk]
    await nc.close()
    return as_of(envelopes)


async def stored_views(settings: Any) -> Any:
    from govledger_projector.store import fetch_views

    conn = await asyncpg.connect(settings.database_url)
    try:
        return await fetch_views(conn)
    finally:
        await conn.close()


async def stored_summaries_match(settings: Any, expected: Any) -> bool:
    """Every summary stored (and so published) equals the pure fold's, position included."""
    import msgspec

    from govledger_contracts.views import MODELS
    from govledger_projector.projections import PROJECTIONS
    from govledger_projector.store import fetch_summary

    conn = await asyncpg.connect(settings.database_url)
    try:
        for model, (_, summary_type) in MODELS.items():
            stored = await fetch_summary(conn, model)
            if stored is None or msgspec.json.decode(stored, type=summary_type) != \
                    PROJECTIONS[model].summarize(expected[model]):
                return False
        return True
    finally:
        await conn.close()


def same_entities(left: Any, right: Any) -> bool:
    return all(left[m].entities == right[m].entities and left[m].position == right[m].position
               for m in left)
