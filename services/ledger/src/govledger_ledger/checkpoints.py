"""The checkpointer: extends the Merkle tree from the log and signs checkpoints (docs/adr/0004).

It runs beside the relay (``run_relay``) and acts after every ``checkpoint_every_events``
events or ``checkpoint_every_seconds`` seconds, whichever comes first. A *round* extends the
tree in chunks, each its own transaction holding the transaction-scoped advisory lock
``TREE_LOCK`` (so one process extends at a time, and ``govledger export`` can take a round
between two of ours), and in the last chunk's transaction signs and stores the checkpoint at
the new size: the checkpoint and the subtrees it commits to become visible together. The
signed note is then published on ``govledger.<ward>.checkpoints`` in its own JetStream stream
(never the event stream); publishing is best effort, the table is the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from pathlib import Path

import asyncpg
import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

from govledger_contracts.audit.note import (
    Checkpoint,
    SignerKey,
    format_signer_key,
    format_verifier_key,
    generate_signer_key,
    ledger_origin,
    parse_signer_key,
    sign_checkpoint,
    verifier_key_of,
)
from govledger_contracts.subjects import checkpoint_subject
from govledger_ledger.adapters.merkle_store import (
    TREE_LOCK,
    LogCorrupted,
    StoredCheckpoint,
    extend_tree,
    insert_checkpoint,
    latest_checkpoint,
)
from govledger_ledger.adapters.nats_link import connect as connect_nats
from govledger_ledger.adapters.postgres_store import APPENDED_CHANNEL, init_connection
from govledger_ledger.settings import Settings

log = logging.getLogger("govledger.checkpoints")
KEY_FILE = "checkpoint.key"
CHUNK = 20_000
"""Events per extending transaction: bounds memory and how long the tree lock is held."""


# --------------------------------------------------------------------------- keys


def load_or_create_signer(settings: Settings) -> SignerKey:
    """The checkpoint key from settings, else ``<data_dir>/checkpoint.key``, made on first use."""
    origin = ledger_origin(settings.ward)
    if settings.checkpoint_key:
        return _named(parse_signer_key(settings.checkpoint_key), origin)
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path, origin)
    return _named(parse_signer_key(path.read_text("utf-8").strip()), origin)


def _create_key_file(path: Path, origin: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole to a private temporary file, then linked into place: link() refuses an
    # existing target, so when the API and the relay start at once one key wins and neither
    # process can read a half-written file.
    fd, tmp = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(format_signer_key(generate_signer_key(origin)) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def _named(key: SignerKey, origin: str) -> SignerKey:
    if key.name != origin:
        raise ValueError(f"the checkpoint key is named {key.name!r}, this ledger is {origin!r}")
    return key


def verifier_key_text(settings: Settings) -> str:
    """The public key in the note-verifier format (what ``govledger key show`` prints)."""
    return format_verifier_key(verifier_key_of(load_or_create_signer(settings)))


# --------------------------------------------------------------------------- one round


async def checkpoint_round(conn: asyncpg.Connection, signer: SignerKey, *,
                           wait: bool = False) -> StoredCheckpoint | None:
    """Extend the tree to the log's head and sign it; None if another process holds the lock.

    Returns the checkpoint stored now, or None when nothing new was signed. Raises
    ``LogCorrupted`` (and signs nothing) if an event does not hash or link as recorded.
    """
    while True:
        async with conn.transaction():
            if wait:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", TREE_LOCK)
            elif not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", TREE_LOCK):
                return None
            before = await latest_checkpoint(conn)
            edge, added = await extend_tree(conn, CHUNK)
            if added == CHUNK:
                continue  # commit this chunk, take the lock again for the next one
            if before is not None and before.size >= edge.size:
                return None
            checkpoint = Checkpoint(origin=signer.name, size=edge.size, root=edge.root())
            note = sign_checkpoint(checkpoint, signer)
            await insert_checkpoint(conn, edge.size, checkpoint.root, note)
            return await latest_checkpoint(conn)


# --------------------------------------------------------------------------- the task


def checkpoint_stream_config(settings: Settings) -> StreamConfig:
    """``GOVLEDGER_CHECKPOINTS`` (the event stream's name + ``_CHECKPOINTS``): signed heads."""
    return StreamConfig(
        name=f"{settings.stream_name}_CHECKPOINTS", subjects=[checkpoint_subject(settings.ward)],
        retention=RetentionPolicy.LIMITS, storage=StorageType.FILE, discard=DiscardPolicy.OLD,
        duplicate_window=float(settings.duplicate_window_seconds), deny_delete=True,
        deny_purge=True, description="govledger signed checkpoints (C2SP tlog-checkpoint)",
    )


class Checkpointer:
    """Signs a checkpoint after N events or T seconds; see the module docstring."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._signer = load_or_create_signer(settings)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._last_round = time.monotonic()
        self._published = -1
        self._js: JetStreamContext | None = None

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Run until stopped, retrying after database failures."""
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                log.warning("checkpointer interrupted (%s: %s); retrying", type(exc).__name__, exc)
                await self._sleep(1.0)
            except LogCorrupted as exc:
                # Never sign over it; say so loudly and look again later (an operator acts).
                log.error("checkpointer refuses to sign: the log is corrupted at %s", exc)
                await self._sleep(self._settings.checkpoint_every_seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _run_once(self) -> None:
        conn = await asyncpg.connect(self._settings.database_url)
        nc = await self._connect_nats()
        try:
            await init_connection(conn)
            await conn.add_listener(APPENDED_CHANNEL, lambda *_: self._wake.set())
            while not self._stopping.is_set():
                self._wake.clear()
                if await self._due(conn):
                    await checkpoint_round(conn, self._signer)
                    self._last_round = time.monotonic()
                await self._publish_latest(conn)
                await self._wait_for_work()
        finally:
            await conn.close()
            if nc is not None:
                await nc.close()

    async def _due(self, conn: asyncpg.Connection) -> bool:
        """N events since the last checkpoint, or T seconds and at least one event."""
        row = await conn.fetchrow(
            "SELECT h.position AS head, (SELECT max(size) FROM ledger.checkpoints) AS signed"
            " FROM ledger.head h"
        )
        if row is None or row["signed"] is None:
            return True  # sign the empty tree (or the first batch) right away
        backlog = int(row["head"]) - int(row["signed"])
        elapsed = time.monotonic() - self._last_round
        every = self._settings.checkpoint_every_events
        return bool(backlog >= every or (backlog > 0 and elapsed >= self._period()))

    def _period(self) -> float:
        return self._settings.checkpoint_every_seconds

    async def _wait_for_work(self) -> None:
        remaining = self._period() - (time.monotonic() - self._last_round)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.05, min(remaining, self._period())))

    async def _connect_nats(self) -> NatsClient | None:
        try:
            nc = await connect_nats(self._settings.nats_url, log, "checkpoints")
        except (OSError, nats.errors.Error, TimeoutError) as exc:
            log.warning("checkpoints will not be published until restart: %s", exc)
            return None
        self._js = nc.jetstream()
        return nc

    async def _publish_latest(self, conn: asyncpg.Connection) -> None:
        """Publish the newest checkpoint once; a failure is retried on the next turn."""
        latest = await latest_checkpoint(conn)
        if self._js is None or latest is None or latest.size <= self._published:
            return
        try:
            if self._published < 0:
                await _ensure_stream(self._js, self._settings)
            await self._js.publish(
                checkpoint_subject(self._settings.ward), latest.signed_note.encode(),
                headers={"Nats-Msg-Id": f"checkpoint-{latest.size}",
                         "Govledger-Tree-Size": str(latest.size),
                         "content-type": "text/plain; charset=utf-8"},
                timeout=5,
            )
        except (nats.errors.Error, TimeoutError) as exc:
            log.warning("checkpoint %d not published yet: %s", latest.size, exc)
            return
        self._published = latest.size


async def _ensure_stream(js: JetStreamContext, settings: Settings) -> None:
    config = checkpoint_stream_config(settings)
    try:
        await js.update_stream(config)
    except nats.js.errors.NotFoundError:
        await js.add_stream(config)
