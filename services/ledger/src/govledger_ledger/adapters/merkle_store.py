"""The Merkle tree over the log in PostgreSQL: perfect subtrees, checkpoints and proofs.

Storage (sql/002): every perfect subtree hash once, in ``ledger.merkle_subtrees``; the tree's
size is its number of leaves (level-0 rows). A root, inclusion proof or consistency proof is
a pure *plan* of O(log n) subtrees (``govledger_contracts.audit.merkle``), fetched here in
one query and folded. Stored subtrees never change, so a proof needs no transaction: once a
level-0 row at ``size - 1`` is visible, every subtree of the tree of that size is too (they
were committed together, see ``extend_tree``).

Extension happens outside the append transaction, in the checkpointer (checkpoints.py), which
holds ``TREE_LOCK`` for the transaction that extends: the hot path stays one row lock and one
COPY, and the tree trails the log by at most a checkpoint interval. While extending it checks
every new event's hash and link, so a log edited behind the ledger's back is never signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import asyncpg
import msgspec

from govledger_contracts.audit.leaves import exact_leaf, line_leaf
from govledger_contracts.audit.merkle import (
    CompactRange,
    Coord,
    Plan,
    SubtreeNode,
    consistency_plan,
    fold,
    inclusion_plan,
    leaf_hash,
    root_plan,
)
from govledger_contracts.canonical import GENESIS_HASH
from govledger_contracts.envelope import ENVELOPE_ENCODER
from govledger_ledger.adapters.postgres_store import Connection, row_to_envelope

TREE_LOCK = 0x676F76_74726565  # "govtree": one tree extender at a time, across processes
_SELECT_EVENTS = (
    "SELECT * FROM ledger.events WHERE position >= $1 ORDER BY position LIMIT $2"
)
_SELECT_SUBTREES = (
    "SELECT level, idx, hash FROM ledger.merkle_subtrees"
    " WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))"
)
_SELECT_CHECKPOINT = "SELECT size, root, signed_note, created_at FROM ledger.checkpoints"


class LogCorrupted(Exception):
    """The stored log does not hash and link as recorded: it was changed behind the ledger."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}")
        self.position = position


class TreeSizeExceeded(ValueError):
    """A proof was asked for a tree larger than the stored tree."""


class StoredCheckpoint(msgspec.Struct, frozen=True, kw_only=True):
    """A signed tree head as stored: the note is served verbatim."""

    size: int
    root: bytes
    signed_note: str
    created_at: dt.datetime


async def tree_size(conn: Connection) -> int:
    """How many leaves the stored tree has (a backward scan of the primary key)."""
    value = await conn.fetchval(
        "SELECT coalesce(max(idx) + 1, 0) FROM ledger.merkle_subtrees WHERE level = 0"
    )
    return int(value)


async def read_plans(conn: Connection, plans: Sequence[Plan]) -> list[bytes]:
    """Fold each plan from stored subtrees, fetching all of them in one query."""
    coords: list[Coord] = sorted({c for plan in plans for c in plan})
    if not coords:
        return [fold([]) for _ in plans]
    rows = await conn.fetch(_SELECT_SUBTREES, [c[0] for c in coords], [c[1] for c in coords])
    found = {(r["level"], r["idx"]): bytes(r["hash"]) for r in rows}
    missing = [c for c in coords if c not in found]
    if missing:
        raise TreeSizeExceeded(f"subtrees {missing[:3]} are not stored yet")
    return [fold([found[c] for c in plan]) for plan in plans]


async def right_edge(conn: Connection, size: int) -> CompactRange:
    """The stored tree's right edge at ``size``: where the next leaf is appended."""
    hashes = await read_plans(conn, [(c,) for c in root_plan(size)])
    return CompactRange(size, hashes)


def _checked_leaf(row: asyncpg.Record, position: int, prev: bytes) -> tuple[bytes, bytes]:
    """The event's leaf and chain hash, after checking its position, link and hash."""
    envelope = row_to_envelope(row)
    found, prev_hex, claimed, leaf = line_leaf(ENVELOPE_ENCODER.encode(envelope))
    if found != position:
        raise LogCorrupted(position, f"found position {found}")
    if prev_hex != prev.hex():
        raise LogCorrupted(position, "prev_hash does not match the previous event's hash")
    digest = hashlib.sha256(prev + leaf).digest()
    if digest.hex() != claimed:
        leaf = exact_leaf(ENVELOPE_ENCODER.encode(envelope))[3]  # reference path decides
        digest = hashlib.sha256(prev + leaf).digest()
        if digest.hex() != claimed:
            raise LogCorrupted(position, "the stored hash does not match the event (edited)")
    return leaf, digest


async def extend_tree(conn: Connection, limit: int) -> tuple[CompactRange, int]:
    """Append up to ``limit`` events after the tree's last leaf; return the new edge and count.

    The caller holds ``TREE_LOCK`` in the surrounding transaction, so the size read here is
    still the size when the new subtrees commit (their primary key would refuse a race too).
    """
    size = await tree_size(conn)
    edge = await right_edge(conn, size)
    # From the last leaf's own event (its hash is the first new event's prev_hash).
    rows = await conn.fetch(_SELECT_EVENTS, max(size, 1), limit + 1)
    prev = GENESIS_HASH
    if size and rows:
        if rows[0]["position"] != size:
            raise LogCorrupted(size, "the tree's last event is missing from the log")
        prev, rows = bytes(rows[0]["hash"]), rows[1:]
    nodes: list[SubtreeNode] = []
    for row in rows[:limit]:
        leaf, prev = _checked_leaf(row, edge.size + 1, prev)
        nodes.extend(edge.append_nodes(leaf_hash(leaf)))
    if nodes:
        await conn.copy_records_to_table(
            "merkle_subtrees", schema_name="ledger", columns=("level", "idx", "hash"),
            records=[(n.level, n.index, n.hash) for n in nodes],
        )
    return edge, edge.size - size


def _checkpoint(row: asyncpg.Record | None) -> StoredCheckpoint | None:
    if row is None:
        return None
    return StoredCheckpoint(size=row["size"], root=bytes(row["root"]),
                            signed_note=row["signed_note"], created_at=row["created_at"])


async def latest_checkpoint(conn: Connection) -> StoredCheckpoint | None:
    return _checkpoint(await conn.fetchrow(_SELECT_CHECKPOINT + " ORDER BY size DESC LIMIT 1"))


async def checkpoint_at(conn: Connection, size: int) -> StoredCheckpoint | None:
    return _checkpoint(await conn.fetchrow(_SELECT_CHECKPOINT + " WHERE size = $1", size))


async def insert_checkpoint(conn: Connection, size: int, root: bytes, note: str) -> bool:
    """Store a signed checkpoint; False if one at this size exists already (kept as it is)."""
    status = await conn.execute(
        "INSERT INTO ledger.checkpoints (size, root, signed_note) VALUES ($1, $2, $3)"
        " ON CONFLICT (size) DO NOTHING", size, root, note,
    )
    return bool(status.endswith(" 1"))


class Proof(msgspec.Struct, frozen=True, kw_only=True):
    """Folded proof hashes, the roots they were read with, and the note signed at the size."""

    hashes: tuple[bytes, ...]
    roots: tuple[bytes, ...]
    """The root at the proof's tree size; for a consistency proof, the older root first."""
    note: str | None


_SELECT_PROOF = (
    _SELECT_SUBTREES.replace("hash FROM", "hash, NULL::text AS note FROM")
    + " UNION ALL SELECT -1, size, root, signed_note FROM ledger.checkpoints WHERE size = $3"
)


class MerkleProofs:
    """Proof reads for the HTTP API: each proof is one query (subtrees and the signed note).

    No separate size check is needed: the plan always includes ``root_plan(size)``, whose
    last subtree holds leaf ``size - 1``, and a subtree is committed with the leaves it
    covers, so every subtree being present means the stored tree has at least ``size`` leaves.
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def tree_size(self) -> int:
        async with self._pool.acquire() as conn:
            return await tree_size(conn)

    async def inclusion(self, index: int, size: int) -> Proof:
        """The inclusion path of leaf ``index`` in the tree of ``size``, and that tree's root."""
        return await self._prove(inclusion_plan(index, size), [root_plan(size)], size)

    async def consistency(self, size1: int, size2: int) -> Proof:
        """The consistency proof from ``size1`` to ``size2``, and the roots at both sizes."""
        return await self._prove(consistency_plan(size1, size2),
                                 [root_plan(size1), root_plan(size2)], size2)

    async def _prove(self, plans: list[Plan], roots: list[Plan], size: int) -> Proof:
        wanted = [*plans, *roots]
        coords: list[Coord] = sorted({c for plan in wanted for c in plan})
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_SELECT_PROOF, [c[0] for c in coords],
                                    [c[1] for c in coords], size)
        found = {(r["level"], r["idx"]): bytes(r["hash"]) for r in rows if r["level"] >= 0}
        if any(c not in found for c in coords):
            raise TreeSizeExceeded(f"tree size {size} exceeds the stored tree")
        note = next((r["note"] for r in rows if r["level"] < 0), None)
        folded = [fold([found[c] for c in plan]) for plan in wanted]
        return Proof(hashes=tuple(folded[: len(plans)]), roots=tuple(folded[len(plans):]),
                     note=note)

    async def latest_checkpoint(self) -> StoredCheckpoint | None:
        async with self._pool.acquire() as conn:
            return await latest_checkpoint(conn)

    async def checkpoint(self, size: int) -> StoredCheckpoint | None:
        async with self._pool.acquire() as conn:
            return await checkpoint_at(conn, size)
