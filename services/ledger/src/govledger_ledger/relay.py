"""The relay: publishes the log to JetStream, in position order, exactly once in effect.

The log is its own outbox (docs/adr/0001): an event is "to be published" when its position
is above the relay's cursor, so nothing extra is written in the append transaction. One
relay publishes at a time however many ledger processes run: it must hold a PostgreSQL
session advisory lock, and it reads the log over that same connection, so if the connection
dies the lock is gone and this relay stops before another can take over.

The ``GOVLEDGER`` stream is written only by the relay, so JetStream's sequence equals the
ledger position. Every publish carries ``Nats-Msg-Id`` = event id (duplicates inside the
window are dropped) and ``Nats-Expected-Last-Sequence`` = position - 1. JetStream acks a
file-store write before fsync, so after a NATS crash the stream may have lost its tail: the
expected-sequence check then fails, and the relay reconciles — it moves its cursor back to
the stream's real last sequence and publishes again from there, so the stream never silently
misses an event. If the stream is ahead of the cursor (the relay died between publish and
cursor update) it checks the last message's id against the log and moves forward.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
import nats
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from govledger_contracts.canonical import format_time
from govledger_contracts.envelope import ENVELOPE_ENCODER, Envelope
from govledger_contracts.events import EVENT_BY_TAG
from govledger_contracts.subjects import event_stream_subjects, event_subject
from govledger_ledger.adapters.nats_link import connect as connect_nats
from govledger_ledger.adapters.postgres_store import (
    APPENDED_CHANNEL,
    init_connection,
    row_to_envelope,
)
from govledger_ledger.checkpoints import Checkpointer
from govledger_ledger.settings import Settings

log = logging.getLogger("govledger.relay")
RELAY_LOCK = 0x676F76_72656C61  # "govrela"
BATCH = 500
ACK_TIMEOUT_SECONDS = 10.0
WRONG_LAST_SEQUENCE = 10071


class StreamDiverged(Exception):
    """The JetStream stream holds a message that is not the ledger's event at that sequence."""


def stream_config(settings: Settings) -> StreamConfig:
    return StreamConfig(
        name=settings.stream_name, subjects=event_stream_subjects(settings.ward),
        retention=RetentionPolicy.LIMITS, storage=StorageType.FILE, discard=DiscardPolicy.OLD,
        duplicate_window=float(settings.duplicate_window_seconds), deny_delete=True,
        deny_purge=True, description="govledger event log (sequence = ledger position)",
    )


def headers_for(e: Envelope, ward: str) -> dict[str, str]:
    """Nats-Msg-Id for de-duplication; CloudEvents 1.0 binary-mode attributes."""
    return {
        "Nats-Msg-Id": e.event_id,
        "Nats-Expected-Last-Sequence": str(e.position - 1),
        "ce-specversion": "1.0",
        "ce-id": e.event_id,
        "ce-source": f"/govledger/{ward}",
        "ce-type": f"kr.seongdong.govledger.{e.type}",
        "ce-time": format_time(e.occurred_at),
        "ce-subject": e.stream_id,
        "content-type": "application/json",
        "Govledger-Position": str(e.position),
        "Govledger-Hash": e.hash,
    }


def subject_for(e: Envelope, ward: str) -> str:
    return event_subject(ward, EVENT_BY_TAG[e.type].family, e.type)


async def ensure_stream(js: JetStreamContext, settings: Settings) -> int:
    """Create or update the stream; return its last sequence."""
    config = stream_config(settings)
    try:
        info = await js.stream_info(settings.stream_name)
    except NotFoundError:
        info = await js.add_stream(config)
    else:
        info = await js.update_stream(config)
    return int(info.state.last_seq)


class Relay:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Run until stopped, retrying after database or NATS failures."""
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError,
                    nats.errors.Error, TimeoutError) as exc:
                log.warning("relay interrupted (%s: %s); retrying", type(exc).__name__, exc)
                await self._sleep(1.0)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _run_once(self) -> None:
        conn = await asyncpg.connect(self._settings.database_url)
        try:
            await init_connection(conn)
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK):
                if self._stopping.is_set():
                    return
                await self._sleep(1.0)  # another relay publishes; stand by
            log.info("relay holds the publish lock")
            await conn.add_listener(APPENDED_CHANNEL, lambda *_: self._wake.set())
            nc = await connect_nats(self._settings.nats_url, log, "relay")
            try:
                await self._publish_loop(conn, nc.jetstream())
            finally:
                await nc.close()
        finally:
            await conn.close()

    async def _publish_loop(self, conn: asyncpg.Connection, js: JetStreamContext) -> None:
        cursor = await self._reconcile(conn, js, await ensure_stream(js, self._settings))
        while not self._stopping.is_set():
            self._wake.clear()
            rows = await conn.fetch(
                "SELECT * FROM ledger.events WHERE position > $1 ORDER BY position LIMIT $2",
                cursor, BATCH,
            )
            if not rows:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                continue
            cursor = await self._publish(conn, js, [row_to_envelope(r) for r in rows], cursor)

    async def _publish(self, conn: asyncpg.Connection, js: JetStreamContext,
                       events: list[Envelope], cursor: int) -> int:
        """Publish a batch pipelined, then take the acks in order.

        The server checks each message's expected last sequence in the order sent, so once
        one fails every later one in the window fails too; the cursor advances only over the
        acked prefix, and a failure hands over to reconciliation.
        """
        ward = self._settings.ward
        pending = [(e, await js.publish_async(subject_for(e, ward), ENVELOPE_ENCODER.encode(e),
                                              headers=headers_for(e, ward)))
                   for e in events]
        try:
            for e, ack in pending:
                try:
                    await asyncio.wait_for(ack, ACK_TIMEOUT_SECONDS)
                except APIError as exc:
                    if exc.err_code != WRONG_LAST_SEQUENCE:
                        raise
                    await self._save(conn, cursor)
                    info = await js.stream_info(self._settings.stream_name)
                    return await self._reconcile(conn, js, int(info.state.last_seq))
                cursor = e.position
        finally:
            for _, ack in pending:
                ack.cancel()  # a no-op for settled acks; drops the rest after a failure
        await self._save(conn, cursor)
        return cursor

    async def _save(self, conn: asyncpg.Connection, position: int) -> None:
        await conn.execute(
            "UPDATE ledger.relay_state SET position = $1, updated_at = now()", position
        )

    async def _reconcile(self, conn: asyncpg.Connection, js: JetStreamContext,
                         last_seq: int) -> int:
        """Align the cursor with what the stream really holds; see the module docstring."""
        cursor = int(await conn.fetchval("SELECT position FROM ledger.relay_state"))
        if last_seq < cursor:
            log.warning("stream %s lost events %d..%d (NATS crash?); publishing them again",
                        self._settings.stream_name, last_seq + 1, cursor)
        elif last_seq > cursor:
            await self._check_stream_message(conn, js, last_seq)
        if last_seq != cursor:
            await self._save(conn, last_seq)
        return last_seq

    async def _check_stream_message(self, conn: asyncpg.Connection, js: JetStreamContext,
                                    seq: int) -> None:
        msg = await js.get_msg(self._settings.stream_name, seq)
        event_id = (msg.headers or {}).get("Nats-Msg-Id")
        expected = await conn.fetchval(
            "SELECT event_id::text FROM ledger.events WHERE position = $1", seq
        )
        if expected is None or event_id != expected:
            raise StreamDiverged(
                f"stream {self._settings.stream_name} seq {seq} holds {event_id!r}, "
                f"ledger position {seq} is {expected!r}: refusing to publish"
            )


async def run_relay(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """The relay and, beside it, the checkpointer (it needs the same log and NATS)."""
    relay, checkpointer = Relay(settings), Checkpointer(settings)
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(checkpointer.run())]
    if stop is not None:
        await stop.wait()
        relay.stop()
        checkpointer.stop()
    await asyncio.gather(*tasks)

