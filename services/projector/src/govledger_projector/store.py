"""PostgreSQL storage of the views: one row per entity, one checkpoint row, per generation.

Callers pass a connection inside their own transaction: the consumer writes view rows and
the checkpoint in one transaction, which is what makes redelivery harmless.

Each model's summary is a row too (model ``summary``, key = the model's name), written in the
same transaction whenever the summary's inputs change: the publisher puts exactly that JSON
under the bucket's ``summary`` key, and the API serves exactly that JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy

from govledger_contracts.views import MODELS
from govledger_projector.projections import PROJECTIONS, Counts, View, Views, empty_views, summarize

Conn = asyncpg.Connection | PoolConnectionProxy
"""A connection, whether or not it came from a pool."""
_ENCODE = msgspec.json.Encoder().encode
_DECODERS = {model: msgspec.json.Decoder(entity) for model, (entity, _) in MODELS.items()}
SUMMARY_ROWS = "summary"
"""The ``model`` of the rows holding the summaries (their ``key`` names the read model)."""


class _Positioned(msgspec.Struct):
    position: int


_SUMMARY_POSITION = msgspec.json.Decoder(_Positioned)


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    generation: int
    position: int
    hash: str
    as_of: dt.datetime | None
    published_position: int


def views_table(generation: int) -> str:
    """The table of one generation; the name is built from an int, never from input."""
    return f"projector.views_{int(generation)}"


async def read_checkpoint(conn: Conn, *, lock: bool = False) -> Checkpoint:
    row = await conn.fetchrow(
        "SELECT generation, position, hash, as_of, published_position FROM projector.checkpoint"
        + (" FOR UPDATE" if lock else ""))
    assert row is not None, "projector.checkpoint has its row from the first migration"
    return Checkpoint(**dict(row))


async def write_checkpoint(conn: Conn, generation: int, view: View[Any]) -> None:
    await conn.execute(
        "UPDATE projector.checkpoint SET generation = $1, position = $2, hash = $3, as_of = $4,"
        " updated_at = now()", generation, view.position, view.hash, view.as_of)


def committed_checkpoint(before: Checkpoint, view: View[Any]) -> Checkpoint:
    """The checkpoint row as ``write_checkpoint(conn, before.generation, view)`` leaves it (and
    as ``read_checkpoint`` would read it back: ``as_of`` in UTC)."""
    as_of = None if view.as_of is None else view.as_of.astimezone(dt.UTC)
    return Checkpoint(generation=before.generation, position=view.position, hash=view.hash,
                      as_of=as_of, published_position=before.published_position)


async def stamp_projection_version(conn: Conn, version: int) -> None:
    """Record that the serving generation was written by projections of ``version``."""
    await conn.execute("UPDATE projector.checkpoint SET projection_version = $1", version)


async def mark_published(conn: Conn, position: int) -> None:
    # Without waiting for the WAL flush: a mark lost in a crash only makes the next batch
    # publish the same values again (deterministic, and deduplicated by Nats-Msg-Id), so it is
    # not worth a second disk flush per batch. The views' own commit still waits for it.
    # One round trip: a script (no parameters; the position is an int) in its own transaction.
    assert not conn.is_in_transaction(), "mark_published commits a transaction of its own"
    await conn.execute(
        "BEGIN; SET LOCAL synchronous_commit = off; UPDATE projector.checkpoint SET"
        f" published_position = {int(position)} WHERE published_position < {int(position)};"
        " COMMIT")


async def load_views(conn: Conn, checkpoint: Checkpoint) -> Views:
    """Every view at the checkpoint, from the rows of its generation.

    A model whose summary row is missing (views written before summaries were stored) gets
    the checkpoint's position as its summary position; see ``missing_summaries``."""
    views = empty_views()
    entities: dict[str, dict[str, Any]] = {m: {} for m in views}
    summary_positions: dict[str, int] = {}
    rows = await conn.fetch(f"SELECT model, key, doc::text AS doc FROM "
                            f"{views_table(checkpoint.generation)}")
    for row in rows:
        if row["model"] in entities:
            entities[row["model"]][row["key"]] = _DECODERS[row["model"]].decode(row["doc"])
        elif row["model"] == SUMMARY_ROWS:
            summary_positions[row["key"]] = _SUMMARY_POSITION.decode(row["doc"]).position
    return {m: View(model=m, position=checkpoint.position, hash=checkpoint.hash,
                    as_of=checkpoint.as_of, entities=entities[m],
                    summary_position=summary_positions.get(m, checkpoint.position))
            for m in views}


async def missing_summaries(conn: Conn, generation: int) -> set[str]:
    """The read models that have no summary row in this generation yet."""
    stored = {r["key"] for r in await conn.fetch(
        f"SELECT key FROM {views_table(generation)} WHERE model = $1", SUMMARY_ROWS)}
    return set(PROJECTIONS) - stored


def changed_rows(views: Mapping[str, View[Any]], changed: Mapping[str, Iterable[str]],
                 ) -> tuple[list[str], list[str], list[str]]:
    """(models, keys, JSON docs) of the changed entities, as three parallel arrays."""
    models, keys, docs = [], [], []
    for model, model_keys in changed.items():
        entities = views[model].entities
        for key in model_keys:
            models.append(model)
            keys.append(key)
            docs.append(_ENCODE(entities[key]).decode())
    return models, keys, docs


def summary_rows(views: Mapping[str, View[Any]], models: Iterable[str],
                 counts: Mapping[str, Counts] | None = None,
                 ) -> tuple[list[str], list[str], list[str]]:
    """(models, keys, JSON docs) of the summary rows of ``models``, like ``changed_rows``;
    from ``counts`` (see ``projections.count_views``) where given."""
    names = [m for m in PROJECTIONS if m in set(models)]
    docs = [_ENCODE(summarize(views[m], counts)).decode() for m in names]
    return [SUMMARY_ROWS] * len(names), names, docs


def join_rows(*parts: tuple[list[str], list[str], list[str]],
              ) -> tuple[list[str], list[str], list[str]]:
    return ([v for p in parts for v in p[0]], [v for p in parts for v in p[1]],
            [v for p in parts for v in p[2]])


async def upsert_rows(conn: Conn, generation: int, position: int,
                      rows: tuple[list[str], list[str], list[str]]) -> None:
    """One statement for the whole batch (unnest), whatever its size."""
    if not rows[0]:
        return
    await conn.execute(
        f"INSERT INTO {views_table(generation)} (model, key, doc, position)"
        " SELECT m, k, d::jsonb, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, k, d)"
        " ON CONFLICT (model, key) DO UPDATE SET doc = excluded.doc, position = excluded.position",
        *rows, position)


async def rows_since(conn: Conn, generation: int,
                     position: int) -> list[asyncpg.Record]:
    """Rows written after ``position``: what is still to be published."""
    return await conn.fetch(
        f"SELECT model, key, doc::text AS doc FROM {views_table(generation)}"
        " WHERE position > $1 ORDER BY model, key", position)


async def fetch_entities(conn: Conn, model: str) -> tuple[Checkpoint, View[Any]]:
    """One model's view as served now (for the API), with the checkpoint it reflects."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        checkpoint = await read_checkpoint(conn)
        rows = await conn.fetch(f"SELECT key, doc::text AS doc FROM "
                                f"{views_table(checkpoint.generation)} WHERE model = $1", model)
    decoder = _DECODERS[model]
    view = View(model=model, position=checkpoint.position, hash=checkpoint.hash,
                as_of=checkpoint.as_of, entities={r["key"]: decoder.decode(r["doc"]) for r in rows},
                summary_position=checkpoint.position)
    return checkpoint, view


async def fetch_summary(conn: Conn, model: str) -> str | None:
    """The model's summary JSON as stored (and published to its bucket), if stored yet."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        checkpoint = await read_checkpoint(conn)
        doc: str | None = await conn.fetchval(
            f"SELECT doc::text FROM {views_table(checkpoint.generation)}"
            " WHERE model = $1 AND key = $2", SUMMARY_ROWS, model)
    return doc


async def fetch_views(conn: Conn) -> tuple[Checkpoint, Views]:
    """Every model at one consistent checkpoint (one snapshot)."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        checkpoint = await read_checkpoint(conn)
        views = await load_views(conn, checkpoint)
    return checkpoint, views


__all__ = ["PROJECTIONS", "SUMMARY_ROWS", "Checkpoint", "Conn", "changed_rows",
           "committed_checkpoint", "fetch_entities", "fetch_summary", "fetch_views", "join_rows",
           "load_views", "mark_published", "missing_summaries", "read_checkpoint", "rows_since",
           "stamp_projection_version", "summary_rows", "upsert_rows", "views_table",
           "write_checkpoint"]
