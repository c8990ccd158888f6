"""``govledger export``: the log, its latest signed checkpoint and the verifier key, for auditors.

Writes the directory format that ``govledger_contracts.audit.verify`` reads: ``events.jsonl``
(every event from position 1, one ``ENVELOPE_ENCODER`` line each), ``checkpoint`` and
``key.pub``. First it takes a checkpoint round itself (waiting for the tree lock), so the
checkpoint covers the log as it is now; then it reads the events and that checkpoint in one
REPEATABLE READ snapshot, so the two agree even while the ledger keeps appending (events
appended after the round are exported too: the audit chain-checks them, unsigned).

It exports what the database holds, tampered or not: the export is evidence. But it checks
the chain as it writes, as ``govledger verify`` does (each event's position follows, its
``prev_hash`` links, its hash recomputed from its content is the one stored, and the head
agrees), and reports the first bad position, so an operator learns of the damage now rather
than from an auditor later. If the checkpointer refuses to sign because the log no longer
hashes, the last checkpoint it did sign is exported, and the audit names the damage too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import asyncpg
import msgspec

from govledger_contracts.audit.leaves import LeafError, exact_leaf, fast_leaf
from govledger_contracts.audit.note import (
    NoteError,
    SignerKey,
    format_verifier_key,
    open_checkpoint,
    verifier_key_of,
)
from govledger_contracts.audit.verify import CHECKPOINT_FILE, EVENTS_FILE, KEY_FILE
from govledger_contracts.canonical import GENESIS_HASH, chain_hash
from govledger_contracts.envelope import ENVELOPE_ENCODER
from govledger_ledger.adapters.merkle_store import LogCorrupted, latest_checkpoint
from govledger_ledger.adapters.postgres_store import init_connection, row_to_envelope
from govledger_ledger.checkpoints import checkpoint_round
from govledger_ledger.verify import EDITED, GAP, NOT_CANONICAL, SHORT, UNLINKED

PREFETCH = 5000


class ExportError(Exception):
    """The export cannot be written as a verifiable directory."""


class ExportSummary(msgspec.Struct, frozen=True, kw_only=True):
    events: int
    checkpoint_size: int
    directory: str
    warning: str | None = None
    bad_position: int | None = None
    """The first position where the exported log does not verify (None: it all does)."""
    problem: str | None = None
    """What is wrong there, as ``govledger verify`` words it."""


class _Chain:
    """The hash chain, checked one event at a time as the export writes it."""

    def __init__(self) -> None:
        self.position = 0
        self.prev = GENESIS_HASH
        self.bad_position: int | None = None
        self.problem: str | None = None

    def check(self, row: asyncpg.Record, line: bytes) -> None:
        """Check the event in ``row``, exported as ``line`` (its ``ENVELOPE_ENCODER`` bytes)."""
        if self.problem is not None:
            return  # only the first problem counts; the rest of the log is still exported
        problem = _problem(row, line, self.position, self.prev)
        if problem is not None:
            self.bad_position, self.problem = self.position + 1, problem
            return
        self.position, self.prev = row["position"], row["hash"]

    def check_end(self, head: int) -> None:
        """The head must agree with the last event: a cut-off tail leaves both linked."""
        if self.problem is None and self.position != head:
            self.bad_position = self.position + 1
            self.problem = SHORT.format(head=head, end=self.position)


def _problem(row: asyncpg.Record, line: bytes, position: int, prev: bytes) -> str | None:
    if row["position"] != position + 1:
        return GAP.format(expected=position + 1, found=row["position"])
    if row["prev_hash"] != prev:
        return UNLINKED
    # The leaf of the very line written, as the offline audit computes it: msgspec's encoding
    # where that is provably canonical (``fast_leaf``), else the reference encoder, which also
    # decides before an event is called edited.
    leaf = fast_leaf(line)
    if leaf is None or chain_hash(prev, leaf[3]) != row["hash"]:
        try:
            exact = exact_leaf(line)[3]
        except LeafError as exc:
            return NOT_CANONICAL.format(error=exc)
        if chain_hash(prev, exact) != row["hash"]:
            return EDITED
    return None


async def export_log(database_url: str, out_dir: str | os.PathLike[str], *, signer: SignerKey,
                     progress: Callable[[int], None] | None = None) -> ExportSummary:
    """Write the export directory; return how many events and the signed size."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before any query)
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        warning = await _sign_current(conn, signer)
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            checkpoint = await latest_checkpoint(conn)
            if checkpoint is None:
                raise ExportError("the ledger has no signed checkpoint to export")
            _check_signed_by(checkpoint.signed_note, signer)
            chain = _Chain()
            count = await _write_events(conn, target / EVENTS_FILE, chain, progress)
            chain.check_end(int(await conn.fetchval("SELECT position FROM ledger.head")))
    finally:
        await conn.close()
    _write_text(target / CHECKPOINT_FILE, checkpoint.signed_note)
    _write_text(target / KEY_FILE, format_verifier_key(verifier_key_of(signer)) + "\n")
    return ExportSummary(events=count, checkpoint_size=checkpoint.size,
                         directory=str(target), warning=warning,
                         bad_position=chain.bad_position, problem=chain.problem)


async def _sign_current(conn: asyncpg.Connection, signer: SignerKey) -> str | None:
    """A checkpoint at the log's current size, unless the log no longer hashes as recorded."""
    try:
        await checkpoint_round(conn, signer, wait=True)
    except LogCorrupted as exc:
        return f"the log does not verify at {exc}; exported with the last signed checkpoint"
    return None


def _check_signed_by(note: str, signer: SignerKey) -> None:
    """Refuse to hand out a checkpoint that ``key.pub`` would not verify (a rotated key)."""
    try:
        open_checkpoint(note, verifier_key_of(signer))
    except NoteError as exc:
        raise ExportError(f"the latest checkpoint is not signed by this key: {exc}") from exc


async def _write_events(conn: asyncpg.Connection, path: Path, chain: _Chain,
                        progress: Callable[[int], None] | None) -> int:
    """Stream every event into ``path`` (through a temporary file renamed at the end),
    checking the chain on the way."""
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    encode = ENVELOPE_ENCODER.encode
    with tmp.open("wb") as out:
        cursor = conn.cursor("SELECT * FROM ledger.events ORDER BY position", prefetch=PREFETCH)
        async for row in cursor:
            line = encode(row_to_envelope(row))
            chain.check(row, line)
            out.write(line + b"\n")
            count += 1
            if progress is not None and not count % PREFETCH:
                progress(count)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
    if progress is not None:
        progress(count)
    return count


def _write_text(path: Path, text: str) -> None:
    """Exact bytes, no newline translation: the checkpoint is signed text."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)
