"""The consumer: the durable JetStream pull consumer → pure projections → PostgreSQL → NATS.

Exactly-once in effect, with any number of projector processes:

1. Fetch a batch from the shared durable consumer (no lock held while waiting).
2. Take the projector's session advisory lock. Every process serialises here, so the
   checkpoint moves one batch at a time and KV values are published in position order.
3. In ONE transaction: read the checkpoint (FOR UPDATE), drop envelopes at or below its
   position (a redelivery, or a batch another process already applied), fill any gap from
   the stream by sequence (its messages went to a process that died before committing;
   an empty fetch also reads the stream's tail), fold, upsert the changed rows and the
   summaries whose inputs changed, move the checkpoint (the first batch of a generation
   also stamps the projection version that wrote it). Commit.
4. Publish what was committed (read back from PostgreSQL), still under the lock.
5. Release the lock, then ack. A crash before the commit loses nothing (the messages are
   redelivered, or read from the stream as a gap); a crash after it but before the ack
   only causes a redelivery, which step 3 skips.

If another process moved the checkpoint (or a rebuild switched generations), this process
reloads its in-memory views from the rows before applying anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
import nats
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from govledger_contracts.envelope import ENVELOPE_DECODER, Envelope
from govledger_projector.projections import (
    PROJECTION_VERSION,
    Views,
    count_views,
    empty_views,
    entry_of,
    fold_all,
    recount_views,
)
from govledger_projector.publisher import ViewPublisher
from govledger_projector.settings import Settings
from govledger_projector.source import BatchPuller, ensure_durable, read_range, stream_last_seq
from govledger_projector.store import (
    Checkpoint,
    Conn,
    changed_rows,
    committed_checkpoint,
    join_rows,
    load_views,
    missing_summaries,
    read_checkpoint,
    stamp_projection_version,
    summary_rows,
    upsert_rows,
    write_checkpoint,
)

log = logging.getLogger("govledger.projector")
PROJECTOR_LOCK = 0x676F76_70726F6A  # "govproj": one projector applies a batch at a time
_RETRYABLE = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, nats.errors.Error,
              TimeoutError)


class StreamDiverged(Exception):
    """The next envelope does not chain onto the hash the views were built to."""


class Projector:
    def __init__(self, settings: Settings, pool: asyncpg.Pool, nc: NatsClient) -> None:
        self._settings = settings
        self._pool = pool
        self._nc = nc
        self._js: JetStreamContext = nc.jetstream()
        self.publisher = ViewPublisher(self._js, settings)
        self.views: Views = empty_views()
        self.generation = 0
        self._unsummarised: set[str] = set()
        """Models whose summary row is missing from the loaded generation (written next)."""
        self._counts = count_views(self.views)
        """The sums behind the summaries of ``views`` that are sums over their entities, kept
        from batch to batch, so that a batch recounts only the entities it changed."""
        self._stopping = asyncio.Event()

    @property
    def position(self) -> int:
        return self.views["members"].position

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Consume until stopped; database or NATS failures are retried after a pause."""
        while not self._stopping.is_set():
            try:
                await self._consume()
            except _RETRYABLE as exc:
                log.warning("projector interrupted (%s: %s); retrying", type(exc).__name__, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1.0)

    async def _consume(self) -> None:
        # Buckets first: a ward service may open them before the ledger's first event.
        await self.publisher.ensure()
        while await stream_last_seq(self._js, self._settings.stream_name) == 0:
            if self._stopping.is_set():  # the relay creates the stream with its first event
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), 1.0)
        await ensure_durable(self._js, self._settings)
        puller = BatchPuller(self._nc, self._settings.stream_name, self._settings.consumer_name)
        await puller.start()
        try:
            while not self._stopping.is_set():
                await self.process(await puller.fetch(self._settings.batch_size,
                                                      self._settings.fetch_timeout))
        finally:
            with contextlib.suppress(*_RETRYABLE):
                await puller.stop()

    async def process(self, msgs: list[Msg]) -> int:
        """Apply, commit, publish, then ack one batch; returns the events applied."""
        envelopes = [ENVELOPE_DECODER.decode(m.data) for m in msgs]
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", PROJECTOR_LOCK)
            try:
                applied, committed = await self._commit(conn, envelopes)
                # What this batch committed needs no reading back: both locks are still held.
                checkpoint = committed or await read_checkpoint(conn)
                if checkpoint.published_position < checkpoint.position:
                    await self._sync(conn, checkpoint)
                    await self.publisher.publish_pending(conn, checkpoint)
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", PROJECTOR_LOCK)
        # Acked only now, after the commit (ack policy ALL: the last one acks the batch).
        if msgs:
            await msgs[-1].ack()
        return applied

    async def _sync(self, conn: Conn, checkpoint: Checkpoint) -> None:
        """Make the in-memory views those of the checkpoint (another process moved it)."""
        if (checkpoint.generation, checkpoint.position) != (self.generation, self.position):
            self.views = await load_views(conn, checkpoint)
            self.generation = checkpoint.generation
            self._counts = count_views(self.views)
            self._unsummarised = await missing_summaries(conn, checkpoint.generation)

    async def _commit(self, conn: Conn,
                      envelopes: list[Envelope]) -> tuple[int, Checkpoint | None]:
        """Fold and store what is new; the events applied and the checkpoint committed (None
        when nothing was new)."""
        async with conn.transaction():
            # FOR UPDATE as well as the advisory lock: a rebuild's switch takes this row too.
            checkpoint = await read_checkpoint(conn, lock=True)
            pending = await self._pending(checkpoint, envelopes)
            if not pending:
                return 0, None
            await self._sync(conn, checkpoint)
            if checkpoint.position and pending[0].prev_hash != checkpoint.hash:
                raise StreamDiverged(f"position {pending[0].position} does not chain onto "
                                     f"{checkpoint.hash} at {checkpoint.position}")
            views, changed = fold_all(self.views, [entry_of(e) for e in pending])
            position = views["members"].position
            summarised = {m for m, v in views.items()
                          if v.summary_position != self.views[m].summary_position}
            counts = recount_views(self._counts, self.views, views, changed)
            rows = join_rows(changed_rows(views, changed),
                             summary_rows(views, summarised | self._unsummarised, counts))
            await upsert_rows(conn, checkpoint.generation, position, rows)
            await write_checkpoint(conn, checkpoint.generation, views["members"])
            if checkpoint.position == 0:
                # The generation's first rows are this release's: say so, once, in the same
                # transaction, or a restart would take them for an older release's and rebuild.
                await stamp_projection_version(conn, PROJECTION_VERSION)
        self.views, self._counts = views, counts  # only once committed
        self._unsummarised = set()
        return len(pending), committed_checkpoint(checkpoint, views["members"])

    async def _pending(self, checkpoint: Checkpoint, envelopes: list[Envelope]) -> list[Envelope]:
        """The envelopes after the checkpoint, gap-free and in order."""
        after = {e.position: e for e in envelopes if e.position > checkpoint.position}
        if not envelopes:
            return await self._tail(checkpoint)
        if not after:
            return []
        last = max(after)
        if len(after) == last - checkpoint.position:
            return [after[p] for p in range(checkpoint.position + 1, last + 1)]
        log.info("filling positions %d..%d from the stream", checkpoint.position + 1, last)
        return [e async for chunk in read_range(self._js, self._settings.stream_name,
                                                checkpoint.position + 1, last) for e in chunk]

    async def _tail(self, checkpoint: Checkpoint) -> list[Envelope]:
        """Nothing was delivered: read what the stream holds beyond the checkpoint anyway.

        Covers messages delivered to a process that died before committing (and acked
        past by another one's ack-all), without waiting for a later event to show the gap.
        """
        head = await stream_last_seq(self._js, self._settings.stream_name)
        if head <= checkpoint.position:
            return []
        end = min(head, checkpoint.position + self._settings.batch_size)
        return [e async for chunk in read_range(self._js, self._settings.stream_name,
                                                checkpoint.position + 1, end) for e in chunk]


async def run_projector(settings: Settings, pool: asyncpg.Pool, nc: NatsClient,
                        stop: asyncio.Event) -> None:
    projector = Projector(settings, pool, nc)
    task = asyncio.create_task(projector.run())
    await stop.wait()
    projector.stop()
    await task
