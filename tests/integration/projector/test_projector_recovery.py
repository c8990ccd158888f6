"""Crashes, concurrency and rebuilds never change the answer: the stored views always equal
the pure fold of the log."""

from __future__ import annotations

import asyncio
import signal

import httpx
import msgspec
import nats
from litestar.testing import AsyncTestClient

from govledger_contracts.views import kv_bucket
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.relay import Relay
from govledger_projector.http.app import create_app
from govledger_projector.rebuild import rebuild
from govledger_projector.settings import Settings
from tests.integration.projector.helpers import (
    append_events,
    ballots,
    checkpoint_position,
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
