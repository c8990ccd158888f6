"""Projector throughput and append→view lag, against references measured in the same run.

    .venv/bin/python bench/projector_bench.py [--events N] [--rate 1000] [--seconds 10]

1. Throughput: N events already in the stream; a projector starts from position 0 and
   catches up (fetch, pure fold, one transaction per batch, KV + change messages, acks).
   References: the raw JetStream pull rate (fetch + ack, nothing else) and the raw
   PostgreSQL batch insert rate (the same unnest upsert of 500 JSON rows per transaction).
   Also the pure fold alone (no I/O).
2. Lag: appends at ``--rate`` per second through the ledger's store (relay running in
   the bench process, the projector in its own process as deployed); each append's commit
   time against the moment its position shows up in a committed, published view (the
   ``statistics`` change message). p50/p99.

Servers: GOVLEDGER_DATABASE_URL / GOVLEDGER_NATS_URL, else embedded ones for the run.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import nats

sys.path.insert(0, str(Path(__file__).parent))
from _common import Result, clock, fresh_database, postgres_server

from govledger_contracts.envelope import Actor
from govledger_contracts.events import AgendaProposed, BallotCast, Event, VoteOpened, to_payload
from govledger_contracts.ids import uuid7
from govledger_contracts.views import ViewChanged
from govledger_ledger.adapters.migrations import migrate as migrate_ledger
from govledger_ledger.adapters.postgres_store import PostgresEventStore, create_pool
from govledger_ledger.ports import AppendRequest, NewEvent, StreamWrite
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings as LedgerSettings
from govledger_projector.consumer import Projector
from govledger_projector.migrations import migrate
from govledger_projector.projections import as_of
from govledger_projector.settings import Settings
from govledger_projector.source import BatchPuller, ensure_durable, read_range, stream_last_seq

ACTOR = Actor(id="bench", role="secretariat")
AT = dt.datetime(2023, 9, 2, tzinfo=dt.UTC)
TARGET_RATE, TARGET_P99_MS = 10_000, 100.0


@contextlib.contextmanager
def nats_server() -> Iterator[str]:
    configured = os.environ.get("GOVLEDGER_NATS_URL")
    if configured:
        yield configured
        return
    from govledger_launcher.embedded import EmbeddedNats

    with tempfile.TemporaryDirectory(prefix="govledger-bench-nats-") as tmp, \
            EmbeddedNats(Path(tmp)) as server:
        yield server.url


def workload(n: int) -> Event:
    """Mostly ballots (the high-volume event), some proposals: every model sees traffic."""
    if n == 0:
        return VoteOpened(vote_id="v1", title="bench", year=2023, candidates=("a1", "a2", "a3"),
                          max_choices=2, opens_at=AT, closes_at=AT + dt.timedelta(days=5))
    if n % 10 == 0:
        return AgendaProposed(agenda_id=f"a-{n}", title="어르신 돌봄 공동체", summary="주민 제안",
                              channel="online", domains=("복지",), year=2023)
    return BallotCast(vote_id="v1", voter=f"{n:064x}", choices=("a1", "a3") if n % 3 else ("a2",))


def request(events: list[Event]) -> AppendRequest:
    new = tuple(NewEvent(event_id=str(uuid7()), type=type(e).__struct_config__.tag,  # type: ignore[arg-type]
                         payload=to_payload(e), occurred_at=AT, actor=ACTOR, reason="bench",
                         correlation_id="bench") for e in events)
    return AppendRequest(writes=(StreamWrite(stream_id=f"bench-{uuid.uuid4().hex[:8]}",
                                             expected="any", events=new),))


@contextlib.asynccontextmanager
async def system(server_url: str, nats_url: str,
                 batch: int) -> AsyncIterator[tuple[Settings, PostgresEventStore]]:
    ward = f"b{uuid.uuid4().hex[:8]}"
    url = await fresh_database(server_url)
    ledger = LedgerSettings(database_url=url, nats_url=nats_url, ward=ward,
                            stream_name=f"GOVLEDGER_{ward.upper()}")
    await migrate_ledger(url)
    await migrate(url)
    pool = await create_pool(url)
    store = PostgresEventStore(pool)
    relay = Relay(ledger)
    task = asyncio.create_task(relay.run())
    try:
        yield Settings(database_url=url, nats_url=nats_url, ward=ward,
                       stream_name=ledger.stream_name,
                       views_stream_name=f"GOVLEDGER_VIEWS_{ward.upper()}",
                       fetch_timeout=0.5, batch_size=batch), store
    finally:
        relay.stop()
        await task
        await store.close()
        await pool.close()


async def wait_stream(settings: Settings, target: int) -> None:
    nc = await nats.connect(settings.nats_url)
    while await stream_last_seq(nc.jetstream(), settings.stream_name) < target:  # noqa: ASYNC110 -- polls the server
        await asyncio.sleep(0.05)
    await nc.close()


@contextlib.asynccontextmanager
async def projector(settings: Settings) -> AsyncIterator[Projector]:
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    nc = await nats.connect(settings.nats_url)
    running = Projector(settings, pool, nc)
    task = asyncio.create_task(running.run())
    try:
        yield running
    finally:
        running.stop()
        await task
        await nc.drain()
        await pool.close()


@contextlib.asynccontextmanager
async def projector_process(settings: Settings) -> AsyncIterator[None]:
    """The projector as deployed: its own process (``python -m govledger_projector``)."""
    import signal
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "GOVLEDGER_DATABASE_URL": settings.database_url,
           "GOVLEDGER_NATS_URL": settings.nats_url, "GOVLEDGER_WARD": settings.ward,
           "GOVLEDGER_STREAM_NAME": settings.stream_name,
           "GOVLEDGER_VIEWS_STREAM_NAME": settings.views_stream_name,
           "GOVLEDGER_PROJECTOR_HTTP_PORT": str(port),
           "GOVLEDGER_PROJECTOR_BATCH_SIZE": str(settings.batch_size)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "govledger_projector", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()


async def bench_catch_up(settings: Settings, total: int) -> Result:
    started = clock()
    async with projector(settings) as running:
        while running.position < total:  # noqa: ASYNC110 -- polls the consumer's progress
            await asyncio.sleep(0.005)
        seconds = clock() - started
    return Result("projector: catch up (fold+PG+KV+ack)", total, seconds, [])


async def bench_raw_pull(settings: Settings, total: int) -> tuple[Result, Result]:
    """The same pull client and ack pattern as the projector, doing nothing else; and
    nats-py's own ``fetch`` with one ack per message, for comparison."""
    nc = await nats.connect(settings.nats_url)
    raw = msgspec.structs.replace(settings, consumer_name="raw-pull")
    await ensure_durable(nc.jetstream(), raw)
    puller = BatchPuller(nc, settings.stream_name, "raw-pull")
    await puller.start()
    started, seen = clock(), 0
    while seen < total:
        msgs = await puller.fetch(500, 1.0)
        if msgs:
            await msgs[-1].ack()
        seen += len(msgs)
    ours = Result("reference: raw JetStream pull (same client, ack-all)", total,
                  clock() - started, [])
    sub = await nc.jetstream().pull_subscribe(f"govledger.{settings.ward}.>",
                                              durable="raw-fetch", stream=settings.stream_name)
    started, seen = clock(), 0
    while seen < total:
        fetched = await sub.fetch(500, timeout=5)
        for m in fetched:
            await m.ack()
        seen += len(fetched)
    library = Result("reference: nats-py fetch(500) + ack each", total, clock() - started, [])
    await nc.close()
    return ours, library


async def bench_raw_insert(settings: Settings, total: int) -> Result:
    conn = await asyncpg.connect(settings.database_url)
    await conn.execute("CREATE TABLE bench_rows (LIKE projector.views_template INCLUDING ALL)")
    doc = msgspec.json.encode({"key": "x", "title": "어르신 돌봄 공동체", "votes": 1}).decode()
    started = clock()
    for first in range(0, total, 500):
        keys = [str(k) for k in range(first, min(total, first + 500))]
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO bench_rows (model, key, doc, position) SELECT m, k, d::jsonb, $4"
                " FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, k, d)"
                " ON CONFLICT (model, key) DO UPDATE SET doc = excluded.doc",
                ["bench"] * len(keys), keys, [doc] * len(keys), first)
    seconds = clock() - started
    await conn.close()
    return Result("reference: raw PG batch upsert (500 rows/txn)", total, seconds, [])


async def bench_pure_fold(settings: Settings, total: int) -> Result:
    nc = await nats.connect(settings.nats_url)
    envelopes = [e async for c in read_range(nc.jetstream(), settings.stream_name, 1, total)
                 for e in c]
    await nc.close()
    started = clock()
    as_of(envelopes)
    return Result("pure fold of all six models (no I/O)", total, clock() - started, [])


async def bench_lag(settings: Settings, store: PostgresEventStore, rate: int,
                    seconds: int) -> Result:
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    nc = await nats.connect(settings.nats_url)
    last = [0]

    async def on_change(msg: Any) -> None:
        now = clock()
        change = msgspec.json.decode(msg.data, type=ViewChanged)
        for p in range(last[0] + 1, change.position + 1):
            seen.setdefault(p, now)
        last[0] = max(last[0], change.position)

    await nc.subscribe(f"govledger.{settings.ward}.views.statistics", cb=on_change)
    base = (await store.head())[0]
    last[0] = base

    async def one(n: int) -> None:
        result = await store.append(request([workload(n + 1)]))
        committed[result.envelopes[-1].position] = clock()

    async with projector_process(settings):
        await asyncio.sleep(3.0)  # started, consumer bound and idle
        started = clock()
        tasks = []
        for n in range(rate * seconds):
            await asyncio.sleep(max(0.0, started + n / rate - clock()))
            tasks.append(asyncio.create_task(one(base + n)))
        await asyncio.gather(*tasks)
        while last[0] < max(committed):  # noqa: ASYNC110 -- polls what the watcher saw
            await asyncio.sleep(0.01)
        wall = clock() - started
    await nc.close()
    lags = [seen[p] - committed[p] for p in committed if p in seen]
    return Result(f"append→view lag at {rate}/s for {seconds}s", len(committed), wall, lags)


async def main(events: int, rate: int, seconds: int, batch: int) -> None:
    with postgres_server() as server_url, nats_server() as nats_url:
        async with system(server_url, nats_url, batch) as (settings, store):
            for first in range(0, events, 500):
                await store.append(request([workload(n) for n in range(first, first + 500)]))
            await wait_stream(settings, events)
            catch_up = await bench_catch_up(settings, events)
            pull, fetch = await bench_raw_pull(settings, events)
            insert = await bench_raw_insert(settings, events)
            fold = await bench_pure_fold(settings, events)
            lag = await bench_lag(settings, store, rate, seconds)
    print(f"\nprojector bench: {events:,} events (90% ballots, 10% proposals), "
          f"batch {batch}, {os.cpu_count()} CPUs shared by PostgreSQL, NATS and the bench\n")
    for result in (catch_up, pull, fetch, insert, fold, lag):
        print(result.line())
    print(f"\n  projected / raw JetStream pull        {catch_up.rate / pull.rate:6.2f}x")
    print(f"  projected / raw PG batch upsert       {catch_up.rate / insert.rate:6.2f}x")
    print(f"  projected / target {TARGET_RATE:,} ev/s          {catch_up.rate / TARGET_RATE:6.2f}x"
          f"  ({'meets' if catch_up.rate >= TARGET_RATE else 'BELOW'})")
    print(f"  lag p99 / target {TARGET_P99_MS:.0f} ms             "
          f"{lag.pct(0.99) / TARGET_P99_MS:6.2f}x  "
          f"({'meets' if lag.pct(0.99) < TARGET_P99_MS else 'ABOVE'})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500, help="projector batch size")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rate, args.seconds, args.batch))
