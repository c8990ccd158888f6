"""The relay against real PostgreSQL and real JetStream: order, exactly-once, recovery."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import nats
import pytest
from nats.js import JetStreamContext

from govledger_contracts.envelope import ENVELOPE_DECODER
from govledger_launcher.embedded import EmbeddedNats
from govledger_ledger.adapters.postgres_store import PostgresEventStore
from govledger_ledger.relay import Relay
from govledger_ledger.settings import Settings
from tests.integration.ledger.helpers import write

TIMEOUT = 60.0


@contextlib.asynccontextmanager
async def running_relay(settings: Settings) -> AsyncIterator[Relay]:
    relay = Relay(settings)
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        relay.stop()
        await asyncio.wait_for(task, 30)


async def stream_last_seq(js: JetStreamContext, name: str) -> int:
    try:
        return int((await js.stream_info(name)).state.last_seq)
    except nats.js.errors.NotFoundError:
        return 0


async def wait_for_seq(js: JetStreamContext, name: str, target: int) -> None:
    async def reached() -> None:
        while await stream_last_seq(js, name) < target:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(reached(), TIMEOUT)


async def published(js: JetStreamContext, settings: Settings) -> list[tuple[int, str, str]]:
    """(stream sequence, Nats-Msg-Id, envelope event_id) of every message, in order."""
    sub = await js.pull_subscribe(f"govledger.{settings.ward}.>", stream=settings.stream_name)
    out: list[tuple[int, str, str]] = []
    total = await stream_last_seq(js, settings.stream_name)
    while len(out) < total:
        for msg in await sub.fetch(500, timeout=5):
            envelope = ENVELOPE_DECODER.decode(msg.data)
            out.append((msg.metadata.sequence.stream, (msg.headers or {})["Nats-Msg-Id"],
                        envelope.event_id))
            assert envelope.position == msg.metadata.sequence.stream
            assert msg.headers is not None and msg.headers["ce-specversion"] == "1.0"
            await msg.ack()
    await sub.unsubscribe()
    return out


def assert_exactly_once_in_order(messages: list[tuple[int, str, str]], total: int) -> None:
    assert [seq for seq, _, _ in messages] == list(range(1, total + 1))
    assert len({msg_id for _, msg_id, _ in messages}) == total
    assert all(msg_id == event_id for _, msg_id, event_id in messages)


async def test_the_relay_publishes_every_event_in_order_with_cloudevents_headers(
    store: PostgresEventStore, ledger_settings: Settings, nats_url: str,
) -> None:
    await asyncio.gather(*(store.append(write(f"s{i % 5}")) for i in range(200)))
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running_relay(ledger_settings):
        await wait_for_seq(js, ledger_settings.stream_name, 200)
        await store.append(write("late"))
        await wait_for_seq(js, ledger_settings.stream_name, 201)
    assert_exactly_once_in_order(await published(js, ledger_settings), 201)
    info = await js.stream_info(ledger_settings.stream_name)
    assert info.config.duplicate_window == ledger_settings.duplicate_window_seconds
    await nc.close()


async def test_a_relay_killed_mid_publish_resumes_without_loss_or_duplicates(
    store: PostgresEventStore, ledger_settings: Settings, nats_url: str,
) -> None:
    total = 3000
    for start in range(0, total, 500):
        await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(start, start + 500)))
    env = {**os.environ, "GOVLEDGER_DATABASE_URL": ledger_settings.database_url,
           "GOVLEDGER_NATS_URL": nats_url, "GOVLEDGER_WARD": ledger_settings.ward,
           "GOVLEDGER_STREAM_NAME": ledger_settings.stream_name,
           "GOVLEDGER_DATA_DIR": str(ledger_settings.data_dir)}
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for _ in range(2):  # kill it twice, mid-stream
        relay = await asyncio.create_subprocess_exec(sys.executable, "-m", "govledger_ledger",
                                                     "relay", env=env)
        already = await stream_last_seq(js, ledger_settings.stream_name)
        await wait_for_seq(js, ledger_settings.stream_name, already + 200)
        relay.send_signal(signal.SIGKILL)
        await relay.wait()
    assert await stream_last_seq(js, ledger_settings.stream_name) < total
    async with running_relay(ledger_settings):
        await wait_for_seq(js, ledger_settings.stream_name, total)
    assert_exactly_once_in_order(await published(js, ledger_settings), total)
    await nc.close()


async def test_appends_succeed_while_nats_is_down_and_arrive_in_order_after(
    store: PostgresEventStore, ledger_settings: Settings, tmp_path: Path,
) -> None:
    server = EmbeddedNats(tmp_path / "nats").start()
    settings = msgspec.structs.replace(ledger_settings, nats_url=server.url)
    async with running_relay(settings):
        await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(50)))
        nc = await nats.connect(server.url)
        await wait_for_seq(nc.jetstream(), settings.stream_name, 50)
        await nc.close()
        server.stop()
        await asyncio.gather(*(store.append(write(f"t{i}")) for i in range(100)))
        assert (await store.head())[0] == 150
        server.start()
        nc = await nats.connect(server.url)
        await wait_for_seq(nc.jetstream(), settings.stream_name, 150)
    assert_exactly_once_in_order(await published(nc.jetstream(), settings), 150)
    await nc.close()
    server.stop()


async def test_a_stream_that_lost_its_events_is_published_again_from_the_log(
    store: PostgresEventStore, ledger_settings: Settings, nats_url: str,
) -> None:
    await asyncio.gather(*(store.append(write(f"s{i}")) for i in range(40)))
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running_relay(ledger_settings):
        await wait_for_seq(js, ledger_settings.stream_name, 40)
        # What a NATS crash before fsync looks like from outside: the stream is behind.
        await js.delete_stream(ledger_settings.stream_name)
        await store.append(write("after-loss"))
        await wait_for_seq(js, ledger_settings.stream_name, 41)
    assert_exactly_once_in_order(await published(js, ledger_settings), 41)
    await nc.close()


@pytest.fixture(autouse=True)
def _relay_logs_quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="govledger.relay")
