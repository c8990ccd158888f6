"""Rebuild every view from position 0 into a fresh table, and switch over when caught up.

The live consumer keeps serving and advancing the current generation meanwhile. The switch
takes the projector lock (so no batch is mid-flight), applies whatever the live consumer
committed since the rebuild last looked, writes the new generation's checkpoint in the same
transaction, and only then drops the old table. Live consumers notice the new generation at
their next batch and reload from it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec
import nats
from nats.js import JetStreamContext

from govledger_projector.consumer import PROJECTOR_LOCK
from govledger_projector.migrations import migrate
from govledger_projector.projections import (
    PROJECTION_VERSION,
    Views,
    empty_views,
    entry_of,
    fold_all,
)
from govledger_projector.settings import Settings
from govledger_projector.source import read_range, stream_last_seq
from govledger_projector.store import (
    Conn,
    changed_rows,
    join_rows,
    read_checkpoint,
    summary_rows,
    upsert_rows,
    views_table,
    write_checkpoint,
)

REBUILD_LOCK = 0x676F76_72656275  # "govrebu": one rebuild at a time
log = logging.getLogger("govledger.projector")
Progress = Callable[[int, int], None]
"""Called with (position reached, stream head) after every chunk."""


class RebuildInProgress(Exception):
    """Another rebuild holds the rebuild lock."""


class RebuildReport(msgspec.Struct, frozen=True, kw_only=True):
    generation: int
    """The generation now serving."""
    previous_generation: int
    position: int
    hash: str
    events: int
    entities: int
    seconds: float


async def _fold_up_to(js: JetStreamContext, stream: str, views: Views, end: int,
                      progress: Progress | None) -> Views:
    start = views["members"].position + 1
    async for chunk in read_range(js, stream, start, end):
        views, _ = fold_all(views, [entry_of(e) for e in chunk])
        if progress is not None:
            progress(views["members"].position, end)
    return views


async def _write_all(conn: Conn, generation: int, views: Views) -> int:
    """Every entity and every summary; returns the number of entities."""
    everything = {m: frozenset(v.entities) for m, v in views.items()}
    entities = changed_rows(views, everything)
    rows = join_rows(entities, summary_rows(views, views))
    for start in range(0, len(rows[0]), 5000):
        chunk = (rows[0][start:start + 5000], rows[1][start:start + 5000],
                 rows[2][start:start + 5000])
        await upsert_rows(conn, generation, views["members"].position, chunk)
    return len(entities[0])


async def _switch(conn: Conn, js: JetStreamContext, settings: Settings, views: Views,
                  progress: Progress | None) -> tuple[Views, int, int]:
    """Under the projector lock: catch up with the live checkpoint, write, switch."""
    await conn.execute("SELECT pg_advisory_lock($1)", PROJECTOR_LOCK)
    try:
        async with conn.transaction():
            live = await read_checkpoint(conn, lock=True)
            views = await _fold_up_to(js, settings.stream_name, views,
                                      max(live.position, views["members"].position), progress)
            new = live.generation + 1
            await conn.execute(f"DROP TABLE IF EXISTS {views_table(new)}")
            await conn.execute(f"CREATE TABLE {views_table(new)}"
                               " (LIKE projector.views_template INCLUDING ALL)")
            entities = await _write_all(conn, new, views)
            await write_checkpoint(conn, new, views["members"])
            await conn.execute("UPDATE projector.checkpoint SET projection_version = $1",
                               PROJECTION_VERSION)
            # Everything in the new table is to be published (values equal, keys may differ).
            await conn.execute("UPDATE projector.checkpoint SET published_position = 0")
        await conn.execute(f"DROP TABLE IF EXISTS {views_table(live.generation)}")
        return views, live.generation, entities
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", PROJECTOR_LOCK)


async def rebuild(settings: Settings, progress: Progress | None = None) -> RebuildReport:
    """Rebuild every view from the stream's first event; see the module docstring."""
    started = time.monotonic()
    await migrate(settings.database_url)
    conn = await asyncpg.connect(settings.database_url)
    nc = await nats.connect(settings.nats_url, connect_timeout=5)
    try:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", REBUILD_LOCK):
            raise RebuildInProgress("another rebuild is running")
        js = nc.jetstream()
        views = empty_views()
        while (head := await stream_last_seq(js, settings.stream_name)) > views["members"].position:
            views = await _fold_up_to(js, settings.stream_name, views, head, progress)
        views, previous, entities = await _switch(conn, js, settings, views, progress)
        view: Any = views["members"]
        return RebuildReport(generation=previous + 1, previous_generation=previous,
                             position=view.position, hash=view.hash, events=view.position,
                             entities=entities, seconds=round(time.monotonic() - started, 3))
    finally:
        await nc.close()
        await conn.close()


async def rebuild_if_outdated(settings: Settings) -> RebuildReport | None:
    """After an upgrade whose projections store something new (``PROJECTION_VERSION``), rebuild
    the views an older projector wrote, in the background of a running projector: the old
    generation serves until the new one has caught up. Views that hold nothing yet are simply
    stamped. None when nothing was to do (or another rebuild is already at it)."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        row = await conn.fetchrow(
            "SELECT position, projection_version FROM projector.checkpoint")
        if row is None or row["projection_version"] >= PROJECTION_VERSION:
            return None
        if row["position"] == 0:  # nothing written by the older release
            await conn.execute(
                "UPDATE projector.checkpoint SET projection_version = $1"
                " WHERE position = 0 AND projection_version < $1", PROJECTION_VERSION)
            return None
    finally:
        await conn.close()
    log.warning("the read models were written by an older release (projection version %d, "
                "this release writes %d): rebuilding them in the background; the current ones "
                "keep serving until the rebuild has caught up", row["projection_version"],
                PROJECTION_VERSION)
    try:
        report = await rebuild(settings)
    except RebuildInProgress:
        log.info("a rebuild is already running; it will bring the read models up to date")
        return None
    log.info("read models rebuilt for this release: generation %d at position %d (%d events, "
             "%.1f s)", report.generation, report.position, report.events, report.seconds)
    return report
