"""Crashes, concurrency and rebuilds never change the answer: the stored views always equal
the pure fold of the log."""

from __future__ import annotations

import asyncio
import signal

import asyncpg
import httpx
import msgspec
import nats
from litestar.testing import AsyncTestClient

from govledger_contracts.views import kv_bucket
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.relay import Relay
from govledger_projector.consumer import run_projector
from govledger_projector.http.app import create_app
from govledger_projector.migrations import migrate
from govledger_projector.projections import PROJECTION_VERSION
from govledger_projector.rebuild import rebuild, rebuild_if_outdated
from govledger_projector.settings import Settings
from tests.integration.projector.helpers import (
    append_events,
    ballots,
    checkpoint_position,
    eventually,
    expected_views,
    free_port,
    same_entities,
    start_projector,
    stored_summaries_match,
    stored_views,
    vote_opened,
    wait_for_position,
)

DRAINED = (0, -signal.SIGTERM)
"""uvicorn shuts down gracefully, then re-raises the captured SIGTERM (exit status -15)."""


async def cast(store: PostgresEventStore, total: int, *, start: int = 0, chunk: int = 100) -> None:
    for first in range(start, start + total, chunk):
        await append_events(store, f"ballot-box-{first}", ballots("v1", first, chunk))


async def test_a_projector_killed_mid_batch_and_restarted_counts_nothing_twice(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    await cast(store, 3000)
    port = free_port()
    for _ in range(2):  # SIGKILL twice while batches are in flight
        process = await start_projector(settings, port, batch=50)
        already = await checkpoint_position(settings.database_url)
        await wait_for_position(settings.database_url, already + 400)
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert await checkpoint_position(settings.database_url) < 3001
    process = await start_projector(settings, port, batch=50)
    try:
        await wait_for_position(settings.database_url, 3001)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await process.wait() in DRAINED
    _, stored = await stored_views(settings)
    assert stored["votes"].entities["v1"].ballots == 3000
    expected = await expected_views(settings)
    assert same_entities(stored, expected)
    assert await stored_summaries_match(settings, expected)
    nc = await nats.connect(settings.nats_url)
    kv = await (nc.jetstream()).key_value(kv_bucket(settings.ward, "votes"))
    entry = await kv.get("v1")
    assert entry.value is not None and msgspec.json.decode(entry.value)["ballots"] == 3000
    await nc.close()


async def test_two_projector_processes_side_by_side_agree(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    ports = (free_port(), free_port())
    processes = [await start_projector(settings, port, batch=40) for port in ports]
    try:
        await cast(store, 2000, chunk=20)  # while both consume
        await wait_for_position(settings.database_url, 2001)
        async with httpx.AsyncClient() as client:
            answers = []
            for port in ports:
                for _ in range(100):  # until its API is up
                    try:
                        answers.append((await client.get(
                            f"http://127.0.0.1:{port}/v1/views/votes/v1")).json())
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.1)
        assert answers[0] == answers[1] and answers[0]["ballots"] == 2000
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        assert all([await p.wait() in DRAINED for p in processes])
    _, stored = await stored_views(settings)
    expected = await expected_views(settings)
    assert same_entities(stored, expected)
    assert await stored_summaries_match(settings, expected)


async def test_a_rebuild_equals_the_incremental_views_and_switches_when_caught_up(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    await cast(store, 1000)
    async with AsyncTestClient(create_app(settings)) as client:
        await wait_for_position(settings.database_url, 1001)
        incremental_checkpoint, incremental = await stored_views(settings)
        seen: list[tuple[int, int]] = []
        writer = asyncio.create_task(cast(store, 500, start=1000, chunk=50))
        report = await rebuild(settings, lambda done, head: seen.append((done, head)))
        await writer
        assert (report.generation, report.previous_generation) == (2, 1)
        assert seen and seen[-1][0] == report.position
        await wait_for_position(settings.database_url, 1501)
        served = (await client.get("/v1/views/votes/v1")).json()
        assert served["ballots"] == 1500
        lag = (await client.get("/lag")).json()
        assert lag["generation"] == 2
    checkpoint, stored = await stored_views(settings)
    assert checkpoint.generation == 2
    expected = await expected_views(settings)
    assert same_entities(stored, expected)
    assert await stored_summaries_match(settings, expected)
    assert incremental_checkpoint.generation == 1
    assert incremental["votes"].entities["v1"].ballots == 1000


async def _checkpoint_row(settings: Settings) -> tuple[int, int]:
    conn = await asyncpg.connect(settings.database_url)
    try:
        row = await conn.fetchrow("SELECT generation, projection_version FROM projector.checkpoint")
    finally:
        await conn.close()
    assert row is not None
    return row["generation"], row["projection_version"]


async def test_views_an_older_release_wrote_are_rebuilt_in_the_background_on_start(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    await cast(store, 300)
    async with AsyncTestClient(create_app(settings)):
        await wait_for_position(settings.database_url, 301)
    generation, version = await _checkpoint_row(settings)
    assert (generation, version) == (1, PROJECTION_VERSION)
    # As an older release left them: an older version, and what it did not count, uncounted.
    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.execute("UPDATE projector.checkpoint SET projection_version = 1")
        await conn.execute("UPDATE projector.views_1 SET doc = jsonb_set(doc, '{ballots}', '0')"
                           " WHERE model = 'votes' AND key = 'v1'")
    finally:
        await conn.close()
    async with AsyncTestClient(create_app(settings)) as client:
        async def upgraded() -> bool:
            return await _checkpoint_row(settings) == (2, PROJECTION_VERSION)
        await eventually(upgraded)
        assert (await client.get("/v1/views/votes/v1")).json()["ballots"] == 300
    _, stored = await stored_views(settings)
    expected = await expected_views(settings)
    assert same_entities(stored, expected)
    assert await stored_summaries_match(settings, expected)


async def test_a_new_projector_database_is_stamped_without_a_rebuild(settings: Settings) -> None:
    async with AsyncTestClient(create_app(settings)):
        async def stamped() -> bool:
            return await _checkpoint_row(settings) == (1, PROJECTION_VERSION)
        await eventually(stamped)


async def test_views_a_projector_wrote_from_the_first_event_are_not_taken_for_an_older_release(
    store: PostgresEventStore, relay: Relay, settings: Settings,
) -> None:
    await append_events(store, "vote-v1", [vote_opened()])
    await cast(store, 300)
    await migrate(settings.database_url)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    nc = await nats.connect(settings.nats_url)
    stop = asyncio.Event()
    task = asyncio.create_task(run_projector(settings, pool, nc, stop))
    try:
        await wait_for_position(settings.database_url, 301)
    finally:
        stop.set()
        await task
        await nc.drain()
        await pool.close()
    assert await _checkpoint_row(settings) == (1, PROJECTION_VERSION)
    assert await rebuild_if_outdated(settings) is None
    assert await _checkpoint_row(settings) == (1, PROJECTION_VERSION)
